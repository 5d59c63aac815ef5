// How long an analysis step's judge must run to detect a regression at the
// traffic the source shows now (issue 21, item 2: "nobody knows how long a
// step must run to detect anything"), shown on the Blue-green tab before the
// step starts.
//
// The regression is each metric's allowance plus 10 points of blue's level
// for a distribution (+20 % with the default 10 %) and one point beyond the
// allowance for a rate. The traffic is what the source has seen since it
// started, both colours pooled (the same release, as before a rollout): its
// observations per second, and the spread of one observation, taken from an
// A/A judgement of the pool against itself. At the step, green gets
// `greenWeight` % of those observations and blue the rest; the always-valid
// test of core/CanaryWatch then says how many seconds it needs.
#pragma once

#include "core/MetricsSnapshot.h"
#include "rollout/RolloutPlan.h"

#include <QString>

#include <optional>
#include <vector>

namespace pulsco {

struct DetectionEstimate {
    QString metric;                 // "api_latency_ms"
    QString regression;             // "+20 %", "-20 %", "+1 point"
    std::optional<double> seconds;  // nullopt: no estimate, see why
    QString why;                    // when there is no estimate
};

std::vector<DetectionEstimate> estimateDetection(const CanaryJudgeSpec& judge, int greenWeight,
                                                 const MetricsSnapshot& now);

// The green weight an analysis step at `index` runs at: the last set_weight
// before it (0 when none).
int weightAtStep(const std::vector<TrafficStep>& steps, std::size_t index);

// "1 min 40 s", "45 s", "2 h 5 min".
QString durationWords(double seconds);

}  // namespace pulsco
