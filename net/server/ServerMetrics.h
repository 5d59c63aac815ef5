// Everything pulsco-matchd measures about itself: HTTP answers, ticket
// outcomes and waits, matches, tick time; with one-second slots for the
// "last 60 s" figures. Turned into a core MetricsSnapshot (GET /v1/stats,
// /v1/events) and Prometheus text (GET /metrics).
#pragma once

#include "core/Fault.h"
#include "core/Histogram.h"
#include "core/HomeRegion.h"
#include "core/Matchmaker.h"
#include "core/MetricsSnapshot.h"
#include "core/RecentWindow.h"
#include "net/server/TrafficClass.h"

#include <QByteArray>

#include <array>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pulsco {

// The upper bounds (seconds) of pulsco_http_request_duration_seconds.
const std::vector<double>& latencyBucketBounds();

class ServerMetrics {
public:
    ServerMetrics(const QueueConfig& config, Color color, DeploymentEnvironment environment,
                  std::string source);

    // Every answer is counted by class and status (/metrics). Only answers
    // of the matchmaking API (TrafficClass::Api) are the snapshot's user
    // figures: requests_total, the API latency histogram, the recent window
    // and the errors. Of those, only 5xx answers count as errors
    // (errors_total, errors_by_code, recent_errors), as in the simulator: a
    // 4xx is the client's mistake, not a failure of the service
    // (docs/snapshot-schema.md).
    void recordHttp(int status, double latencyMs, double now, HttpRoute route, HttpMethod method);
    // `region`: the ticket's home region (homeRegion), -1 if none.
    void ticketCreated(int players, int region, double now);
    // Re-queued after a restart: searching, created earlier.
    void ticketRestored(int players, int region);
    void ticketFinished(TicketState state, double waitSeconds, int players, int region, double now);
    void ticketMatched(int region, double waitSeconds, double now);
    void matchFormed(int queue, int region, double quality, int players, double now);
    void matchResulted(int region, int players);  // its players leave "in match"
    void tickDuration(double ms) { m_tickMs.record(ms); }
    // The faults in force and when the earliest of them began (server
    // uptime, the snapshot's time_s clock); no onset when none runs.
    void setActiveFaults(std::vector<std::string> faults, std::optional<double> onsetSeconds) {
        m_faults = std::move(faults);
        m_faultOnset = onsetSeconds;
    }

    // The regions (config indices) a region_outage has taken out: their
    // snapshot regions say unreachable, as the simulator's do, so the
    // region-unreachable alert reads the same on both.
    void setRegionsOut(std::vector<int> regions) { m_regionsOut = std::move(regions); }
    // The regions an operator has shed (MatchService::setRegionsShed).
    void setRegionsShed(std::vector<int> regions) { m_regionsShed = std::move(regions); }

    // An integrity audit completed (net/server/IntegrityAudit): every
    // snapshot from now on carries it, and /metrics its figures.
    void integrityAudited(const IntegrityReport& report) {
        m_integrity = report;
        ++m_integrityAudits;
        m_integrityViolations += report.violations;
    }

    // What the store's maintenance log amounts to (net/store/MaintenanceLog),
    // as last read: every snapshot carries it, /metrics its counts.
    void setStoreMaintenance(StoreMaintenanceReport report) {
        m_storeMaintenance = std::move(report);
    }

    // The server's up record (net/server/UptimeLedger) after a heartbeat
    // committed; snapshots and /metrics read it up to their own now.
    void setAvailability(AvailabilityHistory history) { m_availability = std::move(history); }

    // A snapshot of now; `queues` from Matchmaker::queueStatus.
    MetricsSnapshot snapshot(const std::vector<QueueStatus>& queues, double now, double wallUnixMs);
    struct StoreFigures {
        quint64 batches = 0;
        quint64 writes = 0;
        double commitSeconds = 0;
        // The server's own bookkeeping, for memory and disk-outage watch.
        quint64 ticketsInMemory = 0;
        quint64 matchesInMemory = 0;
        quint64 ratingsInMemory = 0;
        quint64 unwrittenUpdates = 0;        // matchmaker writes waiting for the disk
        quint64 queuedMatchmakerWrites = 0;  // matchmaker writes not yet handed to the store
        // The arrival recording (--record): whether one runs, and its
        // counts over the server's life.
        bool recording = false;
        quint64 recordedEvents = 0;
        quint64 recordLostEvents = 0;
        quint64 recordGaps = 0;
        quint64 recordBytes = 0;
    };
    QByteArray prometheusText(const std::vector<QueueStatus>& queues, bool ready,
                              const StoreFigures& store) const;

    std::uint64_t requestsTotal() const { return m_requests; }
    std::uint64_t ticketsSearching() const { return m_tickets.searching; }
    std::uint64_t matchesTotal() const { return m_matches; }

private:
    // The recent window counts whole seconds of the server's uptime.
    static std::int64_t secondOf(double now);
    // Region `r`'s figures (an index into the config's regions), for the
    // snapshot and /metrics alike.
    RegionMetrics regionFigures(std::size_t r) const;

    QueueConfig m_config;
    Color m_color;
    DeploymentEnvironment m_environment;
    std::string m_source;
    std::uint64_t m_sequence = 0;

    // Per route template and method (routeTag's index), every class: answers
    // by status code and their latency, for /metrics.
    struct RouteFigures {
        std::map<int, std::uint64_t> byStatus;
        Histogram latencyMs;
    };
    std::array<RouteFigures, kHttpRoutes * kHttpMethods> m_byRoute;
    std::uint64_t m_requests = 0;  // API answers only, as the rest below
    std::uint64_t m_errors = 0;
    std::map<std::string, std::uint64_t> m_errorsByStatus;  // 5xx only
    Histogram m_latencyMs;
    TicketCounts m_tickets;
    Histogram m_waitSeconds;
    Histogram m_quality;
    std::uint64_t m_matches = 0;
    std::vector<std::uint64_t> m_matchesByQueue;
    std::vector<std::uint64_t> m_matchesByRegion;
    std::vector<Histogram> m_waitByRegion;
    std::vector<std::uint64_t> m_inQueueByRegion;
    std::vector<std::uint64_t> m_inMatchByRegion;
    std::uint64_t m_playersInMatch = 0;
    std::uint64_t m_peakPlayers = 0;
    std::uint64_t m_peakQueueDepth = 0;  // tickets searching, highest at a snapshot
    Histogram m_tickMs;
    std::vector<std::string> m_faults;
    std::optional<double> m_faultOnset;
    std::vector<int> m_regionsOut;
    std::vector<int> m_regionsShed;
    RecentWindow m_recent;
    std::optional<IntegrityReport> m_integrity;
    std::optional<StoreMaintenanceReport> m_storeMaintenance;
    std::optional<AvailabilityHistory> m_availability;
    // The record up to `wallUnixMs`; none before the first heartbeat.
    std::optional<AvailabilityHistory> availabilityAt(double wallUnixMs) const;
    std::uint64_t m_integrityAudits = 0;
    std::uint64_t m_integrityViolations = 0;  // summed over audits
};

}  // namespace pulsco
