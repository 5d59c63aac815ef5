// The error-surge drill on the staging stack with a scripted correct trainee
// (issue 22's benchmarks): the same run as tst_live_drills, its figures
// reported.
//   drills.live_mttr_s_error_surge  fault start -> health restored (measured)
//   drills.remedy_effect_s_rollback the rollback -> health restored
#include "support/LiveDrill.h"

#include "BenchReport.h"

#include <QCoreApplication>

#include <cstdio>

using namespace Qt::StringLiterals;
using namespace pulsco;
using namespace pulsco::test;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    Stack stack;
    Console console;
    Sim sim;
    if (const QString error = startAll(stack, console, sim, 200, R"(, "patience_s": 10)");
        !error.isEmpty()) {
        std::fprintf(stderr, "bench_live_drills: %s\n", qPrintable(error));
        return 0;  // benchmarks never fail the build
    }
    ScriptedTrainee::Plan plan;
    plan.ackDelay = 2;
    plan.actDelay = 2;
    plan.action = DrillAction{DrillActionKind::Rollback, {}, {}};
    const LiveDrill run = runLive(console, compressedErrorSurge(), plan, 200000);
    const DrillScore& score = run.record.score;
    std::printf("bench_live_drills: error surge %s; MTTD %.1f s\n",
                score.passed ? "passed" : qPrintable(score.reasons.join(u"; "_s)),
                score.mttdSeconds);
    bench::report("drills.live_mttr_s_error_surge", score.mttrSeconds, "s");
    const auto acted = firstEventAt(run.record, DrillEventKind::Action);
    const auto restored = firstEventAt(run.record, DrillEventKind::HealthRestored);
    if (acted && restored)
        bench::report("drills.remedy_effect_s_rollback", *restored - *acted, "s");
    sim.process.kill();
    sim.process.waitForFinished();
    stack.interrupt();
    return 0;
}
