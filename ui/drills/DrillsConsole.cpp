#include "ui/drills/DrillsConsole.h"

#include "drills/ShippedDrillContext.h"
#include "ui/DashboardPage.h"
#include "ui/EventLogView.h"
#include "ui/MainWindow.h"
#include "ui/SourceBar.h"
#include "ui/drills/AlertsPanel.h"
#include "ui/drills/DrillsPage.h"
#include "ui/drills/TrainerWindow.h"

#include <QAction>
#include <QJsonDocument>
#include <QPointer>
#include <QSaveFile>
#include <QStatusBar>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace pulsco {

DrillsConsole::DrillsConsole(MainWindow& window, AlertEngine* alerts,
                             std::unique_ptr<DrillLibrary> library,
                             std::unique_ptr<DrillSessionStore> sessions,
                             std::unique_ptr<DrillRunner> runner)
    : QObject(&window)
    , m_window(window)
    , m_alerts(alerts)
    , m_library(std::move(library))
    , m_sessions(std::move(sessions))
    , m_runner(std::move(runner)) {
    // The composition root makes all four; a missing one is a wiring bug.
    Q_ASSERT(m_alerts && m_library && m_sessions && m_runner);
    m_alerts->setParent(this);

    m_dock = new AlertsDock(m_alerts, &window);
    window.addPanel(m_dock, Qt::RightDockWidgetArea);
    // The dock takes a quarter of a 1280-pixel screen: keep it closed while
    // nothing fires, open it when something does, and keep a one-click way
    // to it in the status bar on every page.
    m_dock->hide();
    auto* alertsButton = new QToolButton(&window);
    alertsButton->setAutoRaise(true);
    alertsButton->setAccessibleName(tr("Alerts panel"));
    alertsButton->setToolTip(tr("Show or hide the alerts panel"));
    connect(alertsButton, &QToolButton::clicked, m_dock,
            [this] { m_dock->setVisible(!m_dock->isVisible()); });
    window.statusBar()->insertPermanentWidget(0, alertsButton);
    const auto showFiring = [this, alertsButton] {
        int firing = 0;
        for (const AlertRule& rule : m_alerts->rules()) {
            const AlertStatus* status = m_alerts->status(rule.name);
            firing += status && status->state == AlertState::Firing ? 1 : 0;
        }
        alertsButton->setText(firing == 0 ? tr("Alerts: none firing")
                                          : tr("Alerts: %n firing", nullptr, firing));
        alertsButton->setStyleSheet(
            firing == 0 ? QString() : u"QToolButton { color: #c62828; font-weight: bold; }"_s);
    };
    showFiring();
    m_showFiring = showFiring;
    connect(m_alerts, &AlertEngine::transitioned, alertsButton,
            [this, showFiring](const AlertTransition& t) {
                showFiring();
                if (t.to == AlertState::Firing)
                    m_dock->show();
            });

    m_runner->setSourceOpener(
        [this](const DrillScript& drill, QString* error) { return openDrillSource(drill, error); });
    // A drill cannot go on without its source: replacing it stops the drill.
    window.addSourceGuard([runner = QPointer<DrillRunner>(m_runner.get())]() -> QString {
        if (!runner || !runner->isRunning() || !runner->session())
            return {};
        const DrillRecord& r = runner->session()->record();
        return tr("the drill \u201c%1\u201d in progress (trainee %2): it is stopped and saved "
                  "as emergency-stopped")
            .arg(runner->session()->drill().title, r.trainee.isEmpty() ? tr("unnamed") : r.trainee);
    });
    m_page = new DrillsPage(*m_library, *m_runner, &window);
    m_page->setContext(shippedDrillContext(m_alerts->rules()));
    window.addPage(u"drills"_s, m_page, tr("Drills"), QIcon(u":/pulsco/icons/drills.svg"_s));

    connect(&window, &MainWindow::sourceChanged, this, &DrillsConsole::bind);
    // Alerts also appear in the Dashboard's event log.
    connect(m_alerts, &AlertEngine::transitioned, this, [this](const AlertTransition& t) {
        if (!m_window.dashboard())
            return;
        if (t.to == AlertState::Firing)
            m_window.dashboard()->addConsoleEvent(
                LogEventKind::Breach,
                tr("alert firing: %1 (%2)%3%4")
                    .arg(t.rule, toString(t.severity),
                         t.detail.isEmpty() ? QString() : u", "_s + t.detail,
                         t.acknowledgedBy.isEmpty()
                             ? QString()
                             : tr(", still acknowledged by %1").arg(t.acknowledgedBy)));
        else if (t.to == AlertState::Resolved)
            m_window.dashboard()->addConsoleEvent(
                LogEventKind::Info,
                t.who.isEmpty() ? tr("alert resolved: %1").arg(t.rule)
                                : tr("alert resolved by %1: %2 (%3)").arg(t.who, t.rule, t.note));
    });
    // Acknowledgements are facts an operator looks back for: who took it, when.
    connect(m_alerts, &AlertEngine::acknowledged, this, [this](const AlertTransition& t) {
        if (m_window.dashboard())
            m_window.dashboard()->addConsoleEvent(
                LogEventKind::Info, tr("alert acknowledged by %1: %2").arg(t.who, t.rule));
    });
    // The trainee's screen shows symptoms, not the cause (the trainer view
    // keeps it): no fault list in the source bar, no fault lines in the log.
    auto* trainerView = new QAction(tr("&Trainer view"), &window);
    trainerView->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    trainerView->setShortcutContext(Qt::ApplicationShortcut);
    window.addAction(trainerView);
    connect(trainerView, &QAction::triggered, this, [this] { showTrainerWindow(); });
    connect(m_runner.get(), &DrillRunner::started, this, [this](DrillSession*) {
        const bool hide = m_page->hidesCauseWhileRunning();
        m_window.sourceBar()->setFaultsHidden(hide, tr("trainer view: Ctrl+Shift+T"));
        if (m_window.dashboard())
            m_window.dashboard()->eventLog()->setFaultEventsHeld(hide);
    });
    connect(m_runner.get(), &DrillRunner::finished, this, [this](const DrillRecord&) {
        m_window.sourceBar()->setFaultsHidden(false);
        if (m_window.dashboard())
            m_window.dashboard()->eventLog()->setFaultEventsHeld(false);
    });
    // The trainee acknowledges in the Alerts dock: start it with their name.
    connect(m_runner.get(), &DrillRunner::started, this, [this](DrillSession* session) {
        if (m_dock->panel()->operatorName().isEmpty())
            m_dock->panel()->setOperatorName(session->record().trainee);
    });
    bind(window.source());
}

