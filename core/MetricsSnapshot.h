// The one schema of what a Source reports. The simulator emits it, and
// pulsco-matchd serves it as GET /v1/stats (JSON codec in bridge/).
#pragma once

#include "core/Availability.h"
#include "core/DeploymentEnvironment.h"
#include "core/Histogram.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pulsco {

struct TicketCounts {
    std::uint64_t created = 0;  // accepted tickets, cumulative
    std::uint64_t matched = 0;
    std::uint64_t expired = 0;
    std::uint64_t cancelled = 0;
    std::uint64_t searching = 0;  // gauge: created - matched - expired - cancelled
    bool operator==(const TicketCounts&) const = default;
};

struct QueueSnapshot {
    std::string name;
    std::uint64_t depth = 0;  // tickets searching
    std::uint64_t playersSearching = 0;
    double oldestWaitSeconds = 0;
    std::uint64_t matchesTotal = 0;
    bool operator==(const QueueSnapshot&) const = default;
};

// Everything measured for one environment (blue or green) or in total.
struct EnvironmentMetrics {
    // The share of new traffic the traffic controller was asked to route
    // here and read back as in effect (the simulator's own setting; for live
    // servers, what HAProxy, the webhook's switch or the operator confirmed).
    // None when nothing controls the traffic. What the traffic really did is
    // measured apart: measuredWeightPercent().
    std::optional<int> requestedWeightPercent;
    TicketCounts tickets;
    std::uint64_t matchesTotal = 0;
    double matchesPerMinute = 0;        // over the last minute
    std::uint64_t twoTeamMatches = 0;   // matches between two teams
    std::uint64_t balancedMatches = 0;  // two-team matches predicted 40-60 % either way
    std::uint64_t requestsTotal = 0;    // API requests served
    std::uint64_t errorsTotal = 0;      // API requests that failed (5xx, timeouts)
    std::map<std::string, std::uint64_t> errorsByCode;  // "503", "timeout", ...
    Histogram ticketWaitSeconds;                        // cumulative since start
    Histogram apiLatencyMs;                             // cumulative since start
    Histogram matchQuality;                             // cumulative since start, values in [0,1]
    // Recent window (last 60 s) for live figures and gates.
    Histogram recentApiLatencyMs;
    Histogram recentTicketWaitSeconds;
    std::uint64_t recentRequests = 0;
    // Tickets accepted in the recent window: the new traffic a blue-green
    // weight routes (follow-up requests go to the ticket's own server).
    std::uint64_t recentTicketsCreated = 0;
    std::uint64_t recentErrors = 0;
    std::vector<QueueSnapshot> queues;
    bool operator==(const EnvironmentMetrics&) const = default;
};

// Adds `from` into `into`: counters and rates summed, histograms merged
// bucket-wise (never averaged), queues matched by name (depths summed, the
// oldest wait kept). How blue + green, and several live servers, make a total.
void mergeInto(EnvironmentMetrics& into, const EnvironmentMetrics& from);

struct RegionMetrics {
    std::uint64_t playersOnline = 0;
    std::uint64_t playersInQueue = 0;
    std::uint64_t matchesTotal = 0;
    Histogram ticketWaitSeconds;
    bool reachable = true;
    // An operator has shed the region (taken it out of service on purpose):
    // no match is hosted there and its players are sent to their nearest
    // other region. Read from the server's admission state, so an outage
    // that has been shed no longer pages as unreachable.
    bool shed = false;
    bool operator==(const RegionMetrics&) const = default;
};

// The last completed integrity audit. pulsco-matchd runs its store's own
// check and cross-checks the database against the matchmaker's memory at a
// consistent cut; the simulator cross-checks its own books. Unlike
// `conservationOk` (counters that move together), this can fail.
struct IntegrityReport {
    double atSeconds = 0;  // when it completed, on the snapshot's timeSeconds clock
    bool ok = true;
    std::uint64_t violations = 0;              // how many were found in all
    std::vector<std::string> firstViolations;  // the first few, human-readable
    // The store's own check: "ok", its message, or "none" when the store has
    // none (said plainly, not taken as a pass of something that never ran).
    std::string storeCheck = "none";
    std::uint64_t inFlightExcluded = 0;  // writes not yet committed at the cut
    double durationMs = 0;
    bool operator==(const IntegrityReport&) const = default;
};

