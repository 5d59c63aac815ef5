// Plugs alerts and drills into the console window in one call:
//   pulsco::DrillsConsole drills(window);   // after MainWindow, before showPage()
// It adds the Alerts dock (View > Panels), the "drills" page (--page drills),
// keeps the alert engine bound to whatever source the window shows, opens a
// drill's scenario as the window's source when a drill starts, and stores
// sessions in the console store (its own connection to the same file).
#pragma once

#include "drills/AlertEngine.h"
#include "drills/DrillJson.h"

#include <QObject>
#include <QPointer>
#include <QTemporaryDir>

#include <memory>

namespace pulsco {

class AlertsDock;
class ConsoleStore;
class DrillSessionStore;
class DrillsPage;
class MainWindow;
class Source;

class DrillsConsole : public QObject {
    Q_OBJECT
public:
    // Drill sessions are saved to, and journaled in, `store` (the console's
    // one store, which must outlive this); null: drills still run, sessions
    // are not saved and the page says so. `userDrills` empty =
    // <AppDataLocation>/drills.
    explicit DrillsConsole(MainWindow& window, ConsoleStore* store, const QString& userDrills = {});
    ~DrillsConsole() override;

    AlertEngine* alerts() const { return m_alerts; }
    AlertsDock* dock() const { return m_dock; }
    DrillsPage* page() const { return m_page; }
    DrillSessionStore* sessions() const { return m_sessions.get(); }

    // What drill files may refer to: shipped scenarios, the rules, regions.
    static DrillContext consoleContext(const std::vector<AlertRule>& rules);

private:
    void bind(Source* source);
    Source* openDrillSource(const DrillScript& drill, QString* error);

    MainWindow& m_window;
    AlertEngine* m_alerts = nullptr;
    AlertsDock* m_dock = nullptr;
    DrillsPage* m_page = nullptr;
    std::unique_ptr<DrillSessionStore> m_sessions;
    QPointer<Source> m_bound;
    QMetaObject::Connection m_snapshots;
    QTemporaryDir m_inlineScenarios;  // inline drill scenarios, as files for the factory
};

}  // namespace pulsco
