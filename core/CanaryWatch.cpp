#include "core/CanaryWatch.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace pulsco {

namespace {

double margin(const CanaryMetric& m, double blueLevel) {
    return m.allowedChangePct / 100 * std::fabs(blueLevel);
}

// The change beyond the allowance in the metric's bad direction(s).
double excessOf(const CanaryMetric& m, const CanaryMetricJudgement& j) {
    const double allowed = margin(m, j.blueLevel);
    const double up = j.change - allowed, down = -j.change - allowed;
    switch (m.direction) {
    case CanaryDirection::IncreaseIsBad:
        return up;
    case CanaryDirection::DecreaseIsBad:
        return down;
    case CanaryDirection::EitherIsBad:
        return std::max(up, down);
    }
    return up;
}

}  // namespace

CanaryWatch::CanaryWatch(std::vector<CanaryMetric> metrics, CanaryBars bars, double alpha)
    : m_metrics(std::move(metrics))
    , m_bars(bars)
    , m_alpha(alpha)
    , m_tests(m_metrics.size()) {}

double CanaryWatch::tauFor(const CanaryMetric& m, double blueLevel) const {
    const double allowed = margin(m, blueLevel);
    if (allowed > 0)
        return allowed;
    return m.proportion ? 0.01 : 1.0;  // from zero: one point of a rate, one unit otherwise
}

CanaryStepJudgement CanaryWatch::look(const std::vector<CanarySamples>& samples) {
    ++m_looks;
    CanaryStepJudgement step = judgeCanary(m_metrics, samples, m_bars);
    for (std::size_t i = 0; i < m_metrics.size(); ++i) {
        CanaryMetricJudgement& j = step.metrics[i];
        if (j.verdict == CanaryVerdict::NoData)
            continue;  // no look without data; NoData keeps its policy
        const double variance = varianceFromInterval(j.low, j.high, m_bars.confidence);
        if (!m_tests[i])
            m_tests[i].emplace(m_alpha, tauFor(m_metrics[i], j.blueLevel));
        if (variance > 0)
            m_tests[i]->look(excessOf(m_metrics[i], j), variance);
        j.failed = m_tests[i]->rejected();
        char text[96];
        std::snprintf(text, sizeof text, "; always-valid p = %.3g over %d look(s)%s",
                      m_tests[i]->pValue(), m_tests[i]->looks(), j.failed ? ": fails" : "");
        j.why += text;
    }
    scoreCanaryStep(m_metrics, step, m_bars);
    return step;
}

double CanaryWatch::pValue(std::size_t metric) const {
    return metric < m_tests.size() && m_tests[metric] ? m_tests[metric]->pValue() : 1.0;
}

std::optional<double> CanaryWatch::secondsToDetect(std::size_t metric, double blueLevel,
                                                   double changePct,
                                                   double variancePerSecond) const {
    if (metric >= m_metrics.size())
        return std::nullopt;
    return secondsToDetectChange(metric, blueLevel, changePct / 100 * std::fabs(blueLevel),
                                 variancePerSecond);
}

std::optional<double> CanaryWatch::secondsToDetectChange(std::size_t metric, double blueLevel,
                                                         double change,
                                                         double variancePerSecond) const {
    if (metric >= m_metrics.size())
        return std::nullopt;
    const CanaryMetric& m = m_metrics[metric];
    const double excess = std::fabs(change) - margin(m, blueLevel);
    return pulsco::secondsToDetect(excess, variancePerSecond, m_alpha, tauFor(m, blueLevel));
}

}  // namespace pulsco
