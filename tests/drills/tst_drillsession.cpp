// Each shipped drill run headless on the real simulator engine: a trainee
// who responds correctly scores within target; one who responds late and
// wrongly fails with the reasons listed. Also: emergency stop leaves no
// fault active, faults start on the timeline, actions are recorded.
#include "DrillFixture.h"

#include <QTest>

#include <cmath>

using namespace pulsco;
using namespace pulsco::test;
using namespace Qt::StringLiterals;

namespace {

QStringList shippedDrillNames() {
    QStringList names;
    for (const QString& path : shippedDrillPaths())
        names.append(path.section(u'/', -1).chopped(5));
    return names;
}

QString describe(const DrillRecord& r) {
    QStringList lines;
    for (const DrillEvent& e : r.events)
        lines.append(formatDrillTime(e.atSeconds) + u' ' + toString(e.kind) + u' ' + e.text);
    return lines.join(u'\n');
}

}  // namespace

class TestDrillSession : public QObject {
    Q_OBJECT
private slots:
    void shippedDrillsExist() {
        const QStringList names = shippedDrillNames();
        QVERIFY2(names.size() >= 6, qPrintable(names.join(u", "_s)));
        for (const QString& name : names)
            shippedDrill(name);  // qFatal on a refused file
    }

    void correctTraineePasses_data() {
        QTest::addColumn<QString>("drill");
        for (const QString& name : shippedDrillNames())
            QTest::addRow("%s", qPrintable(name)) << name;
    }
    void correctTraineePasses() {
        QFETCH(QString, drill);
        const DrillScript script = shippedDrill(drill);
        ScriptedTrainee::Plan plan;
        plan.ackDelay = 20;
        plan.actDelay = 60;
        plan.action = script.correctActions.front();
        plan.escalate = script.escalationExpected;
        const DrillRun run = runDrill(script, plan);
        const DrillScore& s = run.record.score;
        QVERIFY2(s.passed, qPrintable(s.reasons.join(u"; "_s) + u'\n' + describe(run.record)));
        QVERIFY(s.detected && s.resolved);
        QVERIFY(s.mttdSeconds <= script.mttdTargetSeconds);
        QVERIFY(s.mttrSeconds <= script.mttrTargetSeconds);
        QVERIFY(s.mttrSeconds > s.mttdSeconds);
        QVERIFY(s.wrongActions.empty());
        QCOMPARE(run.faultsInjected, static_cast<int>(script.faults.size()));
        // Faults started on the timeline, at their at_s (to within one step).
        QVERIFY(std::fabs(s.faultStartSeconds - script.firstFaultAt()) <= 2.0);
        qInfo("%s: MTTD %.0f s, MTTR %.0f s", qPrintable(drill), s.mttdSeconds, s.mttrSeconds);
    }

    void lateAndWrongTraineeFails_data() { correctTraineePasses_data(); }
    void lateAndWrongTraineeFails() {
        QFETCH(QString, drill);
        const DrillScript script = shippedDrill(drill);
        QVERIFY(!script.wrongActions.empty());
        ScriptedTrainee::Plan plan;
        plan.ackDelay = script.mttdTargetSeconds + 60;  // late
        plan.firstAction = script.wrongActions.front().action;
        plan.actDelay = script.mttrTargetSeconds;  // and slow to fix it
        plan.action = script.correctActions.front();
        const DrillRun run = runDrill(script, plan);
        const DrillScore& s = run.record.score;
        QVERIFY2(!s.passed, qPrintable(describe(run.record)));
        const QString reasons = s.reasons.join(u'\n');
        QVERIFY2(reasons.contains(u"MTTD"_s), qPrintable(reasons));
        QVERIFY2(reasons.contains(u"wrong action"_s), qPrintable(reasons));
        QVERIFY2(reasons.contains(script.wrongActions.front().cost), qPrintable(reasons));
        QVERIFY2(reasons.contains(u"MTTR"_s) || reasons.contains(u"not resolved"_s) ||
                     reasons.contains(u"recovered on its own"_s),
                 qPrintable(reasons));
        QCOMPARE(s.wrongActions.size(), std::size_t(1));
        QCOMPARE(s.wrongActions.front().action, script.wrongActions.front().action.describe());
    }

