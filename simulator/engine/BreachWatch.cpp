#include "simulator/engine/BreachWatch.h"

#include "simulator/engine/Wording.h"

namespace pulsco::sim {

std::vector<BreachChange> BreachWatch::check(const MetricsSnapshot& lastMinute) {
    const std::vector<Threshold>& bars = *m_bars;
    m_broken.resize(bars.size(), false);
    std::vector<BreachChange> changes;
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const std::optional<double> value = bars[i].recentValue(lastMinute);
        if (!value)
            continue;
        const bool broken = !bars[i].holds(*value);
        if (broken == m_broken[i])
            continue;
        m_broken[i] = broken;
        const std::string figure =
            bars[i].metric + " " + significant(*value) + " over the last minute";
        BreachChange change;
        change.color = splitScope(bars[i].metric).color;
        change.kind = broken ? LogEventKind::Breach : LogEventKind::Info;
        change.text = (broken ? "threshold broken: " : "threshold holds again: ") + figure +
                      " (bar " + bars[i].text + ")";
        changes.push_back(std::move(change));
    }
    return changes;
}

}  // namespace pulsco::sim
