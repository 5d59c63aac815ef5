// Incident drills on the staging stack (issue 22, item 5): real HAProxy in
// front of real blue and green pulsco-matchd (--environment staging),
// players from pulsco-sim through the balancer, the console's drill session
// on a LiveSource with HAProxy's traffic controller, and a scripted trainee.
// Timelines are compressed to seconds; everything else is as on rollout
// day: the fault is injected into the server, the alert comes from the
// servers' own figures, the remedy goes through the real controller or admin
// API, and the drill ends when the figures recover.
#include "support/LiveDrill.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;
using namespace pulsco::test;

namespace {

bool mentions(const QStringList& timeline, const QString& text) {
    return std::any_of(timeline.begin(), timeline.end(),
                       [&](const QString& line) { return line.contains(text); });
}

}  // namespace

class TestLiveDrills : public QObject {
    Q_OBJECT
private slots:
    // The error surge on green: the trainee acknowledges the green rollback
    // trigger and rolls back; HAProxy reads back weight 0; green's errors
    // stop once its last tickets are done; MTTD and MTTR are measured.
    void errorSurgeRolledBackPasses() {
        Stack stack;
        Console console;
        Sim sim;
        // Impatient players: a ticket left on green after the rollback is
        // given up within seconds, as its player would on rollout day.
        const QString error = startAll(stack, console, sim, 200, R"(, "patience_s": 10)");
        QVERIFY2(error.isEmpty(), qPrintable(error));
        ScriptedTrainee::Plan plan;
        plan.ackDelay = 2;
        plan.actDelay = 2;
        plan.action = DrillAction{DrillActionKind::Rollback, {}, {}};
        const LiveDrill run = runLive(console, compressedErrorSurge(), plan, 200000);
        for (const QString& line : run.timeline)
            qInfo("%s", qPrintable(line));
        const DrillScore& score = run.record.score;
        QVERIFY2(score.passed, qPrintable(score.reasons.join(u"; "_s)));
        QVERIFY(score.detected && score.resolved);
        qInfo("error surge on the staging stack: MTTD %.1f s, MTTR %.1f s", score.mttdSeconds,
              score.mttrSeconds);
        QVERIFY(score.mttdSeconds > 0 && score.mttrSeconds > score.mttdSeconds);
        // The setup weight and the rollback went through HAProxy, read back.
        const QString timeline = run.timeline.join(u'\n');
        QVERIFY2(mentions(run.timeline, u"traffic: green 10 % in effect"_s) &&
                     timeline.contains(u"get weight pulsco/green: 10 "_s),
                 qPrintable(timeline));
        QVERIFY2(mentions(run.timeline, u"traffic: green 0 % in effect"_s) &&
                     timeline.contains(u"get weight pulsco/green: 0 "_s),
                 qPrintable(timeline));
        QVERIFY(runtime(stack.rt(), "get weight pulsco/green").startsWith("0 "));
        QVERIFY(mentions(run.timeline, u"health restored"_s));
        sim.process.kill();
        sim.process.waitForFinished();
        QCOMPARE(stack.interrupt(), 0);
    }

    // The wrong remedy: draining blue sends everyone to the failing release.
    // The drill fails with its cost, and the traffic really moved.
    void drainingBlueFails() {
        Stack stack;
        Console console;
        Sim sim;
        const QString error = startAll(stack, console, sim, 120, R"(, "patience_s": 10)");
        QVERIFY2(error.isEmpty(), qPrintable(error));
        DrillScript drill = compressedErrorSurge();
        drill.timeLimitSeconds = 45;
        ScriptedTrainee::Plan plan;
        plan.ackDelay = 2;
        plan.actDelay = 1;
        plan.action = DrillAction{DrillActionKind::Drain, u"blue"_s, {}};
        const LiveDrill run = runLive(console, drill, plan, 90000);
        const DrillScore& score = run.record.score;
        QVERIFY(!score.passed);
        QCOMPARE(score.wrongActions.size(), std::size_t(1));
        const QString reasons = score.reasons.join(u"; "_s);
        QVERIFY2(reasons.contains(u"wrong action"_s), qPrintable(reasons));
        QVERIFY2(reasons.contains(drill.costOf(DrillAction{DrillActionKind::Drain, u"blue"_s, {}})),
                 qPrintable(reasons));
        QVERIFY2(mentions(run.timeline, u"traffic: green 100 % in effect"_s),
                 qPrintable(run.timeline.join(u'\n')));
        sim.process.kill();
        sim.process.waitForFinished();
        QCOMPARE(stack.interrupt(), 0);
    }
};

QTEST_GUILESS_MAIN(TestLiveDrills)
#include "tst_live_drills.moc"
