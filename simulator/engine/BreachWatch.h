// The live side of a scenario's thresholds: every few simulated seconds the
// engine hands it a snapshot, and it says which bars broke on the last 60 s
// and which hold again (each bar's last-60-s expression, core/ThresholdMetrics.h).
// A bar is reported on a change only, so a long breach is one line, not one
// every check; a bar whose window has no data keeps its last state.
#pragma once

#include "core/Color.h"
#include "core/LogEvent.h"
#include "core/MetricsSnapshot.h"
#include "simulator/engine/Threshold.h"

#include <optional>
#include <string>
#include <vector>

namespace pulsco::sim {

struct BreachChange {
    LogEventKind kind = LogEventKind::Breach;  // Breach, or Info when it holds again
    std::optional<Color> color;                // the bar's scope
    std::string text;  // "threshold broken: error_rate 0.02 over the last minute (bar <0.01)"
};

class BreachWatch {
public:
    explicit BreachWatch(const std::vector<Threshold>* bars)
        : m_bars(bars) {}

    std::vector<BreachChange> check(const MetricsSnapshot& lastMinute);
    void reset() { m_broken.clear(); }  // judged afresh (after the warm-up)

private:
    const std::vector<Threshold>* m_bars;
    std::vector<bool> m_broken;  // per bar, at the last check
};

}  // namespace pulsco::sim
