#include "core/MetricsSnapshot.h"

#include <algorithm>

namespace pulsco {

void mergeInto(EnvironmentMetrics& total, const EnvironmentMetrics& m) {
    total.tickets.created += m.tickets.created;
    total.tickets.matched += m.tickets.matched;
    total.tickets.expired += m.tickets.expired;
    total.tickets.cancelled += m.tickets.cancelled;
    total.tickets.searching += m.tickets.searching;
    total.matchesTotal += m.matchesTotal;
    total.matchesPerMinute += m.matchesPerMinute;
    total.twoTeamMatches += m.twoTeamMatches;
    total.balancedMatches += m.balancedMatches;
    total.requestsTotal += m.requestsTotal;
    total.errorsTotal += m.errorsTotal;
    for (const auto& [code, n] : m.errorsByCode)
        total.errorsByCode[code] += n;
    total.ticketWaitSeconds.merge(m.ticketWaitSeconds);
    total.apiLatencyMs.merge(m.apiLatencyMs);
    total.matchQuality.merge(m.matchQuality);
    total.recentApiLatencyMs.merge(m.recentApiLatencyMs);
    total.recentTicketWaitSeconds.merge(m.recentTicketWaitSeconds);
    total.recentRequests += m.recentRequests;
    total.recentTicketsCreated += m.recentTicketsCreated;
    total.recentErrors += m.recentErrors;
    for (const QueueSnapshot& q : m.queues) {
        auto it = std::find_if(total.queues.begin(), total.queues.end(),
                               [&](const QueueSnapshot& t) { return t.name == q.name; });
        if (it == total.queues.end()) {
            total.queues.push_back(q);
            continue;
        }
        it->depth += q.depth;
        it->playersSearching += q.playersSearching;
        it->oldestWaitSeconds = std::max(it->oldestWaitSeconds, q.oldestWaitSeconds);
        it->matchesTotal += q.matchesTotal;
    }
}

std::optional<double> measuredWeightPercent(const MetricsSnapshot& s,
                                            const EnvironmentMetrics& env) {
    const std::uint64_t taken = s.blue.recentTicketsCreated + s.green.recentTicketsCreated;
    if (taken == 0)
        return std::nullopt;
    if (&env == &s.total)
        return 100.0;
    return 100.0 * static_cast<double>(env.recentTicketsCreated) / static_cast<double>(taken);
}

}  // namespace pulsco
