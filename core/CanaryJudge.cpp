#include "core/CanaryJudge.h"

#include "core/NumberText.h"
#include "core/ProportionTest.h"

#include <algorithm>
#include <cmath>

namespace pulsco {

namespace {

std::string number(double v, int digits = 3) {
    return significantText(v, digits);
}

std::string signedNumber(double v, int digits = 3) {
    return withSign(v, significantText(v, digits));
}

}  // namespace

const char* toString(CanaryVerdict verdict) {
    switch (verdict) {
    case CanaryVerdict::Pass:
        return "pass";
    case CanaryVerdict::High:
        return "high";
    case CanaryVerdict::Low:
        return "low";
    case CanaryVerdict::NoData:
        return "no data";
    }
    return "?";
}

const char* toString(CanaryOutcome outcome) {
    switch (outcome) {
    case CanaryOutcome::Pass:
        return "pass";
    case CanaryOutcome::Marginal:
        return "marginal";
    case CanaryOutcome::Fail:
        return "fail";
    }
    return "?";
}

double weightedMedian(const std::vector<WeightedValue>& values) {
    std::vector<WeightedValue> sorted = values;
    std::sort(sorted.begin(), sorted.end(),
              [](const WeightedValue& a, const WeightedValue& b) { return a.value < b.value; });
    std::uint64_t total = 0;
    for (const WeightedValue& v : sorted)
        total += v.count;
    if (total == 0)
        return 0;
    const std::uint64_t middle = (total + 1) / 2;  // 1-based rank of the lower middle
    std::uint64_t seen = 0;
    for (const WeightedValue& v : sorted) {
        seen += v.count;
        if (seen >= middle)
            return v.value;
    }
    return sorted.back().value;
}

namespace {

CanaryMetricJudgement judgeOne(const CanaryMetric& m, const CanarySamples& s,
                               const CanaryBars& bars) {
    CanaryMetricJudgement j;
    j.metric = m.name;
    j.critical = m.critical;
    const std::string level = number(bars.confidence * 100) + " % interval";
    if (m.proportion) {
        j.greenSamples = s.greenTotal;
        j.blueSamples = s.blueTotal;
    } else {
        for (const WeightedValue& v : s.green)
            j.greenSamples += v.count;
        for (const WeightedValue& v : s.blue)
            j.blueSamples += v.count;
    }
    if (j.greenSamples < m.minSamples || j.blueSamples < m.minSamples) {
        j.verdict = CanaryVerdict::NoData;
        j.failed = m.noData == CanaryNoData::Fail;
        j.why = "green has " + std::to_string(j.greenSamples) + " observations, blue " +
                std::to_string(j.blueSamples) + ": fewer than the minimum " +
                std::to_string(m.minSamples) +
                (m.noData == CanaryNoData::Fail   ? " (no data fails this metric)"
                 : m.noData == CanaryNoData::Pass ? " (no data passes this metric)"
                                                  : " (not counted in the score)");
        return j;
    }

    if (m.proportion) {
        const ProportionTestResult r =
            proportionTest(s.greenEvents, s.greenTotal, s.blueEvents, s.blueTotal, bars.confidence);
        j.blueLevel = r.rateB;
        j.change = r.difference;
        j.low = r.low;
        j.high = r.high;
        j.pValue = r.pValue;
        if (!r.ok) {  // no events on either side: nothing differs
            j.low = j.high = j.change;
        }
    } else {
        const MannWhitneyResult r = mannWhitney(s.green, s.blue, bars.confidence);
        j.blueLevel = weightedMedian(s.blue);
        j.pValue = r.pValue;
        if (r.ok) {
            j.change = r.estimate;
            j.low = r.low;
            j.high = r.high;
        } else {
            // All tied (no difference), or one value a side: the change is
            // the difference of the values, as certain as the test says.
            j.change = weightedMedian(s.green) - j.blueLevel;
            const bool real = r.pValue < 1 - bars.confidence;
            j.low = real ? j.change : std::min(0.0, j.change);
            j.high = real ? j.change : std::max(0.0, j.change);
        }
    }
    j.changePct = j.blueLevel != 0 ? j.change / std::fabs(j.blueLevel) * 100 : 0;
    const bool real = j.low > 0 || j.high < 0;
    const bool beyond =
        j.blueLevel != 0 ? std::fabs(j.changePct) > m.allowedChangePct : j.change != 0;
    const std::string how =
        j.blueLevel != 0 ? signedNumber(j.changePct) + " %" : "from zero to " + number(j.change);
    const std::string what = (m.proportion ? "rate " : "shift ") + signedNumber(j.change) + ", " +
                             level + " [" + signedNumber(j.low) + ", " + signedNumber(j.high) + "]";
    if (real && beyond) {
        j.verdict = j.change > 0 ? CanaryVerdict::High : CanaryVerdict::Low;
        const bool bad = j.verdict == CanaryVerdict::High
                             ? m.direction != CanaryDirection::DecreaseIsBad
                             : m.direction != CanaryDirection::IncreaseIsBad;
        j.failed = bad;
        j.why = "green " + how + " (" + what + "): beyond the allowed " +
                number(m.allowedChangePct) + " %" +
                (bad                                ? std::string()
                 : j.verdict == CanaryVerdict::High ? ", but an increase is not bad here"
                                                    : ", but a decrease is not bad here");
    } else {
        j.verdict = CanaryVerdict::Pass;
        j.why =
            real ? "green " + how + " (" + what + "): within the allowed " +
                       number(m.allowedChangePct) + " %"
                 : "no change told apart from chance (" + what + ", p = " + number(j.pValue) + ")";
    }
    return j;
}

}  // namespace

CanaryStepJudgement judgeCanary(const std::vector<CanaryMetric>& metrics,
                                const std::vector<CanarySamples>& samples, const CanaryBars& bars) {
    CanaryStepJudgement step;
    for (std::size_t i = 0; i < metrics.size(); ++i)
        step.metrics.push_back(
            judgeOne(metrics[i], i < samples.size() ? samples[i] : CanarySamples{}, bars));
    scoreCanaryStep(metrics, step, bars);
    return step;
}

void scoreCanaryStep(const std::vector<CanaryMetric>& metrics, CanaryStepJudgement& step,
                     const CanaryBars& bars) {
    double judged = 0, passed = 0;
    step.criticalFailed = false;
    for (std::size_t i = 0; i < metrics.size() && i < step.metrics.size(); ++i) {
        const CanaryMetric& m = metrics[i];
        const CanaryMetricJudgement& j = step.metrics[i];
        const bool counted =
            !(j.verdict == CanaryVerdict::NoData && m.noData == CanaryNoData::Ignore);
        if (counted) {
            judged += m.weight;
            if (!j.failed)
                passed += m.weight;
        }
        step.criticalFailed = step.criticalFailed || (m.critical && j.failed);
    }
    // Nothing judged is not a pass: a step must have measured something.
    step.nothingJudged = judged == 0;
    step.score = judged > 0 ? passed / judged * 100 : 0;
    step.outcome = step.criticalFailed || step.score < bars.marginal ? CanaryOutcome::Fail
                   : step.score < bars.pass                          ? CanaryOutcome::Marginal
                                                                     : CanaryOutcome::Pass;
}

}  // namespace pulsco
