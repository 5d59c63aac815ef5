// The names scenario thresholds use, k6 style ("api_latency_p95_ms": "<150"),
// each defined as a MetricExpression over MetricCatalog. There is one list of
// metric names (docs/expressions.md); these are shorthands for expressions
// on it, so a scenario's bar, a rollout gate and an alert rule read the same
// figure the same way.
#pragma once

#include "core/Color.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pulsco {

struct ThresholdMetric {
    std::string_view name;  // "api_latency_p95_ms"
    // The figure over the whole run (after warm-up), e.g.
    // "p(95)($api_latency_ms_all)"; `$` stands for the colour scope.
    std::string_view run;
    // The same figure over the last 60 s, which a running simulation checks
    // every 10 s and logs as breaches; "" when there is none.
    std::string_view recent;
    // Only the in-process engine measures it (true skill, its own queue and
    // tick): a run against live servers cannot judge it.
    bool inProcessOnly = false;
};

const std::vector<ThresholdMetric>& thresholdMetrics();
const ThresholdMetric* findThresholdMetric(std::string_view name);  // name without scope

// `pattern` with its `$` replaced by the scope: ("rate($errors_total)",
// Green) gives "rate(green.errors_total)", with no scope "rate(errors_total)".
std::string scopedExpression(std::string_view pattern, std::optional<Color> scope);

}  // namespace pulsco
