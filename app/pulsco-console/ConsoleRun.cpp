#include "app/pulsco-console/ConsoleRun.h"

#include "app/pulsco-console/AlertmanagerForwarder.h"
#include "app/pulsco-console/ConsoleSourceFactory.h"
#include "app/pulsco-console/ConsoleTrafficControllers.h"
#include "app/pulsco-console/LiveServersStatus.h"
#include "app/pulsco-console/UiProbe.h"
#include "bridge/JsonReader.h"
#include "bridge/ReplayComparisonJson.h"
#include "drills/AlertRuleJson.h"
#include "drills/DrillJournal.h"
#include "drills/DrillLibrary.h"
#include "drills/DrillRunner.h"
#include "drills/DrillSessionStore.h"
#include "net/live/CaCertificates.h"
#include "rollout/RolloutSession.h"
#include "rollout/TrafficStepper.h"
#include "store/ConsoleStore.h"
#include "store/ReadinessProbeLog.h"
#include "ui/ComparisonReportDialog.h"
#include "ui/ConnectDialog.h"
#include "ui/DashboardPage.h"
#include "ui/LoadRunDialog.h"
#include "ui/MainWindow.h"
#include "ui/QueueDepthChart.h"
#include "ui/drills/AlertChartAnnotator.h"
#include "ui/drills/DrillsConsole.h"
#include "ui/rollout/ChecklistView.h"
#include "ui/rollout/RolloutPage.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>