    void silentTraineeIsNotDetected() {
        const DrillScript script = shippedDrill(u"latency-spike-green-50"_s);
        ScriptedTrainee::Plan plan;
        plan.ackDelay = 1e9;
        const DrillRun run = runDrill(script, plan);
        QVERIFY(!run.record.score.passed);
        QVERIFY(!run.record.score.detected);
        QVERIFY(run.record.score.reasons.join(u'\n').contains(u"not detected"_s));
        QCOMPARE(run.record.durationSeconds >= script.timeLimitSeconds, true);
    }

    void actionsAreRecordedWithTheirTime() {
        const DrillScript script = shippedDrill(u"matcher-stall"_s);
        ScriptedTrainee::Plan plan;
        plan.ackDelay = 10;
        plan.actDelay = 30;
        plan.action = script.correctActions.front();
        const DrillRun run = runDrill(script, plan);
        QStringList kinds;
        double last = -1;
        for (const DrillEvent& e : run.record.events) {
            kinds.append(toString(e.kind));
            QVERIFY(e.atSeconds >= last);  // the timeline is in order
            last = e.atSeconds;
        }
        for (const char* expected :
             {"started", "fault_injected", "alert_firing", "acknowledged", "note", "action",
              "fault_ended", "health_restored", "finished"})
            QVERIFY2(kinds.contains(QLatin1StringView(expected)), expected);
        for (const DrillEvent& e : run.record.events) {
            if (e.kind == DrillEventKind::FaultInjected || e.kind == DrillEventKind::FaultEnded)
                QVERIFY(e.hidden);  // the script is the trainer's
            if (e.kind == DrillEventKind::Action || e.kind == DrillEventKind::Acknowledged)
                QCOMPARE(e.who, u"trainee"_s);
        }
    }

    void emergencyStopClearsEveryFault() {
        const DrillScript script = shippedDrill(u"error-surge-rollback"_s);
        EngineSource source(scenarioOf(script));
        AlertEngine alerts(defaultRules());
        connect(&source, &Source::snapshotReady, &alerts,
                [&](const SnapshotPtr& s) { alerts.evaluate(*s); });
        DrillSession session(script, &source, &alerts);
        session.start();
        source.start();
        source.advanceBy(script.firstFaultAt() + 30, 1.0);
        QVERIFY(!source.latestSnapshot()->activeFaults.empty());
        session.emergencyStop();
        source.advanceBy(5, 1.0);
        QVERIFY(source.latestSnapshot()->activeFaults.empty());
        QVERIFY(session.phase() == DrillSession::Phase::Finished);
        QVERIFY(session.record().score.emergencyStopped);
        QVERIFY(!session.record().score.passed);
        // The timeline is stopped: nothing is injected later.
        const int injected = session.faultsInjected();
        source.advanceBy(300, 5.0);
        QCOMPARE(session.faultsInjected(), injected);
        QVERIFY(source.latestSnapshot()->activeFaults.empty());
    }

    void modelledRemediationKeepsOtherFaults() {
        // A stall and a latency fault: restarting the matcher ends only the stall.
        DrillScript script = shippedDrill(u"matcher-stall"_s);
        FaultSpec latency;
        latency.kind = FaultKind::Latency;
        latency.atSeconds = 10;
        latency.latencyMs = 50;
        latency.share = 0.1;
        latency.target = FaultTarget::Both;
        script.faults.push_back(latency);
        EngineSource source(scenarioOf(script));
        AlertEngine alerts(defaultRules());
        DrillSession session(script, &source, &alerts);
        session.start();
        source.start();
        source.advanceBy(150, 1.0);
        QCOMPARE(source.latestSnapshot()->activeFaults.size(), std::size_t(2));
        QVERIFY(session.act({DrillActionKind::RestartMatcher, {}, {}}));
        // Read the engine at once: the next snapshot may already end the drill
        // (health restored), and a finished drill clears everything it injected.
        const std::vector<std::string> active = source.engine().activeFaults();
        QCOMPARE(active.size(), std::size_t(1));
        QVERIFY(QString::fromStdString(active.front()).startsWith(u"latency"_s));
    }

