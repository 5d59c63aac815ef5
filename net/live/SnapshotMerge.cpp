#include "net/live/SnapshotMerge.h"

#include <algorithm>

namespace pulsco {

std::optional<double> mergedFaultOnset(const std::vector<ColoredSnapshot>& parts) {
    // The basis of the merged clock: the part with the longest uptime (the
    // merge's timeSeconds is the max of the parts').
    const MetricsSnapshot* basis = nullptr;
    for (const ColoredSnapshot& part : parts)
        if (part.snapshot && (!basis || part.snapshot->timeSeconds > basis->timeSeconds))
            basis = part.snapshot.get();
    if (!basis)
        return std::nullopt;
    std::optional<double> earliest;
    for (const ColoredSnapshot& part : parts) {
        if (!part.snapshot || !part.snapshot->faultOnsetSeconds)
            continue;
        const MetricsSnapshot& s = *part.snapshot;
        const double ageSeconds = s.timeSeconds - *s.faultOnsetSeconds;
        // Wall times unknown on either side: assume both were sampled at
        // the same moment, so only the fault's age moves it.
        const bool walls = s.wallTimeUnixMs > 0 && basis->wallTimeUnixMs > 0;
        const double sampledBeforeBasisSeconds =
            walls ? (basis->wallTimeUnixMs - s.wallTimeUnixMs) / 1000.0 : 0.0;
        const double onset =
            std::max(0.0, basis->timeSeconds - sampledBeforeBasisSeconds - ageSeconds);
        if (!earliest || onset < *earliest)
            earliest = onset;
    }
    return earliest;
}

std::optional<AvailabilityHistory> mergedAvailability(const std::vector<ColoredSnapshot>& parts) {
    // The service was up when every server was: the records intersected.
    // A server without a record (older than the up record) makes the set's
    // availability unknown, not whatever the others say.
    std::optional<AvailabilityHistory> merged;
    for (const ColoredSnapshot& part : parts) {
        if (!part.snapshot)
            continue;
        if (!part.snapshot->availability)
            return std::nullopt;
        merged = merged ? intersectAvailability(*merged, *part.snapshot->availability)
                        : *part.snapshot->availability;
    }
    return merged;
}

std::optional<StoreMaintenanceReport>
mergedStoreMaintenance(const std::vector<ColoredSnapshot>& parts) {
    // Every store needs its own verified backup, so the set has as many as
    // its least covered server (a server that has not reported counts as
    // none). A migration round trip or a restore drill on any one server
    // shows the scripts and the procedure work: the most any server has.
    // Never a sum: two servers may share one database.
    std::optional<StoreMaintenanceReport> merged;
    bool anyMissing = false;
    for (const ColoredSnapshot& part : parts) {
        if (!part.snapshot)
            continue;
        const std::optional<StoreMaintenanceReport>& r = part.snapshot->storeMaintenance;
        if (!r) {
            anyMissing = true;
            continue;
        }
        if (!merged) {
            merged = *r;
            merged->latest.clear();
        } else {
            merged->migrationRoundTrips =
                std::max(merged->migrationRoundTrips, r->migrationRoundTrips);
            merged->restoreDrills = std::max(merged->restoreDrills, r->restoreDrills);
            merged->verifiedBackups = std::min(merged->verifiedBackups, r->verifiedBackups);
        }
        for (MaintenanceRecord record : r->latest) {
            record.command = std::string(toString(part.color)) + ": " + record.command;
            merged->latest.push_back(std::move(record));
        }
    }
    if (merged && anyMissing)
        merged->verifiedBackups = 0;
    if (merged)
        std::stable_sort(merged->latest.begin(), merged->latest.end(),
                         [](const MaintenanceRecord& a, const MaintenanceRecord& b) {
                             return a.atUnixMs < b.atUnixMs;
                         });
    return merged;
}

std::optional<IntegrityReport> mergedIntegrity(const std::vector<ColoredSnapshot>& parts) {
    // One server's failed audit fails the set (the data-inconsistency
    // trigger must see a bad green however clean blue is). All must have
    // audited for the set to be ok: a server that has not audited yet is no
    // evidence, so the set is no data rather than a pass.
    std::optional<IntegrityReport> merged;
    bool missing = false;
    for (const ColoredSnapshot& part : parts) {
        if (!part.snapshot)
            continue;
        const std::optional<IntegrityReport>& r = part.snapshot->integrity;
        if (!r) {
            missing = true;
            continue;
        }
        if (!merged) {
            merged = IntegrityReport{};
            merged->atSeconds = r->atSeconds;
        }
        merged->ok = merged->ok && r->ok;
        merged->violations += r->violations;
        // Each violation names its server's colour: record ids are per server.
        for (const std::string& v : r->firstViolations)
            merged->firstViolations.push_back(std::string(toString(part.color)) + ": " + v);
        // The first store that reports a problem, named; else ok if any
        // store ran its check; "none" only when none has one.
        const bool problem = r->storeCheck != "ok" && r->storeCheck != "none";
        const bool mergedProblem = merged->storeCheck != "ok" && merged->storeCheck != "none";
        if (problem && !mergedProblem)
            merged->storeCheck = std::string(toString(part.color)) + ": " + r->storeCheck;
        else if (r->storeCheck == "ok" && merged->storeCheck == "none")
            merged->storeCheck = "ok";
        merged->inFlightExcluded += r->inFlightExcluded;
        merged->durationMs = std::max(merged->durationMs, r->durationMs);
        // The oldest of the parts' audits: the set is known as of then.
        merged->atSeconds = std::min(merged->atSeconds, r->atSeconds);
    }
    if (merged && merged->ok && missing)
        return std::nullopt;
    return merged;
}

MetricsSnapshot mergeServerSnapshots(const std::vector<ColoredSnapshot>& parts) {
    MetricsSnapshot merged;
    merged.source = "live";
    // Live servers are never a rehearsal; with no part, say staging (the
    // servers' default) rather than the struct's rehearsal.
    merged.environment = DeploymentEnvironment::Staging;
    bool first = true;
    for (const ColoredSnapshot& part : parts) {
        if (!part.snapshot)
            continue;
        const MetricsSnapshot& s = *part.snapshot;
        // A server reports its own figures in `total` (its color holds the
        // same, the other color is empty).
        const EnvironmentMetrics& own = s.total;
        EnvironmentMetrics& colorEnv = part.color == Color::Green ? merged.green : merged.blue;
        // No weight is taken from a server: the merged requests measure it.
        mergeInto(colorEnv, own);
        mergeInto(merged.total, own);
        merged.playersOnline += s.playersOnline;
        merged.playersInQueue += s.playersInQueue;
        merged.playersInMatch += s.playersInMatch;
        for (const auto& [name, region] : s.regions) {
            const bool first = !merged.regions.contains(name);
            RegionMetrics& r = merged.regions[name];
            r.playersOnline += region.playersOnline;
            r.playersInQueue += region.playersInQueue;
            r.matchesTotal += region.matchesTotal;
            r.ticketWaitSeconds.merge(region.ticketWaitSeconds);
            r.reachable = r.reachable && region.reachable;
            // Shed for the service only when every server sheds it: a server
            // still taking the region's tickets still pages for it.
            r.shed = first ? region.shed : r.shed && region.shed;
        }
        merged.tickDurationMs.merge(s.tickDurationMs);
        merged.conservationOk = merged.conservationOk && s.conservationOk;
        // Each server words its faults with its own colour (describeFault).
        merged.activeFaults.insert(merged.activeFaults.end(), s.activeFaults.begin(),
                                   s.activeFaults.end());
        merged.timeSeconds = std::max(merged.timeSeconds, s.timeSeconds);
        merged.wallTimeUnixMs =
            first ? s.wallTimeUnixMs : std::min(merged.wallTimeUnixMs, s.wallTimeUnixMs);
        if (first)
            merged.environment = s.environment;
        first = false;
    }
    // This moment's sums, never the servers' own peaks added up (they need
    // not have peaked together: two servers that each peaked at 600 players
    // at different times never had 1200 at once). MergedPeaks takes the
    // maximum of these over the merges it sees.
    merged.concurrentPlayersPeak = merged.playersOnline;
    merged.queueDepthPeak = merged.total.tickets.searching;
    merged.faultOnsetSeconds = mergedFaultOnset(parts);
    merged.integrity = mergedIntegrity(parts);
    merged.availability = mergedAvailability(parts);
    merged.storeMaintenance = mergedStoreMaintenance(parts);
    return merged;
}

}  // namespace pulsco
