#include "rollout/DetectionTime.h"

#include "core/CanaryWatch.h"
#include "core/SequentialTest.h"
#include "rollout/CanarySamples.h"

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

constexpr double kDistributionPoints = 10;  // beyond the allowance, % of blue's level
constexpr double kRatePoint = 0.01;         // beyond the allowance, absolute

std::uint64_t countOf(const std::vector<WeightedValue>& values) {
    std::uint64_t n = 0;
    for (const WeightedValue& v : values)
        n += v.count;
    return n;
}

QString signedPercent(double pct) {
    return (pct >= 0 ? u"+"_s : u"−"_s) + QString::number(std::fabs(pct), 'g', 3) + u" %"_s;
}

}  // namespace

QString durationWords(double seconds) {
    const auto s = qint64(std::llround(seconds));
    if (s < 60)
        return u"%1 s"_s.arg(s);
    if (s < 3600)
        return s % 60 == 0 ? u"%1 min"_s.arg(s / 60) : u"%1 min %2 s"_s.arg(s / 60).arg(s % 60);
    const qint64 minutes = (s + 30) / 60;
    return minutes % 60 == 0 ? u"%1 h"_s.arg(minutes / 60)
                             : u"%1 h %2 min"_s.arg(minutes / 60).arg(minutes % 60);
}

int weightAtStep(const std::vector<TrafficStep>& steps, std::size_t index) {
    int weight = 0;
    for (std::size_t i = 0; i < index && i < steps.size(); ++i)
        if (steps[i].kind == TrafficStep::Kind::SetWeight)
            weight = steps[i].weight;
    return weight;
}

std::vector<DetectionEstimate> estimateDetection(const CanaryJudgeSpec& judge, int greenWeight,
                                                 const MetricsSnapshot& now) {
    std::vector<DetectionEstimate> out;
    const CanaryWatch watch(judge.metrics, judge.bars, judge.alpha);
    const double w = greenWeight / 100.0;
    for (std::size_t i = 0; i < judge.metrics.size(); ++i) {
        const CanaryMetric& m = judge.metrics[i];
        DetectionEstimate& e = out.emplace_back();
        e.metric = QString::fromStdString(m.name);
        const double sign = m.direction == CanaryDirection::DecreaseIsBad ? -1 : 1;
        e.regression = m.proportion
                           ? u"+1 point"_s
                           : signedPercent(sign * (m.allowedChangePct + kDistributionPoints));
        if (w <= 0 || w >= 1) {
            e.why = w <= 0 ? u"green gets no traffic at this step"_s
                           : u"blue gets no traffic at this step: nothing to compare with"_s;
            continue;
        }
        if (!(now.timeSeconds > 0)) {
            e.why = u"no traffic seen yet"_s;
            continue;
        }
        // Both colours pooled: before the step they run the same release.
        const CanarySamples s = canarySamples(m, now, MetricsSnapshot{});
        double n = 0, blueLevel = 0, perObservation = 0, change = 0;
        if (m.proportion) {
            n = double(s.blueTotal + s.greenTotal);
            blueLevel = n > 0 ? double(s.blueEvents + s.greenEvents) / n : 0;
            change = m.allowedChangePct / 100 * blueLevel + kRatePoint;
            const double points = change * 100;
            if (points >= 1.05)  // blue's own rate makes the allowance count
                e.regression = u"+%1 points"_s.arg(points, 0, 'f', 1);
            // The spread of one observation midway to the regression.
            const double q = std::clamp(blueLevel + change / 2, 1e-6, 1 - 1e-6);
            perObservation = q * (1 - q);
        } else {
            std::vector<WeightedValue> pool = s.blue;
            pool.insert(pool.end(), s.green.begin(), s.green.end());
            n = double(countOf(pool));
            if (n >= double(m.minSamples)) {
                // The pool against itself: an interval of width 2 z s sqrt(2 / n).
                CanarySamples aa;
                aa.blue = pool;
                aa.green = pool;
                const CanaryMetricJudgement j = judgeCanary({m}, {aa}, judge.bars).metrics[0];
                blueLevel = j.blueLevel;
                perObservation = varianceFromInterval(j.low, j.high, judge.bars.confidence) * n / 2;
                change =
                    sign * (m.allowedChangePct + kDistributionPoints) / 100 * std::fabs(blueLevel);
            }
        }
        if (n < double(m.minSamples)) {
            e.why = u"only %1 observations so far (the judge needs %2 per colour)"_s.arg(n).arg(
                m.minSamples);
            continue;
        }
        if (!(perObservation > 0)) {
            e.why = u"every observation so far has the same value: no spread to scale"_s;
            continue;
        }
        // Green sees w of the observations, blue the rest.
        const double perSecond = n / now.timeSeconds;
        const double variancePerSecond = perObservation / perSecond * (1 / w + 1 / (1 - w));
        e.seconds = watch.secondsToDetectChange(i, blueLevel, change, variancePerSecond);
        if (!e.seconds)
            e.why = u"more than a day at this traffic"_s;
    }
    return out;
}

}  // namespace pulsco