    // Shedding a region is an operation, not the end of its outage: the
    // outage stays in force, the region is reported shed, so it no longer
    // pages; the drill puts the region back in service when it ends.
    void shedRegionKeepsTheOutageAndPutsTheRegionBack() {
        const DrillScript script = shippedDrill(u"region-outage"_s);
        EngineSource source(scenarioOf(script));
        AlertEngine alerts(defaultRules());
        QObject::connect(&source, &Source::snapshotReady,
                         [&](const SnapshotPtr& s) { alerts.evaluate(*s); });
        DrillSession session(script, &source, &alerts);
        session.start();
        source.start();
        source.advanceBy(200, 1.0);
        QVERIFY(!source.latestSnapshot()->regions.at("asia-east").reachable);
        QVERIFY(alerts.acknowledge(u"region-unreachable"_s, u"trainee"_s));
        QVERIFY(session.act({DrillActionKind::Escalate, {}, {}}));
        QVERIFY(session.act({DrillActionKind::ShedRegion, {}, u"asia-east"_s}));
        QVERIFY(source.engine().snapshot().regions.at("asia-east").shed);
        QCOMPARE(source.engine().activeFaults(),
                 std::vector<std::string>{"region outage asia-east"});
        source.advanceBy(30, 1.0);
        QVERIFY(session.phase() == DrillSession::Phase::Finished);
        QVERIFY2(session.record().score.passed,
                 qPrintable(session.record().score.reasons.join(u"; "_s)));
        const MetricsSnapshot after = source.engine().snapshot();
        QVERIFY(!after.regions.at("asia-east").shed);      // back in service
        QVERIFY(after.regions.at("asia-east").reachable);  // and the outage cleared
        const auto& events = session.record().events;
        QVERIFY(std::any_of(events.begin(), events.end(), [](const DrillEvent& e) {
            return e.text == u"putting back in service: asia-east (shed during the drill)"_s;
        }));
    }

    // A region an operator had shed before the drill is not the drill's to
    // put back: shedding it again in the drill leaves it shed at the end.
    void regionShedBeforeTheDrillStaysShed() {
        const DrillScript script = shippedDrill(u"region-outage"_s);
        EngineSource source(scenarioOf(script));
        DrillSession session(script, &source, nullptr);
        source.start();
        source.advanceBy(5, 1.0);
        QVERIFY(source.engine().shedRegion("eu-west", true));
        source.advanceBy(1, 1.0);  // a snapshot that says so
        session.start();
        source.advanceBy(200, 1.0);
        QVERIFY(session.act({DrillActionKind::ShedRegion, {}, u"eu-west"_s}));
        QVERIFY(session.act({DrillActionKind::ShedRegion, {}, u"asia-east"_s}));
        session.finish();
        QVERIFY(session.phase() == DrillSession::Phase::Finished);
        const MetricsSnapshot after = source.engine().snapshot();
        QVERIFY(after.regions.at("eu-west").shed);     // the operator's, kept
        QVERIFY(!after.regions.at("asia-east").shed);  // the drill's, put back
        const auto& events = session.record().events;
        QVERIFY(std::any_of(events.begin(), events.end(), [](const DrillEvent& e) {
            return e.text == u"putting back in service: asia-east (shed during the drill)"_s;
        }));
    }
};

QTEST_GUILESS_MAIN(TestDrillSession)
#include "tst_drillsession.moc"
