// Drills on the staging stack with a scripted correct trainee (issue 22's
// benchmarks): the same runs as tst_live_drills, their figures reported.
//   drills.live_mttr_s_error_surge         fault start -> health restored (measured)
//   drills.remedy_effect_s_rollback        the rollback -> health restored
//   drills.live_mttr_s_matcher_stall       fault start -> health restored
//   drills.remedy_effect_s_restart_matcher the restart -> health restored
#include "support/LiveDrill.h"

#include "BenchReport.h"

#include <QCoreApplication>

#include <cstdio>
#include <string>

using namespace Qt::StringLiterals;
using namespace pulsco;
using namespace pulsco::test;

namespace {

// One drill on a fresh stack; its MTTR and its remedy's effect reported.
void measure(const char* name, const DrillScript& drill, DrillActionKind remedy,
             const char* remedyName, const QByteArray& morePopulation) {
    Stack stack;
    Console console;
    Sim sim;
    if (const QString error = startAll(stack, console, sim, 200, morePopulation);
        !error.isEmpty()) {
        std::fprintf(stderr, "bench_live_drills: %s: %s\n", name, qPrintable(error));
        return;  // benchmarks never fail the build
    }
    ScriptedTrainee::Plan plan;
    plan.ackDelay = 2;
    plan.actDelay = 2;
    plan.action = DrillAction{remedy, {}, {}};
    const LiveDrill run = runLive(console, drill, plan, 200000);
    const DrillScore& score = run.record.score;
    std::printf("bench_live_drills: %s %s; MTTD %.1f s\n", name,
                score.passed ? "passed" : qPrintable(score.reasons.join(u"; "_s)),
                score.mttdSeconds);
    bench::report(("drills.live_mttr_s_" + std::string(name)).c_str(), score.mttrSeconds, "s");
    const auto acted = firstEventAt(run.record, DrillEventKind::Action);
    const auto restored = firstEventAt(run.record, DrillEventKind::HealthRestored);
    if (acted && restored)
        bench::report(("drills.remedy_effect_s_" + std::string(remedyName)).c_str(),
                      *restored - *acted, "s");
    sim.process.kill();
    sim.process.waitForFinished();
    stack.interrupt();
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    measure("error_surge", compressedErrorSurge(), DrillActionKind::Rollback, "rollback",
            R"(, "patience_s": 10)");
    measure("matcher_stall", compressedMatcherStall(), DrillActionKind::RestartMatcher,
            "restart_matcher", {});
    return 0;
}