DrillsConsole::~DrillsConsole() {
    // The trainer view reads the runner this object owns: it goes first,
    // now, not at some later turn of the event loop.
    delete m_trainerWindow.data();
}

TrainerWindow* DrillsConsole::showTrainerWindow() {
    if (!m_trainerWindow) {
        // A top-level window of its own (no parent: it must not sit on the
        // trainee's window), closed with the console.
        // Closing it deletes it; the console's end deletes it too.
        m_trainerWindow = new TrainerWindow(*m_runner);
        m_trainerWindow->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_trainerWindow->setSource(m_runner->source());
    m_trainerWindow->show();
    m_trainerWindow->raise();
    m_trainerWindow->activateWindow();
    return m_trainerWindow;
}

void DrillsConsole::bind(Source* source) {
    if (m_snapshots)
        disconnect(m_snapshots);
    // The source the drill runs on is going away (the operator confirmed):
    // the drill ends here, saved, rather than waiting on a source that is gone.
    if (m_runner->isRunning() && m_runner->session() && m_bound && m_bound != source &&
        m_runner->source() == m_bound)
        m_runner->session()->emergencyStop();
    m_bound = source;
    m_alerts->reset();  // a new source has its own clock
    if (m_showFiring)
        m_showFiring();  // the status bar agrees with the (now empty) dock
    if (!source)
        return;
    m_snapshots =
        connect(source, &Source::snapshotReady, m_alerts, [this](const SnapshotPtr& snapshot) {
            if (snapshot)
                m_alerts->evaluate(*snapshot);
        });
    m_runner->setSource(source);
}

Source* DrillsConsole::openDrillSource(const DrillScript& drill, QString* error) {
    SourceRequest request;
    request.kind = SourceRequest::Kind::Simulator;
    // A live or staging source stays: the drill's faults go to its admin API.
    if (m_window.source() && m_window.source()->kind() == Source::Kind::Live)
        return m_window.source();
    if (drill.inlineScenario.isEmpty()) {
        request.scenario = drill.scenario;
    } else {
        if (!m_inlineScenarios.isValid()) {
            *error = tr("Cannot create a folder for the drill's scenario.");
            return nullptr;
        }
        const QString path = m_inlineScenarios.filePath(drill.name + u".json"_s);
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) ||
            file.write(QJsonDocument(drill.inlineScenario).toJson()) < 0 || !file.commit()) {
            *error = tr("%1: cannot write the drill's scenario").arg(path);
            return nullptr;
        }
        request.scenario = path;
    }
    if (m_window.source() &&
        !m_window.confirmReplaceSource(tr("Starting the drill \u201c%1\u201d").arg(drill.title))) {
        *error = tr("Not started: the running source was kept.");
        return nullptr;
    }
    if (!m_window.openSource(request, error))
        return nullptr;
    return m_window.source();
}

}  // namespace pulsco
