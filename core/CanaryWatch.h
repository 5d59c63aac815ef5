// The canary judge over a whole step, looked at every interval (issue 21,
// item 2): each look judges the window so far (core/CanaryJudge), and what
// fails a metric is its always-valid test (core/SequentialTest), so looking
// every 30 s keeps one false-alarm budget alpha for the rollout instead of
// one per look. A metric fails once its test has rejected "green is no
// worse than blue plus the allowed change"; the fixed interval's High/Low
// stays in the judgement for the reader.
//
// Each metric's test is tuned (tau) to its allowed change measured at its
// first look with data (for a rate from zero: one point), and its excess at
// each look is the change beyond that allowance in the bad direction.
#pragma once

#include "core/CanaryJudge.h"
#include "core/SequentialTest.h"

#include <optional>
#include <vector>

namespace pulsco {

class CanaryWatch {
public:
    CanaryWatch(std::vector<CanaryMetric> metrics, CanaryBars bars = {}, double alpha = 0.05);

    // One look at the samples gathered since the step began.
    CanaryStepJudgement look(const std::vector<CanarySamples>& samples);

    const std::vector<CanaryMetric>& metrics() const { return m_metrics; }
    // The metric's always-valid p-value so far (1 before any look).
    double pValue(std::size_t metric) const;
    int looks() const { return m_looks; }

    // Before a step: seconds of traffic needed to detect a change of
    // `changePct` of blue's level beyond the allowance, when one second of
    // traffic gives the estimate a variance of `variancePerSecond` (from the
    // previous step's interval: variance x seconds observed).
    std::optional<double> secondsToDetect(std::size_t metric, double blueLevel, double changePct,
                                          double variancePerSecond) const;
    // The same for a change green - blue in the metric's own units (a rate's
    // one point is 0.01, whatever blue's level): what lies beyond the
    // allowance is what must be detected.
    std::optional<double> secondsToDetectChange(std::size_t metric, double blueLevel, double change,
                                                double variancePerSecond) const;

private:
    double tauFor(const CanaryMetric& m, double blueLevel) const;

    std::vector<CanaryMetric> m_metrics;
    CanaryBars m_bars;
    double m_alpha;
    std::vector<std::optional<AlwaysValidTest>> m_tests;
    int m_looks = 0;
};

}  // namespace pulsco
