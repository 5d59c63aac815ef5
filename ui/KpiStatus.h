// How a figure stands against the bar the rollout plan sets for it. Kept free
// of widgets so the rules are tested on their own.
#pragma once

#include "core/MetricsSnapshot.h"

#include <QString>

#include <optional>

namespace pulsco {

enum class KpiLevel {
    Neutral,  // a count with no bar (players online, ...)
    Unknown,  // no data yet (no requests in the window, ...)
    Ok,
    Warning,  // within reach of the bar: at or above warnRatio x bar
    Breach,   // at or above the bar ("< 150 ms" is the rule, so 150 breaches)
};

// For "lower is better" figures such as latency and error rate.
KpiLevel classifyAgainstUpperBar(double value, double bar, double warnRatio = 0.8);

// The word shown next to the colour, so the state never rests on colour alone.
QString levelText(KpiLevel level);

// A bar the rollout plan sets on a dashboard figure: the figure is a
// MetricExpression over MetricCatalog (docs/expressions.md), so a tile reads
// it exactly as a gate or an alert rule would, and must stay below `bound`.
// docs/console.md explains where each bar comes from.
struct KpiBar {
    const char* figure;
    double bound;
};
inline constexpr KpiBar kApiP95Bar{"p(95)(api_latency_ms)", 150.0};
inline constexpr KpiBar kErrorRateBar{"rate(errors)", 0.001};  // 0.1 %
inline constexpr KpiBar kTicketWaitP95Bar{"p(95)(ticket_wait_s)", 60.0};

// The bar's figure in `snapshot`; nullopt when it has no data (no requests
// in the window, ...).
std::optional<double> kpiValue(const KpiBar& bar, const MetricsSnapshot& snapshot);

}  // namespace pulsco
