// Plugs alerts and drills into the console window in one call, with the
// parts the composition root (app/pulsco-console) made:
//   new pulsco::DrillsConsole(window, alerts, std::move(library), std::move(sessions),
//                             std::move(runner));
// after MainWindow, before showPage(). It adds the Alerts dock (View >
// Panels), the "drills" page (--page drills), keeps the alert engine bound to
// whatever source the window shows, and opens a drill's scenario as the
// window's source when a drill starts.
#pragma once

#include "drills/AlertEngine.h"
#include "drills/DrillJson.h"
#include "drills/DrillLibrary.h"
#include "drills/DrillRunner.h"
#include "drills/DrillSessionStore.h"

#include <QObject>
#include <QPointer>
#include <QTemporaryDir>

#include <functional>
#include <memory>

namespace pulsco {

class TrainerWindow;

class AlertsDock;
class DrillsPage;
class MainWindow;
class Source;

class DrillsConsole : public QObject {
    Q_OBJECT
public:
    // Takes ownership of all four. `alerts` becomes a child of this;
    // `runner` starts the drills on `alerts` and saves them to, and journals
    // them in, `sessions` (null: drills still run, sessions are not saved).
    // The library gets the shipped context (drills/ShippedDrillContext) here;
    // the runner gets the window's source and opens each drill's scenario.
    DrillsConsole(MainWindow& window, AlertEngine* alerts, std::unique_ptr<DrillLibrary> library,
                  std::unique_ptr<DrillSessionStore> sessions, std::unique_ptr<DrillRunner> runner);
    ~DrillsConsole() override;

    AlertEngine* alerts() const { return m_alerts; }
    AlertsDock* dock() const { return m_dock; }
    DrillsPage* page() const { return m_page; }
    DrillSessionStore* sessions() const { return m_sessions.get(); }
    DrillLibrary& library() const { return *m_library; }
    DrillRunner* runner() const { return m_runner.get(); }
    // Opens (or raises) the trainer's own window (Ctrl+Shift+T).
    TrainerWindow* showTrainerWindow();

private:
    void bind(Source* source);
    Source* openDrillSource(const DrillScript& drill, QString* error);

    MainWindow& m_window;
    AlertEngine* m_alerts = nullptr;
    AlertsDock* m_dock = nullptr;
    DrillsPage* m_page = nullptr;
    std::unique_ptr<DrillLibrary> m_library;
    std::unique_ptr<DrillSessionStore> m_sessions;
    // After m_sessions: destroyed first, it saves into them.
    std::unique_ptr<DrillRunner> m_runner;
    QPointer<Source> m_bound;
    std::function<void()> m_showFiring;
    QPointer<TrainerWindow> m_trainerWindow;  // the status bar's "Alerts: N firing"
    QMetaObject::Connection m_snapshots;
    QTemporaryDir m_inlineScenarios;  // inline drill scenarios, as files for the factory
};

}  // namespace pulsco
