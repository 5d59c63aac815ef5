// The discrete-event calendar: a binary heap of small fixed-size events,
// ordered by (time, insertion sequence) so ties resolve the same way on every
// run. No allocation per event once the heap has grown to its working size.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace pulsco::sim {

enum class EventType : std::uint8_t {
    Arrival,      // a group of friends logs in
    QueueUp,      // a party sends its enqueue request
    EnqueueDone,  // the enqueue request reached the matchmaker
    Poll,         // a searching party polls its ticket
    Patience,     // a searching party has waited as long as it will
    MatchEnd,     // a match finishes; subject = match slot
    Tick,         // the matchmaker of one color ticks; subject = color
    Second,       // housekeeping once per simulated second (recent windows)
    FaultStart,   // subject = fault slot
    FaultEnd,     // subject = fault slot
};

struct Event {
    double time = 0;
    std::uint64_t sequence = 0;
    std::uint32_t subject = 0;     // party, match, color or fault, by type
    std::uint32_t generation = 0;  // stale when it differs from the subject's
    EventType type = EventType::Arrival;
};

class EventQueue {
public:
    void reserve(std::size_t n) { m_heap.reserve(n); }
    bool empty() const { return m_heap.empty(); }
    std::size_t size() const { return m_heap.size(); }
    double nextTime() const { return m_heap.front().time; }

    void push(double time, EventType type, std::uint32_t subject, std::uint32_t generation = 0) {
        m_heap.push_back(Event{time, m_sequence++, subject, generation, type});
        std::push_heap(m_heap.begin(), m_heap.end(), later);
    }

    Event pop() {
        std::pop_heap(m_heap.begin(), m_heap.end(), later);
        const Event e = m_heap.back();
        m_heap.pop_back();
        return e;
    }

private:
    static bool later(const Event& a, const Event& b) {
        return a.time > b.time || (a.time == b.time && a.sequence > b.sequence);
    }
    std::vector<Event> m_heap;
    std::uint64_t m_sequence = 0;
};

}  // namespace pulsco::sim
