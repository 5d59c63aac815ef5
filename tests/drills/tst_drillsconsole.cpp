// DrillsConsole in the real console window with the real SimulatorSource on
// its worker thread: the drills page and alerts dock are installed, starting
// a drill switches the window to the drill's scenario, faults arrive on the
// timeline, and the emergency stop leaves no fault active in the snapshots.
#include "app/pulsco-console/ConsoleRun.h"
#include "app/pulsco-console/ConsoleSourceFactory.h"
#include "drills/DrillJournal.h"
#include "drills/DrillSession.h"
#include "drills/DrillSessionStore.h"
#include "store/AuditTrail.h"
#include "store/ConsoleStore.h"
#include "ui/DashboardPage.h"
#include "ui/EventLogModel.h"
#include "ui/EventLogView.h"
#include "ui/MainWindow.h"
#include "ui/drills/AlertsPanel.h"
#include "ui/drills/DrillsConsole.h"
#include "ui/drills/DrillsPage.h"

#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace pulsco;
using namespace Qt::StringLiterals;

class TestDrillsConsole : public QObject {
    Q_OBJECT
private slots:
    void installsAndRunsADrillOnTheSimulator() {
        QTemporaryDir dir;
        QString storeError;
        // Outlives the window, as in the console: the window's drill parts use it.
        const auto store = ConsoleStore::open(dir.filePath(u"c.sqlite"_s), &storeError);
        QVERIFY2(store, qPrintable(storeError));
        ConsoleSourceFactory factory;
        MainWindow window(factory);
        DrillsConsole& drills = *installDrills(window, store.get(), dir.filePath(u"drills"_s));
        QVERIFY(drills.sessions());
        QVERIFY(window.pageKeys().contains(u"drills"_s));
        QVERIFY(window.showPage(u"drills"_s));
        window.resize(1280, 800);
        window.show();

        DrillsPage* page = drills.page();
        QVERIFY(page->selectDrill(u"error-surge-rollback"_s));
        page->setSpeed(100);  // 100x: a minute of drill time in 0.6 s
        page->traineeName()->setText(u"ann"_s);
        page->trainerName()->setText(u"tess"_s);
        QString error;
        QVERIFY2(page->startDrill(&error), qPrintable(error));
        QVERIFY(window.source());
        QVERIFY(window.source()->displayName().contains(u"baseline-1000"_s));
        DrillSession* session = page->session();
        // Journaled in the console's store from its first event on (the
        // crash-safety of drills/DrillJournal.h).
        // In the drill journal's own trail, never the rollout's (issue 23).
        const auto journal = [&](AuditTrail::Trail trail) {
            int started = 0;
            for (const AuditEntry& e : AuditTrail(*store, trail).all())
                started += e.kind == audit::kDrillStarted;
            return started;
        };
        QCOMPARE(journal(AuditTrail::Trail::DrillJournal), 1);
        QCOMPARE(journal(AuditTrail::Trail::Rollout), 0);
        QTRY_VERIFY_WITH_TIMEOUT(session->faultsInjected() == 1, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(window.source()->latestSnapshot() &&
                                     !window.source()->latestSnapshot()->activeFaults.empty(),
                                 20000);
        QTRY_VERIFY_WITH_TIMEOUT(
            drills.alerts()->state(u"rollback-error-rate-green"_s) == AlertState::Firing, 20000);
        QVERIFY(drills.dock()->panel()->select(u"rollback-error-rate-green"_s));
        // The trainee acknowledges under their own name, given at Start.
        QCOMPARE(drills.dock()->panel()->operatorName(), u"ann"_s);
        QVERIFY(drills.dock()->panel()->acknowledgeSelected());
        // ... and the acknowledgement is in the Dashboard's event log.
        const auto logged = [&](const QString& text) {
            const QAbstractItemModel* log = window.dashboard()->eventLog()->model();
            for (int row = 0; row < log->rowCount(); ++row)
                if (log->index(row, EventLogModel::Text).data().toString() == text)
                    return true;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(logged(u"alert acknowledged by ann: rollback-error-rate-green"_s),
                                 5000);
        QTest::qWait(300);
        QVERIFY(window.grab().save(QStringLiteral(PULSCO_BINARY_DIR "/tests/drills-console.png")));

        session->emergencyStop();
        QVERIFY(session->phase() == DrillSession::Phase::Finished);
        // Every snapshot taken after the stop reached the worker shows no fault.
        QSignalSpy snaps(window.source(), &Source::snapshotReady);
        QVERIFY(snaps.wait(10000));
        QVERIFY(snaps.wait(10000));
        const SnapshotPtr last = snaps.last().at(0).value<SnapshotPtr>();
        QVERIFY(last->activeFaults.empty());
        QVERIFY(session->record().score.emergencyStopped);
        QVERIFY(session->record().score.detected);
        QCOMPARE(session->record().trainer, u"tess"_s);
        QCOMPARE(drills.sessions()->history({}).size(), std::size_t(1));
    }
};

QTEST_MAIN(TestDrillsConsole)
#include "tst_drillsconsole.moc"