namespace pulsco {

using namespace Qt::StringLiterals;

namespace {

void printError(const QString& message) {
    std::fprintf(stderr, "pulsco-console: %s\n", qPrintable(message));
}

// A pulsco-sim --compare report in its dialog; nullptr with *error naming
// the file, the field and why.
ComparisonReportDialog* openComparisonReport(QWidget* parent, const QString& path, QString* error) {
    const auto bytes = readFileForParsing(path, 64 << 20, error);
    if (!bytes)
        return nullptr;
    const auto report = replayComparisonFromJson(*bytes, path, error);
    if (!report)
        return nullptr;
    auto* dialog = new ComparisonReportDialog(*report, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

// Live drills' surges go to `target` (none when its URL is empty): a
// pulsco-sim beside this executable, replacing the one used so far.
void useDrillSurgeTarget(DrillRunner* runner, QObject* owner, const DrillSurgeTarget& target) {
    if (SurgeLoad* old = runner->surgeLoad())
        old->deleteLater();
    runner->setSurgeLoad(nullptr);
    if (target.url.isEmpty())
        return;
    SurgeLoadConfig surge;
    surge.simProgram = QCoreApplication::applicationDirPath() + u"/pulsco-sim"_s;
    surge.targets = {target.url};
    surge.balancer = true;
    surge.usualPlayers = target.usualPlayers;
    runner->setSurgeLoad(new SurgeLoad(surge, owner));
}

// File > Connect to live servers…: the Connect dialog, retried in place
// until the factory accepts the servers or the user cancels. The drill
// surge target saved with the server set comes with it.
void installConnectAction(MainWindow& window, ConsoleSourceFactory& factory, DrillRunner* drills) {
    QMenu* file = nullptr;
    for (QAction* action : window.menuBar()->actions())
        if (action->menu() && action->menu()->title() == MainWindow::tr("&File"))
            file = action->menu();
    if (!file)
        file = window.menuBar()->addMenu(MainWindow::tr("&File"));
    QAction* connectAction = new QAction(MainWindow::tr("&Connect to live servers…"), &window);
    connectAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    file->insertAction(file->actions().value(1), connectAction);
    // A recording of a server's arrivals, replayed like a scenario.
    QAction* openRecording = new QAction(MainWindow::tr("Open &recording…"), &window);
    openRecording->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    file->insertAction(file->actions().value(2), openRecording);
    QObject::connect(openRecording, &QAction::triggered, &window, [&window] {
        const QString path = QFileDialog::getOpenFileName(
            &window, MainWindow::tr("Open a recording of pulsco-matchd's arrivals"), {},
            MainWindow::tr("Recordings (*.rec *.rec.*);;All files (*)"));
        if (path.isEmpty() ||
            !window.confirmReplaceSource(MainWindow::tr("Replaying %1").arg(path)))
            return;
        SourceRequest request;
        request.kind = SourceRequest::Kind::Replay;
        request.recordingPath = path;
        QString error;
        if (!window.openSource(request, &error))
            QMessageBox::warning(&window, MainWindow::tr("Cannot replay this recording"), error);
    });
    // A comparison of two queue configurations on a recording.
    QAction* openComparison = new QAction(MainWindow::tr("Open &comparison report…"), &window);
    openComparison->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    file->insertAction(file->actions().value(3), openComparison);
    QObject::connect(openComparison, &QAction::triggered, &window, [&window] {
        const QString path = QFileDialog::getOpenFileName(
            &window, MainWindow::tr("Open a replay comparison report (pulsco-sim --compare)"), {},
            MainWindow::tr("Comparison reports (*.json);;All files (*)"));
        QString error;
        if (!path.isEmpty() && !openComparisonReport(&window, path, &error))
            QMessageBox::warning(&window, MainWindow::tr("Cannot open this comparison report"),
                                 error);
    });
    // Engineers rehearsing against staging: a pulsco-sim --target run
    // against the servers watched, beside this executable.
    QAction* loadAction = new QAction(MainWindow::tr("Start &load run…"), &window);
    file->insertAction(file->actions().value(4), loadAction);
    const auto updateLoad = [&window, loadAction] {
        loadAction->setEnabled(window.source() && window.source()->kind() == Source::Kind::Live);
    };
    QObject::connect(&window, &MainWindow::sourceChanged, loadAction, updateLoad);
    updateLoad();
    QObject::connect(loadAction, &QAction::triggered, &window, [&window] {
        auto* dialog = new LoadRunDialog(QCoreApplication::applicationDirPath() + u"/pulsco-sim"_s,
                                         window.sourceRequest().urls,
                                         ConsoleSourceFactory().scenarioNames(), &window);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });
    QObject::connect(connectAction, &QAction::triggered, &window, [&window, &factory, drills] {
        ConnectDialog dialog(&window);
        if (!factory.caCertificateFile().isEmpty())
            dialog.setCaCertificateFile(factory.caCertificateFile());
        while (dialog.exec() == QDialog::Accepted) {
            factory.setCaCertificateFile(dialog.caCertificateFile());
            const bool prometheus = dialog.viaPrometheus();
            if (!window.confirmReplaceSource(
                    prometheus ? QObject::tr("Reading the servers through Prometheus")
                               : QObject::tr("Connecting to %n server(s)", nullptr,
                                             int(dialog.servers().size()))))
                return;
            QString error;
            if (window.openSource(dialog.request(), &error)) {
                if (!prometheus)
                    ConnectDialog::remember(dialog.servers());
                if (drills)
                    useDrillSurgeTarget(drills, &window, dialog.drillSurgeTarget());
                return;
            }
            dialog.showError(error);
        }
    });
}

}  // namespace

DrillsConsole* installDrills(MainWindow& window, ConsoleStore* store, const QString& userDrills) {
    AlertRulesLoad rules = loadDefaultAlertRules();
    auto* alerts = new AlertEngine(rules.rules.value_or(std::vector<AlertRule>{}));
    auto library = std::make_unique<DrillLibrary>(userDrills);
    auto sessions = store ? std::make_unique<DrillSessionStore>(*store) : nullptr;
    // Starts the drills on the engine and saves them in the session store.
    auto runner = std::make_unique<DrillRunner>(alerts, sessions.get());
    // A child of the window; it keeps the engine, library, session store and runner.
    return new DrillsConsole(window, alerts, std::move(library), std::move(sessions),
                             std::move(runner));
}

ConsolePages installConsolePages(MainWindow& window, ConsoleStore& store,
                                 ConsoleSourceFactory& factory) {
    ConsolePages pages;
    // The page keeps the session; the session writes the store's audit trail.
    pages.rollout = new RolloutPage(new RolloutSession(store), window.source(), &window);
    // A rollout survives a source switch (its step starts over on the new
    // source's clock), but what it measured on this one does not.
    window.addSourceGuard([rollout = QPointer<RolloutPage>(pages.rollout)]() -> QString {
        if (!rollout || !rollout->session().rolloutActive())
            return {};
        const RolloutSession& session = rollout->session();
        return QObject::tr("the measurements of rollout #%1 in progress (green at %2 %): its "
                           "current step starts over on the new source and every gate's hold "
                           "starts again")
            .arg(session.rolloutNumber())
            .arg(session.stepper() ? session.stepper()->weight() : 0);
    });
    window.addPage(u"rollout"_s, pages.rollout, QObject::tr("Rollout"));
    // Drills bring the Alerts dock (on every page), the Drills page and
    // fire/clear markers on the queue-depth chart.
    pages.drills = installDrills(window, &store, DrillLibrary::defaultUserDirectory());
    new AlertChartAnnotator(pages.drills->alerts(), window.dashboard()->queueChart(), 60, &window);
    // Live servers' traffic controller (HAProxy, webhook, manual), rebuilt
    // with each source; created before the page's own sourceChanged slot so
    // the session knows its controller when the new source's first snapshot
    // asks for the rollout's weight. Drills move live traffic through it too.
    new ConsoleTrafficControllers(window, pages.rollout->session(), pages.drills->runner());
    QObject::connect(&window, &MainWindow::sourceChanged, pages.rollout, &RolloutPage::setSource);

    installConnectAction(window, factory, pages.drills ? pages.drills->runner() : nullptr);
    new LiveServersStatus(window);
    return pages;
}

int runConsole(const ConsoleOptions& options) {
    // The console store (rollout audit trail, drill sessions) outlives the
    // window and its pages.
    QString storeError;
    const auto store = ConsoleStore::open(ConsoleStore::defaultPath(), &storeError);
    if (!store) {
        printError(storeError);
        return 2;
    }
    // Drills cut short by a crash come back as interrupted sessions; from
    // now on each drill event is durable before it is shown.
    QString recoverError;
    const auto recoveredDrills = DrillJournal::recoverInterrupted(*store, &recoverError);
    if (!recoveredDrills)
        printError(recoverError);
    // Live sources keep each server's /readyz answers here, so downtime
    // the console saw still counts against `uptime` after a restart.
    ReadinessProbeLog readinessLog(*store);
    ConsoleSourceFactory factory;
    factory.setReadinessLog(&readinessLog);
    MainWindow window(factory);
    if (store->sharedWithAnotherConsole()) {
        const QString notice =
            MainWindow::tr("Another console (pid %1) has %2 open: its running drills are left "
                           "alone; drills cut short earlier are recovered by the next console "
                           "that starts alone")
                .arg(store->otherConsolePid())
                .arg(store->path());
        // The event log fills fast on a running source; say it where it stays.
        printError(notice);
        window.dashboard()->addConsoleEvent(LogEventKind::Info, notice);
    }
    if (recoveredDrills && *recoveredDrills > 0)
        window.dashboard()->addConsoleEvent(
            LogEventKind::Info,
            MainWindow::tr("%n drill session(s) cut short by the console stopping were saved as "
                           "interrupted (Drills page, history)",
                           nullptr, *recoveredDrills));
    const bool scripted = !options.screenshotPath.isEmpty() || !options.benchReport.isEmpty();
    if (!options.caCertFile.isEmpty()) {
        QString why;
        if (!loadCaCertificates(options.caCertFile, &why)) {
            printError(u"--ca-cert: "_s + why);
            return 2;
        }
        factory.setCaCertificateFile(QFileInfo(options.caCertFile).absoluteFilePath());
    } else if (!scripted) {
        factory.setCaCertificateFile(ConnectDialog::savedCaCertificateFile());
    }
    // Scripted runs (docs, tests, benchmarks) must look the same everywhere:
    // no remembered geometry or palette.
    if (!scripted)
        window.restoreSettings(true);
    if (!options.theme.isEmpty())
        window.setTheme(*themeFromKey(options.theme));
    else if (scripted)
        window.setTheme(Theme::Light);

    // Pages and panels beyond the Dashboard are installed before --page is
    // resolved.
    const ConsolePages pages = installConsolePages(window, *store, factory);

    // blue-green: the Rollout page on its Blue-green tab (steps, controller,
    // requested / read back / measured weights).
    const bool blueGreen = options.page == u"blue-green"_s;
    if (blueGreen && pages.rollout)
        pages.rollout->tabs()->setCurrentIndex(1);
    if (!window.showPage(blueGreen ? u"rollout"_s : options.page)) {
        printError(u"--page: the %1 page is not available in this build yet (available: %2)"_s.arg(
            options.page, window.pageKeys().join(u", "_s)));
        return 2;
    }
    // --surge-target wins, and is saved with the server set; without it a
    // --connect set brings the one saved with it (the Connect dialog's).
    if (pages.drills) {
        DrillSurgeTarget surge{options.surgeTarget, options.surgePlayers};
        if (surge.url.isEmpty() && !options.connectUrls.isEmpty())
            surge = ConnectDialog::savedDrillSurgeTarget(options.connectUrls);
        else if (!surge.url.isEmpty() && !options.connectUrls.isEmpty() && !scripted)
            ConnectDialog::saveDrillSurgeTarget(options.connectUrls, surge);
        useDrillSurgeTarget(pages.drills->runner(), &window, surge);
    }
    if (options.alertmanager && pages.drills)
        new AlertmanagerForwarder(window, pages.drills->alerts(), pages.drills->runner(),
                                  *options.alertmanager, options.alertmanagerDrills);
    if (!options.item.isEmpty() &&
        (!pages.rollout || !pages.rollout->checklist()->selectItem(options.item))) {
        printError(u"--item: no checklist item \"%1\" in the plan (the ids are in the plan "
                   "file; docs/rollout.md)"_s.arg(options.item));
        return 2;
    }

    SourceRequest request;
    request.kind = SourceRequest::Kind::Simulator;
    request.scenario = options.scenario;
    request.players = options.players;
    bool fromSettings = false;
    if (!options.connectUrls.isEmpty()) {
        request.kind = SourceRequest::Kind::Live;
        request.urls = options.connectUrls;
        QString savedError;
        request.traffic = options.traffic.value_or(
            ConnectDialog::savedTrafficController(options.connectUrls, &savedError));
        if (!options.traffic && !savedError.isEmpty())
            printError(savedError + u" (saved with these servers; using manual confirmation)"_s);
        if (!scripted) {
            ConnectDialog::remember(options.connectUrls);
            if (options.traffic)
                ConnectDialog::saveTrafficController(options.connectUrls, *options.traffic);
        }
    } else if (!options.replayPath.isEmpty()) {
        request.kind = SourceRequest::Kind::Replay;
        request.recordingPath = QFileInfo(options.replayPath).absoluteFilePath();
    } else if (!options.prometheusUrl.isEmpty()) {
        request.kind = SourceRequest::Kind::Prometheus;
        request.prometheusUrl = options.prometheusUrl;
        request.prometheusSelector = options.prometheusSelector;
        if (options.traffic)
            request.traffic = *options.traffic;
    } else if (options.scenario.isEmpty() && !scripted && window.reopenLastScenario()) {
        const SourceRequest last = window.lastSavedRequest();
        if (!last.scenario.isEmpty()) {
            request.scenario = last.scenario;
            if (options.players == 0)
                request.players = last.players;
            fromSettings = true;
        }
    }
    if (request.kind == SourceRequest::Kind::Simulator && request.scenario.isEmpty())
        request.scenario = QLatin1StringView(ConsoleSourceFactory::kDefaultScenario);
    // A relative file path is relative to where the user ran the command.
    if (!factory.scenarioNames().contains(request.scenario) && QFileInfo::exists(request.scenario))
        request.scenario = QFileInfo(request.scenario).absoluteFilePath();
    if (options.speed)
        window.setPreferredSpeed(options.speed);

    QString error;
    std::unique_ptr<Source> source = factory.create(request, &error);
    if (!source && fromSettings) {
        // The remembered scenario moved or broke: say so in the window and
        // start the default instead of refusing to open at all.
        const QString why = error;
        request.scenario = QLatin1StringView(ConsoleSourceFactory::kDefaultScenario);
        request.players = options.players;
        source = factory.create(request, &error);
        if (source) {
            QTimer::singleShot(0, &window, [&window, why] {
                QMessageBox::warning(
                    &window, MainWindow::tr("Cannot reopen the last scenario"),
                    MainWindow::tr("%1\n\nStarted %2 instead.")
                        .arg(why, QLatin1StringView(ConsoleSourceFactory::kDefaultScenario)));
            });
        }
    }
    if (!source) {
        printError(request.kind == SourceRequest::Kind::Live         ? u"--connect: "_s + error
                   : request.kind == SourceRequest::Kind::Prometheus ? u"--prometheus: "_s + error
                   : request.kind == SourceRequest::Kind::Replay     ? u"--replay: "_s + error
                                                                     : error);
        return 2;
    }

    UiProbe* probe = nullptr;
    if (!options.benchReport.isEmpty()) {
        probe = new UiProbe(&window);
        probe->start();
        QObject::connect(window.dashboard(), &DashboardPage::firstDataFramePainted, probe,
                         &UiProbe::markFirstFrame);
    }

    if (options.size.isValid())
        window.resize(options.size);
    window.show();
    window.setSource(std::move(source), request);

    QPointer<ComparisonReportDialog> comparison;
    if (!options.comparisonPath.isEmpty()) {
        comparison = openComparisonReport(&window, options.comparisonPath, &error);
        if (!comparison) {
            printError(u"--comparison: "_s + error);
            return 2;
        }
    }

    int exitCode = 0;
    if (options.quitAfterSeconds > 0) {
        QTimer::singleShot(static_cast<int>(options.quitAfterSeconds * 1000), &window, [&] {
            if (!options.screenshotPath.isEmpty()) {
                const QImage image =
                    comparison ? comparison->grab().toImage() : window.grab().toImage();
                const QFileInfo info(options.screenshotPath);
                if (!QDir().mkpath(info.absolutePath()) ||
                    !image.save(options.screenshotPath, "PNG")) {
                    printError(u"%1: cannot write the screenshot (check the folder exists and is "
                               "writable)"_s.arg(options.screenshotPath));
                    exitCode = 1;
                }
            }
            if (probe && !probe->writeReport(options.benchReport, &error)) {
                printError(error);
                exitCode = 1;
            }
            QApplication::exit(exitCode);
        });
    }
    const int loopCode = QApplication::exec();
    if (!scripted)
        window.saveSettings();
    return exitCode != 0 ? exitCode : loopCode;
}

}  // namespace pulsco
