// The shipped drills not in tst_live_drills, on the staging stack the same
// way (issue 22, item 5): `make drills-live` builds and runs this, outside
// the default suite, to keep CI inside its time. Each drill's fault comes
// 5 s in; a scripted trainee acknowledges the drill's first expected alert
// and applies its first remedy that this stack can carry out (slow
// database: drain blue, as the stack's store has no standby); the drill
// must pass, with its MTTD and MTTR printed.
#include "support/LiveDrill.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;
using namespace pulsco::test;

namespace {

LiveDrill runShipped(const QString& name, const DrillAction& remedy, bool escalate) {
    Stack stack;
    Console console;
    Sim sim;
    if (const QString error = startAll(stack, console, sim, 300, R"(, "patience_s": 10)");
        !error.isEmpty())
        qFatal("%s", qPrintable(error));
    DrillScript drill = shippedDrill(name);
    for (FaultSpec& f : drill.faults)
        f.atSeconds = 5;
    drill.timeLimitSeconds = 240;
    ScriptedTrainee::Plan plan;
    plan.ackDelay = 2;
    plan.actDelay = 2;
    plan.action = remedy;
    plan.escalate = escalate;
    LiveDrill run = runLive(console, drill, plan, 300000);
    for (const QString& line : run.timeline)
        qInfo("%s", qPrintable(line));
    qInfo("%s on the staging stack: MTTD %.1f s, MTTR %.1f s", qPrintable(name),
          run.record.score.mttdSeconds, run.record.score.mttrSeconds);
    sim.process.kill();
    sim.process.waitForFinished();
    if (stack.interrupt() != 0)
        qWarning("the stack did not stop cleanly");
    return run;
}

}  // namespace

class LiveDrillsMore : public QObject {
    Q_OBJECT
private slots:
    void latencySpikeRolledBack() {
        const LiveDrill run = runShipped(u"latency-spike-green-50"_s,
                                         DrillAction{DrillActionKind::Rollback, {}, {}}, false);
        QVERIFY2(run.record.score.passed, qPrintable(run.record.score.reasons.join(u"; "_s)));
    }
    void slowDatabaseDrained() {
        const LiveDrill run = runShipped(u"slow-database-blue"_s,
                                         DrillAction{DrillActionKind::Drain, u"blue"_s, {}}, false);
        QVERIFY2(run.record.score.passed, qPrintable(run.record.score.reasons.join(u"; "_s)));
    }
    void regionOutageShed() {
        const LiveDrill run = runShipped(
            u"region-outage"_s, DrillAction{DrillActionKind::ShedRegion, {}, u"asia-east"_s}, true);
        QVERIFY2(run.record.score.passed, qPrintable(run.record.score.reasons.join(u"; "_s)));
    }
};

QTEST_GUILESS_MAIN(LiveDrillsMore)
#include "live_drills_more.moc"
