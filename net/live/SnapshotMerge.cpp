#include "net/live/SnapshotMerge.h"

#include <algorithm>

namespace pulsco {

void mergeEnvironment(EnvironmentMetrics& into, const EnvironmentMetrics& from) {
    into.tickets.created += from.tickets.created;
    into.tickets.matched += from.tickets.matched;
    into.tickets.expired += from.tickets.expired;
    into.tickets.cancelled += from.tickets.cancelled;
    into.tickets.searching += from.tickets.searching;
    into.matchesTotal += from.matchesTotal;
    into.matchesPerMinute += from.matchesPerMinute;
    into.requestsTotal += from.requestsTotal;
    into.errorsTotal += from.errorsTotal;
    for (const auto& [code, count] : from.errorsByCode)
        into.errorsByCode[code] += count;
    into.ticketWaitSeconds.merge(from.ticketWaitSeconds);
    into.apiLatencyMs.merge(from.apiLatencyMs);
    into.matchQuality.merge(from.matchQuality);
    into.recentApiLatencyMs.merge(from.recentApiLatencyMs);
    into.recentTicketWaitSeconds.merge(from.recentTicketWaitSeconds);
    into.recentRequests += from.recentRequests;
    into.recentErrors += from.recentErrors;
    for (const QueueSnapshot& queue : from.queues) {
        auto it = std::find_if(into.queues.begin(), into.queues.end(),
                               [&](const QueueSnapshot& q) { return q.name == queue.name; });
        if (it == into.queues.end()) {
            into.queues.push_back(queue);
            continue;
        }
        it->depth += queue.depth;
        it->playersSearching += queue.playersSearching;
        it->oldestWaitSeconds = std::max(it->oldestWaitSeconds, queue.oldestWaitSeconds);
        it->matchesTotal += queue.matchesTotal;
    }
}

MetricsSnapshot mergeServerSnapshots(const std::vector<ColoredSnapshot>& parts) {
    MetricsSnapshot merged;
    merged.source = "live";
    bool first = true;
    for (const ColoredSnapshot& part : parts) {
        if (!part.snapshot)
            continue;
        const MetricsSnapshot& s = *part.snapshot;
        // A server reports its own figures in `total` (its color holds the
        // same, the other color is empty).
        const EnvironmentMetrics& own = s.total;
        EnvironmentMetrics& colorEnv = part.color == Color::Green ? merged.green : merged.blue;
        const int weight = (part.color == Color::Green ? s.green : s.blue).trafficWeightPercent;
        mergeEnvironment(colorEnv, own);
        colorEnv.trafficWeightPercent = std::max(colorEnv.trafficWeightPercent, weight);
        mergeEnvironment(merged.total, own);
        merged.playersOnline += s.playersOnline;
        merged.playersInQueue += s.playersInQueue;
        merged.playersInMatch += s.playersInMatch;
        merged.concurrentPlayersPeak += s.concurrentPlayersPeak;
        for (const auto& [name, region] : s.regions) {
            RegionMetrics& r = merged.regions[name];
            r.playersOnline += region.playersOnline;
            r.playersInQueue += region.playersInQueue;
            r.matchesTotal += region.matchesTotal;
            r.ticketWaitSeconds.merge(region.ticketWaitSeconds);
            r.reachable = r.reachable && region.reachable;
        }
        merged.tickDurationMs.merge(s.tickDurationMs);
        merged.conservationOk = merged.conservationOk && s.conservationOk;
        for (const std::string& fault : s.activeFaults)
            merged.activeFaults.push_back(fault + " (" + toString(part.color) + ")");
        merged.timeSeconds = std::max(merged.timeSeconds, s.timeSeconds);
        merged.wallTimeUnixMs =
            first ? s.wallTimeUnixMs : std::min(merged.wallTimeUnixMs, s.wallTimeUnixMs);
        first = false;
    }
    merged.total.trafficWeightPercent = 100;
    return merged;
}

}  // namespace pulsco
