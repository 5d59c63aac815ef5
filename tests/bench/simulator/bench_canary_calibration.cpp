// The canary judge calibrated on the simulator (issue 21, item 3). Each case
// is 200 seeded rollouts of `baseline-1000`, green at 50 % so both colours
// serve the same load (the service model makes latency grow with a
// colour's load: an even split is what equalises it), one analysis step of
// 20 looks 30 s apart judged on api_latency_ms, ticket_wait_s and
// error_rate (core/CanaryWatch: always-valid tests, alpha 5 %, all three
// critical, 30 observations minimum, the default 10 % allowance).
//
// A/A: the same release on both colours.
//   canary.aa_false_positive_pct  share of the 200 that fail the step (target <= 1)
//   canary.aa_fixed_test_fail_pct the same rollouts judged by the fixed
//                                 interval alone at each look (what the
//                                 always-valid test replaces), for contrast
//   canary.aa_median_abs_change_pct  how far green's latency moved from
//                                 blue's at the last look (noise, not zero)
// Injected regressions on green, from the step's start (the one fault
// model's faults, as a drill would inject them):
//   canary.detect_pct_latency_20  latency_factor x1.2 on green: share of the
//                                 200 that fail before promotion (target >= 95)
//   canary.detect_s_latency_20    median seconds from the fault's start to
//                                 the failing look
//   canary.detect_pct_errors_1pt  error_rate 1 % on green (+1 point)
//   canary.detect_s_errors_1pt    the same, median seconds
#include "simulator/engine/SimulationEngine.h"

#include "BenchReport.h"
#include "core/CanaryWatch.h"
#include "rollout/CanarySamples.h"
#include "simulator/ScenarioJson.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

using namespace pulsco;

namespace {

constexpr int kRollouts = 200, kLooks = 20;
constexpr double kLookSeconds = 30, kWarmup = 120;

struct CaseResult {
    int failed = 0;
    int fixedFailed = 0;
    int inconclusive = 0;
    std::uint64_t looksJudged = 0;
    std::vector<double> secondsToFail;  // one per failed rollout
    std::vector<double> lastAbsChange;  // api_latency_ms, one per rollout
};

double median(std::vector<double> values) {
    if (values.empty())
        return std::nan("");
    const auto mid = values.begin() + std::ptrdiff_t(values.size() / 2);
    std::nth_element(values.begin(), mid, values.end());
    return *mid;
}

CaseResult runCase(const Scenario& base, const std::vector<CanaryMetric>& metrics,
                   const std::optional<FaultSpec>& regression) {
    CaseResult out;
    for (int r = 0; r < kRollouts; ++r) {
        Scenario scenario = base;
        scenario.seed = 1000 + std::uint64_t(r);
        scenario.durationSeconds = kWarmup + kLooks * kLookSeconds + 10;
        SimulationEngine engine(scenario);
        engine.setTrafficWeight(50);
        engine.advanceTo(kWarmup);
        if (regression)
            engine.injectFault(*regression);  // starts now, with the step
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
                ++out.inconclusive;
                continue;
            }
            ++out.looksJudged;
            stepFailed = j.outcome == CanaryOutcome::Fail;
            if (stepFailed)
                out.secondsToFail.push_back(k * kLookSeconds);
        }
        out.failed += stepFailed;
        out.fixedFailed += fixedFailedHere;
        out.lastAbsChange.push_back(std::fabs(change));
    }
    return out;
}

void describe(const char* name, const CaseResult& r, double wallSeconds) {
    std::printf("bench_canary_calibration: %s: %d rollouts x %d looks in %.1f s wall; %d failed "
                "(fixed test alone: %d), %llu looks judged, %d inconclusive\n",
                name, kRollouts, kLooks, wallSeconds, r.failed, r.fixedFailed,
                static_cast<unsigned long long>(r.looksJudged), r.inconclusive);
}

FaultSpec onGreen(FaultKind kind) {
    FaultSpec f;
    f.kind = kind;
    f.target = FaultTarget::Green;
    return f;
}

}  // namespace

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

    auto start = std::chrono::steady_clock::now();
    const CaseResult aa = runCase(*load.scenario, metrics, std::nullopt);
    describe("A/A", aa, bench::secondsSince(start));
    bench::report("canary.aa_false_positive_pct", 100.0 * aa.failed / kRollouts, "%");
    bench::report("canary.aa_fixed_test_fail_pct", 100.0 * aa.fixedFailed / kRollouts, "%");
    bench::report("canary.aa_median_abs_change_pct", median(aa.lastAbsChange), "%");

    // The injected regressions, each reported under its suffix.
    struct Regression {
        const char* title;
        std::string suffix;
        FaultSpec fault;
    };
    FaultSpec slower = onGreen(FaultKind::LatencyFactor);
    slower.multiplier = 1.2;
    FaultSpec errors = onGreen(FaultKind::ErrorRate);
    errors.share = 0.01;
    for (const Regression& r : {Regression{"green latency x1.2", "latency_20", slower},
                                Regression{"green errors +1 point", "errors_1pt", errors}}) {
        start = std::chrono::steady_clock::now();
        const CaseResult c = runCase(*load.scenario, metrics, r.fault);
        describe(r.title, c, bench::secondsSince(start));
        bench::report(("canary.detect_pct_" + r.suffix).c_str(), 100.0 * c.failed / kRollouts, "%");
        bench::report(("canary.detect_s_" + r.suffix).c_str(), median(c.secondsToFail), "s");
        if (r.fault.kind == FaultKind::LatencyFactor)  // the shift the judge saw
            bench::report(("canary." + r.suffix + "_median_change_pct").c_str(),
                          median(c.lastAbsChange), "%");
    }
    return 0;
}
