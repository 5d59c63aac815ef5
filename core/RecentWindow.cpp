#include "core/RecentWindow.h"

namespace pulsco {

RecentWindow::Slot& RecentWindow::slotAt(std::int64_t second) {
    const auto n = static_cast<std::int64_t>(m_slots.size());
    Slot& slot = m_slots[static_cast<std::size_t>(((second % n) + n) % n)];
    if (slot.second != second) {
        slot.second = second;
        slot.latencyMs.clear();
        slot.waitSeconds.clear();
        slot.requests = slot.errors = slot.matches = slot.ticketsCreated = 0;
    }
    return slot;
}

void RecentWindow::recordRequest(std::int64_t second, double latencyMs, bool failed) {
    Slot& slot = slotAt(second);
    ++slot.requests;
    slot.latencyMs.record(latencyMs);
    if (failed)
        ++slot.errors;
}

void RecentWindow::recordWait(std::int64_t second, double waitSeconds) {
    slotAt(second).waitSeconds.record(waitSeconds);
}

void RecentWindow::recordMatch(std::int64_t second) {
    ++slotAt(second).matches;
}

void RecentWindow::recordTicketCreated(std::int64_t second) {
    ++slotAt(second).ticketsCreated;
}

void RecentWindow::clear() {
    for (Slot& slot : m_slots) {
        slot.second = -1;
        slot.latencyMs.clear();
        slot.waitSeconds.clear();
        slot.requests = slot.errors = slot.matches = slot.ticketsCreated = 0;
    }
}

void RecentWindow::fill(EnvironmentMetrics& into, std::int64_t current) const {
    into.recentApiLatencyMs.clear();
    into.recentTicketWaitSeconds.clear();
    into.recentRequests = into.recentErrors = into.recentTicketsCreated = 0;
    std::uint64_t matches = 0;
    for (const Slot& slot : m_slots) {
        if (slot.second < 0 || slot.second <= current - kSeconds || slot.second > current)
            continue;
        into.recentApiLatencyMs.merge(slot.latencyMs);
        into.recentTicketWaitSeconds.merge(slot.waitSeconds);
        into.recentRequests += slot.requests;
        into.recentErrors += slot.errors;
        into.recentTicketsCreated += slot.ticketsCreated;
        matches += slot.matches;
    }
    into.matchesPerMinute = static_cast<double>(matches);  // the last 60 s, not extrapolated
}

}  // namespace pulsco
