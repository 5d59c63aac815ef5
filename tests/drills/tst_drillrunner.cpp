// DrillRunner, the console's drill starter, on the real simulator engine and
// a real SQLite file: a run is journaled from its start, saved when it ends
// (the record read back from the file after reopening it), one drill at a
// time, and a drill that cannot start says why and leaves nothing behind.
#include "DrillFixture.h"
#include "drills/DrillJournal.h"
#include "drills/DrillRunner.h"
#include "drills/DrillSessionStore.h"
#include "store/AuditTrail.h"
#include "store/ConsoleStore.h"
#include "support/IdleLiveSource.h"

#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace pulsco;
using namespace pulsco::test;
using namespace Qt::StringLiterals;

namespace {

int journaledStarts(ConsoleStore& store) {
    int started = 0;
    for (const AuditEntry& e : AuditTrail(store, AuditTrail::Trail::DrillJournal).all())
        started += e.kind == audit::kDrillStarted;
    return started;
}

ScriptedTrainee::Plan correctPlan(const DrillScript& script) {
    ScriptedTrainee::Plan plan;
    plan.ackDelay = 10;
    plan.actDelay = 30;
    plan.action = script.correctActions.front();
    plan.escalate = script.escalationExpected;
    return plan;
}

}  // namespace

namespace {

// Live servers that can take faults and have reported `environment` (none:
// not reported yet).
std::unique_ptr<IdleLiveSource> liveServers(std::optional<DeploymentEnvironment> environment) {
    Source::Capabilities withFaults;
    withFaults.faults = true;
    auto servers = std::make_unique<IdleLiveSource>(u"Live · servers"_s, withFaults);
    if (environment) {
        auto snapshot = std::make_shared<MetricsSnapshot>();
        snapshot->environment = *environment;
        servers->setLatestSnapshot(snapshot);
    }
    return servers;
}

}  // namespace

