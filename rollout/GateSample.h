// Which gates need a minimum sample, and the one a format-1 plan's gate gets
// when it is migrated. A percentile or a rate over a handful of requests is
// noise: the console's own polling once held "P95 < 150 ms" at 0.2 ms on an
// idle server. So a gate that reads a histogram or a rate must say how much
// traffic its window needs (docs/rollout.md, "Minimum sample").
#pragma once

#include "core/MetricExpression.h"

#include <QString>

#include <optional>

namespace pulsco {

// True when the expression reads a histogram (a percentile, min, max, avg)
// or a counter that rate() divides (errors, tickets_expired, ...), a ratio
// gauge (error_rate), or `conservation` (over no tickets it holds
// by construction).
bool needsMinimumSample(const MetricExpression& expression);

// For a migrated gate: "requests >= 100" in the 60 s window (scoped like
// the gate's API metrics; the plan's 1000 players make about 340 a minute,
// and the hold time gathers many windows: a 0.1 % bar held 5 minutes has
// seen some 1700 requests without an error),
// "requests_total >= 1000" for since-start figures, "count(<histogram>) >=
// 100" for another histogram, "tickets_created >= 100" for ticket rates,
// conservation and the matcher's tick time.
// Joined with "and" when the gate reads several kinds. Nullopt when the gate
// needs none.
std::optional<QString> defaultMinimumSample(const MetricExpression& expression);

}  // namespace pulsco
