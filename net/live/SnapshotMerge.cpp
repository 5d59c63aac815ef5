#include "net/live/SnapshotMerge.h"

#include <algorithm>

namespace pulsco {

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
        mergeInto(colorEnv, own);
        colorEnv.trafficWeightPercent = std::max(colorEnv.trafficWeightPercent, weight);
        mergeInto(merged.total, own);
        merged.playersOnline += s.playersOnline;
        merged.playersInQueue += s.playersInQueue;
        merged.playersInMatch += s.playersInMatch;
        merged.concurrentPlayersPeak += s.concurrentPlayersPeak;
        // Peaks of several servers add up to a bound on the fleet's peak (they
        // need not have peaked together), as concurrent players do above.
        merged.queueDepthPeak += s.queueDepthPeak;
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
        // Each server words its faults with its own colour (describeFault).
        merged.activeFaults.insert(merged.activeFaults.end(), s.activeFaults.begin(),
                                   s.activeFaults.end());
        merged.timeSeconds = std::max(merged.timeSeconds, s.timeSeconds);
        merged.wallTimeUnixMs =
            first ? s.wallTimeUnixMs : std::min(merged.wallTimeUnixMs, s.wallTimeUnixMs);
        first = false;
    }
    merged.total.trafficWeightPercent = 100;
    return merged;
}

}  // namespace pulsco