// Store maintenance a server's store has seen, read from the log its store
// commands write there (pulsco-matchd migrate / backup / verify / restore,
// net/store/MaintenanceLog.h). Each count is of runs that held, judged from
// what the commands measured on disk (row counts before and after, a
// backup's checksum matched by a later verify, the checks of a restore),
// never from a command saying it succeeded.
struct MaintenanceRecord {
    std::string kind;     // "migration_round_trip", "verified_backup", "restore_drill"
    double atUnixMs = 0;  // when the run that completed it ended
    std::string command;  // the command line(s) as run
    bool ok = false;      // held (counted) or not, and figures say why
    std::string figures;  // "schema 5 -> 3 -> 5; tickets 120, matches 20 kept; quick_check ok"
    bool operator==(const MaintenanceRecord&) const = default;
};

struct StoreMaintenanceReport {
    std::uint64_t migrationRoundTrips = 0;  // down and back up, every row kept, store check ok
    std::uint64_t verifiedBackups = 0;      // backups of this store a verify found sound
    std::uint64_t restoreDrills = 0;        // sound restores into this store
    std::vector<MaintenanceRecord> latest;  // the newest few, held or not, oldest first
    bool operator==(const StoreMaintenanceReport&) const = default;
};

struct MetricsSnapshot {
    static constexpr int kFormat = 1;

    std::string source;  // "simulator" or the server's base URL
    // Where these figures come from (core/DeploymentEnvironment.h): a
    // simulator says rehearsal, a server what it was started as.
    DeploymentEnvironment environment = DeploymentEnvironment::Rehearsal;
    std::uint64_t sequence = 0;  // increases by one per snapshot of a source
    double timeSeconds = 0;      // simulated seconds since start, or server uptime
    double wallTimeUnixMs = 0;   // wall clock when taken (0 if unknown)
    double speed = 1.0;          // simulated seconds per wall second (0 = max)
    bool paused = false;

    std::uint64_t playersOnline = 0;
    std::uint64_t playersInQueue = 0;
    std::uint64_t playersInMatch = 0;
    std::uint64_t concurrentPlayersPeak = 0;
    std::uint64_t queueDepthPeak = 0;  // most tickets searching at once (both colours)
    // Spearman correlation of the players' true skill and their rating: only
    // a simulator knows true skill, and it computes this at the end of a run.
    std::optional<double> ratingCorrelation;

    EnvironmentMetrics total;  // blue + green
    EnvironmentMetrics blue;
    EnvironmentMetrics green;
    std::map<std::string, RegionMetrics> regions;

    Histogram tickDurationMs;  // the matchmaker's own tick time, measured for real

    // Conservation: every accepted ticket is searching or in exactly one final
    // state. False means data inconsistency (a rollback trigger).
    bool conservationOk = true;
    std::vector<std::string>
        activeFaults;  // human-readable, e.g. "latency +300 ms on 100 % of requests, green"
    // When the earliest of the active faults began, on timeSeconds' clock.
    // Time to detect counts from here where a source knows (the simulator,
    // an injected fault on a server); none when no fault is active.
    std::optional<double> faultOnsetSeconds;
    // The last completed integrity audit; none before the first one.
    std::optional<IntegrityReport> integrity;
    // When the service was up (core/Availability.h): a server's heartbeat
    // record, the console's readiness probes taken off it, every server of
    // a live source intersected; the simulator's run. None when unknown.
    std::optional<AvailabilityHistory> availability;
    // The store's maintenance evidence (pulsco-matchd); none from a
    // simulator or a server that has not read its store's log yet.
    std::optional<StoreMaintenanceReport> storeMaintenance;

    bool operator==(const MetricsSnapshot&) const = default;
};

// The share of the new traffic `env` took among blue and green: the tickets
// it accepted over the snapshot's recent window (`recentTicketsCreated`: the
// source's 60 s, or a rollout's trigger window once SnapshotWindow has cut
// it), in percent. New tickets are what a weight routes; a ticket's polls,
// cancel and result go to its own server whatever the weight, so a share of
// all requests would lag the weight by ticket lifetimes. Measured, never
// declared: none when neither colour took a ticket. `total`: 100.
std::optional<double> measuredWeightPercent(const MetricsSnapshot& s,
                                            const EnvironmentMetrics& env);

}  // namespace pulsco
