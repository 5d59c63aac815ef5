// The canary judge calibrated on the simulator (issue 21, item 3), A/A
// part: 200 seeded rollouts of the same release on both colours, green at
// 50 % so both serve the same load (the service model makes latency grow
// with a colour's load: an even split is what equalises it), one analysis
// step of 20 looks 30 s apart judged on api_latency_ms, ticket_wait_s and
// error_rate (core/CanaryWatch: always-valid tests, alpha 5 %).
//   canary.aa_false_positive_pct  share of the 200 that fail the step (target <= 1)
//   canary.aa_fixed_test_fail_pct the same rollouts judged by the fixed
//                                 interval alone at each look (what the
//                                 always-valid test replaces), for contrast
//   canary.aa_median_abs_change_pct  how far green's latency moved from
//                                 blue's at the last look (noise, not zero)
// Detection of a +20 % latency regression needs a multiplicative latency
// fault in the one fault model, which does not exist yet: not measured.
#include "simulator/engine/SimulationEngine.h"

#include "BenchReport.h"
#include "core/CanaryWatch.h"
#include "rollout/CanarySamples.h"
#include "simulator/ScenarioJson.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace pulsco;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const ScenarioLoad load =
        loadScenarioFile(shippedScenarioPath(QStringLiteral("baseline-1000")));
    if (!load.scenario) {
        std::fprintf(stderr, "%s\n", qPrintable(load.error));
        return 0;
    }
    std::vector<CanaryMetric> metrics;
    for (const char* name : {"api_latency_ms", "ticket_wait_s", "error_rate"}) {
        CanaryMetric m = *canaryMetricDefaults(QString::fromLatin1(name));
        m.minSamples = 30;
        m.critical = true;
        metrics.push_back(m);
    }
    constexpr int kRollouts = 200, kLooks = 20;
    constexpr double kLookSeconds = 30, kWarmup = 120;
    int failed = 0, fixedFailed = 0, inconclusive = 0;
    std::vector<double> lastChange;
    std::uint64_t looksJudged = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < kRollouts; ++r) {
        Scenario scenario = *load.scenario;
        scenario.seed = 1000 + std::uint64_t(r);
        scenario.durationSeconds = kWarmup + kLooks * kLookSeconds + 10;
        SimulationEngine engine(scenario);
        engine.setTrafficWeight(50);
        engine.advanceTo(kWarmup);
        const MetricsSnapshot stepStart = engine.snapshot();
        CanaryWatch watch(metrics);
        bool stepFailed = false, fixedFailedHere = false;
        double change = 0;
        for (int k = 1; k <= kLooks && !stepFailed; ++k) {
            engine.advanceTo(kWarmup + k * kLookSeconds);
            const MetricsSnapshot now = engine.snapshot();
            std::vector<CanarySamples> samples;
            for (const CanaryMetric& m : metrics)
                samples.push_back(canarySamples(m, now, stepStart));
            const CanaryStepJudgement fixed = judgeCanary(metrics, samples);
            fixedFailedHere = fixedFailedHere || fixed.outcome == CanaryOutcome::Fail;
            change = fixed.metrics[0].changePct;
            const CanaryStepJudgement j = watch.look(samples);
            if (j.nothingJudged) {
                ++inconclusive;
                continue;
            }
            ++looksJudged;
            stepFailed = j.outcome == CanaryOutcome::Fail;
        }
        failed += stepFailed;
        fixedFailed += fixedFailedHere;
        lastChange.push_back(std::fabs(change));
    }
    std::nth_element(lastChange.begin(), lastChange.begin() + kRollouts / 2, lastChange.end());
    std::printf("bench_canary_calibration: %d A/A rollouts x %d looks in %.1f s wall; %d failed, "
                "%llu looks judged, %d inconclusive\n",
                kRollouts, kLooks, bench::secondsSince(start), failed,
                static_cast<unsigned long long>(looksJudged), inconclusive);
    bench::report("canary.aa_false_positive_pct", 100.0 * failed / kRollouts, "%");
    bench::report("canary.aa_fixed_test_fail_pct", 100.0 * fixedFailed / kRollouts, "%");
    bench::report("canary.aa_median_abs_change_pct", lastChange[kRollouts / 2], "%");
    return 0;
}
