// One judgement of green against blue over an analysis window, metric by
// metric, then a score for the step (issue 21, item 1). Latency and wait
// metrics are compared as distributions (core/MannWhitney over their
// histogram buckets: the Hodges–Lehmann shift and its interval), error and
// expiry rates as proportions (core/ProportionTest).
//
// Each metric has a direction (an increase is bad, a decrease is bad, or
// both), an allowed relative change, a minimum number of observations per
// colour, a policy for when it has no data, a weight, and may be critical.
// Its verdict:
//   High / Low — the interval of the change excludes zero (a real change)
//                and the change, relative to blue, is beyond the allowed one;
//   Pass       — otherwise;
//   NoData     — fewer observations than the minimum on either colour.
// A High or Low in the metric's bad direction fails the metric; a critical
// metric that fails fails the step on its own. The score is the weight of
// the passing metrics over the weight of the metrics judged, 0-100
// (NoData counts as passing, failing or not at all, as its policy says).
#pragma once

#include "core/MannWhitney.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pulsco {

enum class CanaryDirection { IncreaseIsBad, DecreaseIsBad, EitherIsBad };
enum class CanaryNoData { Pass, Fail, Ignore };
enum class CanaryVerdict { Pass, High, Low, NoData };
const char* toString(CanaryVerdict verdict);  // "pass", "high", "low", "no data"

struct CanaryMetric {
    std::string name;         // e.g. "api_latency_ms", "error_rate"
    bool proportion = false;  // a rate of events, else a distribution
    CanaryDirection direction = CanaryDirection::IncreaseIsBad;
    double allowedChangePct = 10;    // relative to blue
    std::uint64_t minSamples = 100;  // per colour
    CanaryNoData noData = CanaryNoData::Ignore;
    double weight = 1;
    bool critical = false;
};

// What one metric measured on each colour over the window.
struct CanarySamples {
    std::vector<WeightedValue> green, blue;                                        // distributions
    std::uint64_t greenEvents = 0, greenTotal = 0, blueEvents = 0, blueTotal = 0;  // proportions
};

struct CanaryMetricJudgement {
    std::string metric;
    CanaryVerdict verdict = CanaryVerdict::NoData;
    bool failed = false;
    bool critical = false;
    std::uint64_t greenSamples = 0, blueSamples = 0;
    double blueLevel = 0;      // blue's median (distributions) or rate (proportions)
    double change = 0;         // green - blue: the shift, or the difference of rates
    double low = 0, high = 0;  // the change's interval
    double changePct = 0;      // change relative to blueLevel (0 when blue's level is 0)
    double pValue = 1;
    std::string why;  // one sentence an operator can act on
};

enum class CanaryOutcome { Pass, Marginal, Fail };
const char* toString(CanaryOutcome outcome);

struct CanaryStepJudgement {
    std::vector<CanaryMetricJudgement> metrics;
    double score = 100;  // 0-100
    bool criticalFailed = false;
    // No metric counted (all NoData and left out): the look says nothing,
    // and the score of 0 is no verdict on green (a step must not pass on it).
    bool nothingJudged = false;
    CanaryOutcome outcome = CanaryOutcome::Pass;
};

struct CanaryBars {
    double pass = 95;      // score at or above: pass
    double marginal = 75;  // at or above: marginal; below: fail
    double confidence = 0.95;
};

// `samples[i]` is what `metrics[i]` measured; the sizes must match.
CanaryStepJudgement judgeCanary(const std::vector<CanaryMetric>& metrics,
                                const std::vector<CanarySamples>& samples,
                                const CanaryBars& bars = {});
// The score, critical failure and outcome from the metrics' `failed`
// (judgeCanary calls it; CanaryWatch again after its sequential verdicts).
void scoreCanaryStep(const std::vector<CanaryMetric>& metrics, CanaryStepJudgement& step,
                     const CanaryBars& bars);

// The median of weighted values (the lower middle value for an even count).
double weightedMedian(const std::vector<WeightedValue>& values);

}  // namespace pulsco
