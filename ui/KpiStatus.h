// How a figure stands against the bar the rollout plan sets for it. Kept free
// of widgets so the rules are tested on their own.
#pragma once

#include <QString>

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

// The rollout plan's bars (docs/console.md explains where each comes from).
inline constexpr double kApiP95BarMs = 150.0;
inline constexpr double kErrorRateBar = 0.001;  // 0.1 %
inline constexpr double kTicketWaitP95BarSeconds = 60.0;

}  // namespace pulsco