class TestDrillRunner : public QObject {
    Q_OBJECT
private slots:
    void runIsJournaledAndSavedToTheStoreFile() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"console.sqlite"_s);
        const DrillScript script = shippedDrill(u"matcher-stall"_s);
        DrillRecord finishedRecord;
        int eventsSeen = 0;
        {
            QString error;
            auto store = ConsoleStore::open(path, &error);
            QVERIFY2(store, qPrintable(error));
            DrillSessionStore sessions(*store);
            AlertEngine alerts(defaultRules());
            EngineSource source(scenarioOf(script));
            connect(&source, &Source::snapshotReady, &alerts,
                    [&](const SnapshotPtr& s) { alerts.evaluate(*s); });
            DrillRunner runner(&alerts, &sessions);
            runner.setSource(&source);
            QSignalSpy started(&runner, &DrillRunner::started);
            QSignalSpy events(&runner, &DrillRunner::eventRecorded);
            QSignalSpy phases(&runner, &DrillRunner::phaseChanged);
            QSignalSpy saveFailed(&runner, &DrillRunner::saveFailed);
            QSignalSpy finished(&runner, &DrillRunner::finished);
            QVERIFY(!runner.session());
            QVERIFY(!runner.isRunning());

            QVERIFY2(runner.start(script, u"ann"_s, u"tess"_s, &error), qPrintable(error));
            QCOMPARE(started.count(), 1);
            DrillSession* session = runner.session();
            QVERIFY(session);
            QCOMPARE(started.at(0).at(0).value<DrillSession*>(), session);
            QVERIFY(runner.isRunning());
            QVERIFY(session->phase() == DrillSession::Phase::Running);
            QVERIFY(phases.count() >= 1);
            QCOMPARE(session->source(), &source);
            // Journaled in the store before anything happened (crash-safe).
            QCOMPARE(journaledStarts(*store), 1);

            // One drill at a time: a second start is refused, the run goes on.
            QVERIFY(!runner.start(script, u"bob"_s, u"tess"_s, &error));
            QVERIFY2(error.contains(u"A drill is running"_s), qPrintable(error));
            QCOMPARE(runner.session(), session);
            QCOMPARE(started.count(), 1);

            ScriptedTrainee trainee(*session, alerts, source, correctPlan(script));
            source.start();
            source.advanceBy(script.timeLimitSeconds + 10, 2.0,
                             [&] { return !runner.isRunning(); });
            QVERIFY(!runner.isRunning());
            QCOMPARE(finished.count(), 1);
            QCOMPARE(saveFailed.count(), 0);
            finishedRecord = finished.at(0).at(0).value<DrillRecord>();
            // Who ran it reaches the record (and the report's Trainer row).
            QCOMPARE(finishedRecord.trainee, u"ann"_s);
            QCOMPARE(finishedRecord.trainer, u"tess"_s);
            eventsSeen = static_cast<int>(events.count());
            // The finished session stays readable until the next start.
            QCOMPARE(runner.session(), session);
            QVERIFY(session->phase() == DrillSession::Phase::Finished);
        }
        QVERIFY(finishedRecord.id > 0);
        QCOMPARE(finishedRecord.trainee, u"ann"_s);
        QCOMPARE(finishedRecord.drillName, script.name);
        QVERIFY2(finishedRecord.score.passed,
                 qPrintable(finishedRecord.score.reasons.join(u"; "_s)));
        QCOMPARE(eventsSeen, static_cast<int>(finishedRecord.events.size()));

        // The record is in the file: reopen it as the next console would.
        QString error;
        auto store = ConsoleStore::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        DrillSessionStore sessions(*store);
        const std::vector<DrillRecord> history = sessions.history(u"ann"_s);
        QCOMPARE(history.size(), std::size_t(1));
        QCOMPARE(history.front().id, finishedRecord.id);
        QCOMPARE(history.front().events, finishedRecord.events);
        QCOMPARE(history.front().score.passed, true);
        // Saved, so nothing is recovered as interrupted.
        QCOMPARE(DrillJournal::recoverInterrupted(*store, &error), std::optional<int>(0));
    }

    // The same servers, saying they are staging: the drill runs.
    void liveStagingServersRunDrills() {
        QTemporaryDir dir;
        QString why;
        auto store = ConsoleStore::open(dir.filePath(u"c.sqlite"_s), &why);
        QVERIFY2(store, qPrintable(why));
        DrillSessionStore sessions(*store);
        AlertEngine alerts(defaultRules());
        const auto servers = liveServers(DeploymentEnvironment::Staging);
        DrillRunner runner(&alerts, &sessions);
        runner.setSource(servers.get());
        QVERIFY2(runner.start(shippedDrill(u"matcher-stall"_s), u"ann"_s, u"tess"_s, &why),
                 qPrintable(why));
        QVERIFY(runner.isRunning());
    }

    void refusesWhatCannotRun_data() {
        QTest::addColumn<QString>("setup");
        QTest::addColumn<QString>("error");
        QTest::addRow("no source") << u"none"_s << u"No source to run the drill on."_s;
        QTest::addRow("source without faults")
            << u"read-only"_s << u"This source cannot inject faults: read-only servers"_s;
        QTest::addRow("opener fails") << u"opener"_s << u"cannot open the scenario"_s;
        QTest::addRow("live, environment not reported yet")
            << u"live-unknown"_s
            << u"Live · servers has not reported its environment yet: drills run on staging "
               "servers only; try again once its first figures are in."_s;
        QTest::addRow("live production")
            << u"live-production"_s
            << u"Live · servers reports environment \"production\": drills run on staging "
               "servers only (pulsco-matchd --environment staging), never on production."_s;
    }
    void refusesWhatCannotRun() {
        QFETCH(QString, setup);
        QFETCH(QString, error);
        QTemporaryDir dir;
        QString why;
        auto store = ConsoleStore::open(dir.filePath(u"c.sqlite"_s), &why);
        QVERIFY2(store, qPrintable(why));
        DrillSessionStore sessions(*store);
        AlertEngine alerts(defaultRules());
        Source::Capabilities readOnly;
        readOnly.faultsDisabledReason = u"read-only servers"_s;
        IdleLiveSource live(u"Live · read-only"_s, readOnly);
        DrillRunner runner(&alerts, &sessions);
        if (setup == u"read-only"_s)
            runner.setSource(&live);
        const auto servers = liveServers(setup == u"live-production"_s
                                             ? std::optional(DeploymentEnvironment::Production)
                                             : std::nullopt);
        if (setup.startsWith(u"live-"_s))
            runner.setSource(servers.get());
        if (setup == u"opener"_s)
            runner.setSourceOpener([](const DrillScript&, QString* e) -> Source* {
                *e = u"cannot open the scenario"_s;
                return nullptr;
            });
        QSignalSpy started(&runner, &DrillRunner::started);
        QVERIFY(!runner.start(shippedDrill(u"matcher-stall"_s), u"ann"_s, u"tess"_s, &why));
        QCOMPARE(why, error);
        QVERIFY(!runner.session());
        QVERIFY(!runner.isRunning());
        QCOMPARE(started.count(), 0);
        QCOMPARE(journaledStarts(*store), 0);
        QVERIFY(
            !runner.start(shippedDrill(u"matcher-stall"_s), u"ann"_s, u"tess"_s));  // null error
    }

    void refusesWhenTheJournalCannotBeWritten() {
        // A drill that cannot be journaled is not crash-safe: refused, said
        // why, and nothing is left that looks running (which would block the
        // next drill).
        QTemporaryDir dir;
        const QString path = dir.filePath(u"c.sqlite"_s);
        QString why;
        auto store = ConsoleStore::open(path, &why);
        QVERIFY2(store, qPrintable(why));
        {
            QSqlDatabase saboteur = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"saboteur"_s);
            saboteur.setDatabaseName(path);
            QVERIFY(saboteur.open());
            QVERIFY(QSqlQuery(saboteur).exec(u"DROP TABLE drill_journal"_s));
            saboteur.close();
        }
        QSqlDatabase::removeDatabase(u"saboteur"_s);
        DrillSessionStore sessions(*store);
        AlertEngine alerts(defaultRules());
        EngineSource source(scenarioOf(shippedDrill(u"matcher-stall"_s)));
        DrillRunner runner(&alerts, &sessions);
        runner.setSource(&source);
        QSignalSpy started(&runner, &DrillRunner::started);
        QVERIFY(!runner.start(shippedDrill(u"matcher-stall"_s), u"ann"_s, u"tess"_s, &why));
        QVERIFY2(why.startsWith(u"The drill was not started: its journal cannot be written: "_s),
                 qPrintable(why));
        QVERIFY(!runner.session());
        QVERIFY(!runner.isRunning());
        QCOMPARE(started.count(), 0);
    }

    void runsOnTheOpenersSourceAndSavesNothingWithoutAStore() {
        const DrillScript script = shippedDrill(u"error-surge-rollback"_s);
        AlertEngine alerts(defaultRules());
        EngineSource idle(scenarioOf(script));
        EngineSource opened(scenarioOf(script));
        DrillRunner runner(&alerts, nullptr);
        runner.setSource(&idle);
        QString asked;
        runner.setSourceOpener([&](const DrillScript& drill, QString*) -> Source* {
            asked = drill.name;
            return &opened;
        });
        QSignalSpy finished(&runner, &DrillRunner::finished);
        QSignalSpy saveFailed(&runner, &DrillRunner::saveFailed);
        QString error;
        QVERIFY2(runner.start(script, u"ann"_s, u"tess"_s, &error), qPrintable(error));
        QCOMPARE(asked, script.name);
        QCOMPARE(runner.source(), &opened);
        QCOMPARE(runner.session()->source(), &opened);
        opened.start();
        opened.advanceBy(script.firstFaultAt() + 20, 2.0);
        QCOMPARE(runner.session()->faultsInjected(), 1);
        runner.session()->emergencyStop();
        QCOMPARE(finished.count(), 1);
        QCOMPARE(saveFailed.count(), 0);
        const DrillRecord record = finished.at(0).at(0).value<DrillRecord>();
        QCOMPARE(record.id, qint64(0));  // not saved: no store
        QVERIFY(record.score.emergencyStopped);

        // The next start replaces the finished session.
        QPointer<DrillSession> previous = runner.session();
        QVERIFY2(runner.start(script, u"bob"_s, u"tess"_s, &error), qPrintable(error));
        QVERIFY(!previous);
        QVERIFY(runner.isRunning());
    }
};

QTEST_GUILESS_MAIN(TestDrillRunner)
#include "tst_drillrunner.moc"
