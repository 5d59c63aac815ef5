// Drills on the staging stack with a scripted correct trainee (issue 22's
// benchmarks): the same runs as tst_live_drills, their figures reported.
//   drills.live_mttr_s_error_surge         fault start -> health restored (measured)
//   drills.remedy_effect_s_rollback        the rollback -> health restored
//   drills.live_mttr_s_matcher_stall       fault start -> health restored
//   drills.remedy_effect_s_restart_matcher the restart -> health restored
//   drills.live_mttr_s_surge_at_peak       fault start -> health restored
//   drills.remedy_effect_s_scale_out       the scale out -> health restored
//   drills.live_mttr_s_region_outage       fault start -> health restored
//   drills.remedy_effect_s_shed_region     the shed -> health restored
#include "support/LiveDrill.h"

#include "BenchReport.h"

#include <QCoreApplication>

#include <cstdio>
#include <memory>
#include <string>

using namespace Qt::StringLiterals;
using namespace pulsco;
using namespace pulsco::test;

namespace {

// One drill on a fresh stack; its MTTR and its remedy's effect reported.
void measure(const char* name, const DrillScript& drill, const DrillAction& remedy,
             const char* remedyName, const QByteArray& morePopulation, bool surge = false) {
    Stack stack;
    Console console;
    console.watchSpare = surge;
    Sim sim;
    if (const QString error = startAll(stack, console, sim, 200, morePopulation);
        !error.isEmpty()) {
        std::fprintf(stderr, "bench_live_drills: %s: %s\n", name, qPrintable(error));
        return;  // benchmarks never fail the build
    }
    ScriptedTrainee::Plan plan;
    plan.ackDelay = 2;
    plan.actDelay = 2;
    plan.action = remedy;
    plan.escalate = drill.escalationExpected;
    // A surge's extra players: (5 - 1) x 300, as tst_live_drills.
    std::unique_ptr<SurgeLoad> load;
    if (surge) {
        load = std::make_unique<SurgeLoad>(surgeConfig(stack, console.dir, kPlayers));
    }
    const LiveDrill run = runLive(console, drill, plan, 200000, load.get(),
                                  surge ? rulesForCompressedPopulation() : defaultRules());
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
    measure("error_surge", compressedErrorSurge(), {DrillActionKind::Rollback, {}, {}}, "rollback",
            R"(, "patience_s": 10)");
    measure("matcher_stall", compressedMatcherStall(), {DrillActionKind::RestartMatcher, {}, {}},
            "restart_matcher", {});
    DrillScript surge = shippedDrill(u"surge-5x-peak"_s);
    surge.faults.front().atSeconds = 5;
    surge.timeLimitSeconds = 150;
    measure("surge_at_peak", surge, {DrillActionKind::ScaleOut, {}, {}}, "scale_out", {}, true);
    DrillScript outage = shippedDrill(u"region-outage"_s);
    outage.faults.front().atSeconds = 5;
    outage.timeLimitSeconds = 90;
    measure("region_outage", outage, {DrillActionKind::ShedRegion, {}, u"asia-east"_s},
            "shed_region", {});
    return 0;
}
