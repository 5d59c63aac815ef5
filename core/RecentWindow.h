// The last 60 seconds of a colour's traffic, one slot per second: request
// latency, ticket waits, requests, errors and matches. The simulator and
// pulsco-matchd both keep one, so "recent" means the same 60 s everywhere
// (the api_latency_ms, ticket_wait_s, requests, errors and matches_per_min
// metrics of docs/expressions.md).
//
// Time is a whole second the owner names: the simulator counts its own
// seconds, the server passes floor(uptime). A slot is reused when its second
// comes round again, so idle seconds cost nothing and a gap empties itself.
#pragma once

#include "core/Histogram.h"
#include "core/MetricsSnapshot.h"

#include <array>
#include <cstdint>

namespace pulsco {

class RecentWindow {
public:
    static constexpr int kSeconds = 60;

    void recordRequest(std::int64_t second, double latencyMs, bool failed);
    void recordWait(std::int64_t second, double waitSeconds);
    void recordMatch(std::int64_t second);
    void recordTicketCreated(std::int64_t second);
    void clear();

    // Fills the recent fields of `into` (recentApiLatencyMs,
    // recentTicketWaitSeconds, recentRequests, recentErrors,
    // recentTicketsCreated and matchesPerMinute) from the seconds
    // (current - 60, current].
    void fill(EnvironmentMetrics& into, std::int64_t current) const;

private:
    struct Slot {
        std::int64_t second = -1;  // -1: never used
        Histogram latencyMs;
        Histogram waitSeconds;
        std::uint64_t requests = 0;
        std::uint64_t errors = 0;
        std::uint64_t matches = 0;
        std::uint64_t ticketsCreated = 0;
    };
    Slot& slotAt(std::int64_t second);

    std::array<Slot, kSeconds> m_slots;
};

}  // namespace pulsco
