// The engine's event log while it waits to be taken: off by default; when
// on, at most `cap` events wait, and the rest are only counted, so a run
// that nobody reads never grows without bound.
#pragma once

#include "core/LogEvent.h"

#include <cstdint>
#include <vector>

namespace pulsco::sim {

class EventLogBuffer {
public:
    void enable(std::size_t cap) { m_cap = cap; }
    bool on() const { return m_cap > 0; }

    void push(LogEvent event) {
        if (!on())
            return;
        if (m_events.size() >= m_cap) {
            ++m_dropped;
            return;
        }
        m_events.push_back(std::move(event));
    }
    std::vector<LogEvent> take() {
        std::vector<LogEvent> out;
        out.swap(m_events);
        return out;
    }
    std::uint64_t dropped() const { return m_dropped; }

private:
    std::size_t m_cap = 0;
    std::vector<LogEvent> m_events;
    std::uint64_t m_dropped = 0;
};

}  // namespace pulsco::sim
