#include "net/server/ServerMetrics.h"

#include "core/QueueSnapshots.h"
#include "net/prometheus/PrometheusTextWriter.h"

#include <QDateTime>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace pulsco {

ServerMetrics::ServerMetrics(const QueueConfig& config, Color color,
                             DeploymentEnvironment environment, std::string source)
    : m_config(config)
    , m_color(color)
    , m_environment(environment)
    , m_source(std::move(source))
    , m_matchesByQueue(config.queues.size())
    , m_matchesByRegion(config.regions.size())
    , m_waitByRegion(config.regions.size())
    , m_inQueueByRegion(config.regions.size())
    , m_inMatchByRegion(config.regions.size()) {}

namespace {
void addTo(std::vector<std::uint64_t>& byRegion, int region, int players) {
    if (region >= 0 && std::size_t(region) < byRegion.size())
        byRegion[std::size_t(region)] += std::uint64_t(std::max(0, players));
}
void takeFrom(std::vector<std::uint64_t>& byRegion, int region, int players) {
    if (region >= 0 && std::size_t(region) < byRegion.size()) {
        auto& n = byRegion[std::size_t(region)];
        n -= std::min<std::uint64_t>(n, std::uint64_t(std::max(0, players)));
    }
}
// Ticket wait buckets (seconds), overall and per region alike.
const std::vector<double> kWaitBucketBounds = {0.5, 1,  2,  5,   10,  15,  20, 30,
                                               45,  60, 90, 120, 180, 300, 600};
}  // namespace

const std::vector<double>& latencyBucketBounds() {
    // About 10 % apart from 0.1 ms to 10 s, so histogram_quantile's
    // interpolation inside a bucket stays within 10 % of the true percentile
    // (on loopback an answer takes well under 1 ms: the range starts below
    // it), with the plan's bars 0.15 and 5 s as bounds of their own.
    static const std::vector<double> bounds = [] {
        // Geometric between anchors, each step at most 9.5 % before rounding
        // to four significant digits (which moves a bound by 0.05 % at
        // most), so the anchors are bounds themselves and no step passes 10 %.
        constexpr double kAnchors[] = {0.0001, 0.15, 5, 10};
        std::vector<double> out;
        for (std::size_t a = 0; a + 1 < std::size(kAnchors); ++a) {
            const double from = kAnchors[a], to = kAnchors[a + 1];
            const int steps = int(std::ceil(std::log(to / from) / std::log(1.095)));
            for (int k = 0; k < steps; ++k) {
                char text[32];
                std::snprintf(text, sizeof text, "%.4g",
                              from * std::pow(to / from, double(k) / steps));
                out.push_back(std::strtod(text, nullptr));
            }
        }
        out.push_back(kAnchors[std::size(kAnchors) - 1]);
        out.erase(std::unique(out.begin(), out.end()), out.end());
        return out;
    }();
    return bounds;
}

std::int64_t ServerMetrics::secondOf(double now) {
    return static_cast<std::int64_t>(std::floor(now));
}

void ServerMetrics::recordHttp(int status, double latencyMs, double now, HttpRoute route,
                               HttpMethod method) {
    RouteFigures& figures = m_byRoute[std::size_t(routeTag(route, method))];
    ++figures.byStatus[status];
    figures.latencyMs.record(latencyMs);
    if (trafficClassOf(route) != TrafficClass::Api)
        return;  // counted above, and nowhere a user's figure is read
    ++m_requests;
    m_latencyMs.record(latencyMs);
    m_recent.recordRequest(secondOf(now), latencyMs, status >= 500);
    if (status >= 500) {
        ++m_errors;
        ++m_errorsByStatus[std::to_string(status)];
    }
}

void ServerMetrics::ticketCreated(int players, int region, double now) {
    ++m_tickets.created;
    m_recent.recordTicketCreated(secondOf(now));
    ++m_tickets.searching;
    addTo(m_inQueueByRegion, region, players);
}

void ServerMetrics::ticketRestored(int players, int region) {
    ++m_tickets.created;
    ++m_tickets.searching;
    addTo(m_inQueueByRegion, region, players);
}

void ServerMetrics::ticketFinished(TicketState state, double /*waitSeconds*/, int players,
                                   int region, double /*now*/) {
    if (m_tickets.searching > 0)
        --m_tickets.searching;
    takeFrom(m_inQueueByRegion, region, players);
    switch (state) {
    case TicketState::Matched:
        ++m_tickets.matched;
        break;
    case TicketState::Expired:
        ++m_tickets.expired;
        break;
    case TicketState::Cancelled:
        ++m_tickets.cancelled;
        break;
    case TicketState::Searching:
        break;
    }
}

void ServerMetrics::ticketMatched(int region, double waitSeconds, double now) {
    m_waitSeconds.record(waitSeconds);
    m_recent.recordWait(secondOf(now), waitSeconds);
    if (region >= 0 && std::size_t(region) < m_waitByRegion.size())
        m_waitByRegion[std::size_t(region)].record(waitSeconds);
}

void ServerMetrics::matchFormed(int queue, int region, double quality, int players, double now) {
    ++m_matches;
    if (queue >= 0 && std::size_t(queue) < m_matchesByQueue.size())
        ++m_matchesByQueue[std::size_t(queue)];
    if (region >= 0 && std::size_t(region) < m_matchesByRegion.size())
        ++m_matchesByRegion[std::size_t(region)];
    m_quality.record(quality);
    m_recent.recordMatch(secondOf(now));
    m_playersInMatch += std::uint64_t(players);
    addTo(m_inMatchByRegion, region, players);
}

void ServerMetrics::matchResulted(int region, int players) {
    m_playersInMatch -= std::min<std::uint64_t>(m_playersInMatch, std::uint64_t(players));
    takeFrom(m_inMatchByRegion, region, players);
}

MetricsSnapshot ServerMetrics::snapshot(const std::vector<QueueStatus>& queues, double now,
                                        double wallUnixMs) {
    MetricsSnapshot s;
    s.source = m_source;
    s.sequence = ++m_sequence;
    s.timeSeconds = now;
    s.wallTimeUnixMs = wallUnixMs;
    s.speed = 1.0;

    EnvironmentMetrics& e = s.total;
    e.tickets = m_tickets;
    e.matchesTotal = m_matches;
    e.requestsTotal = m_requests;
    e.errorsTotal = m_errors;
    e.errorsByCode = m_errorsByStatus;
    e.ticketWaitSeconds = m_waitSeconds;
    e.apiLatencyMs = m_latencyMs;
    e.matchQuality = m_quality;
    m_recent.fill(e, secondOf(now));
    const std::uint64_t playersInQueue = appendQueueSnapshots(queues, m_matchesByQueue, e.queues);
    // This server is one color; the other color's figures stay empty. It
    // declares no weight: what share of the traffic it takes is measured by
    // whoever sees both colours (traffic_weight), and set by the traffic
    // controller (requested_weight), never said by a server about itself.
    (m_color == Color::Blue ? s.blue : s.green) = e;

    s.playersInQueue = playersInQueue;
    s.playersInMatch = m_playersInMatch;
    s.playersOnline = playersInQueue + m_playersInMatch;
    m_peakPlayers = std::max(m_peakPlayers, s.playersOnline);
    m_peakQueueDepth = std::max(m_peakQueueDepth, e.tickets.searching);
    s.queueDepthPeak = m_peakQueueDepth;
    s.concurrentPlayersPeak = m_peakPlayers;
    for (std::size_t r = 0; r < m_config.regions.size(); ++r)
        s.regions[m_config.regions[r]] = regionFigures(r);
    s.tickDurationMs = m_tickMs;
    s.conservationOk = m_tickets.created == m_tickets.matched + m_tickets.expired +
                                                m_tickets.cancelled + m_tickets.searching;
    s.environment = m_environment;
    s.activeFaults = m_faults;
    s.faultOnsetSeconds = m_faultOnset;
    s.integrity = m_integrity;
    s.storeMaintenance = m_storeMaintenance;
    s.availability = availabilityAt(wallUnixMs);
    return s;
}

RegionMetrics ServerMetrics::regionFigures(std::size_t r) const {
    RegionMetrics region;
    region.matchesTotal = m_matchesByRegion[r];
    region.ticketWaitSeconds = m_waitByRegion[r];
    region.playersInQueue = m_inQueueByRegion[r];
    region.playersOnline = m_inQueueByRegion[r] + m_inMatchByRegion[r];
    region.reachable =
        std::find(m_regionsOut.begin(), m_regionsOut.end(), int(r)) == m_regionsOut.end();
    region.shed =
        std::find(m_regionsShed.begin(), m_regionsShed.end(), int(r)) != m_regionsShed.end();
    return region;
}

std::optional<AvailabilityHistory> ServerMetrics::availabilityAt(double wallUnixMs) const {
    if (!m_availability)
        return std::nullopt;
    // From the last committed heartbeat to now is not on record yet: it
    // counts as down until the next beat commits (a few seconds' lag,
    // never time nobody recorded counted as up).
    AvailabilityHistory h = *m_availability;
    h.nowSeconds = std::max(h.nowSeconds, wallUnixMs / 1000.0);
    return h;
}

QByteArray ServerMetrics::prometheusText(const std::vector<QueueStatus>& queues, bool ready,
                                         const StoreFigures& store) const {
    PrometheusTextWriter w;
    w.family("pulsco_info", "gauge",
             "Constant 1, labelled with the server's color and environment (--environment).");
    w.sample("pulsco_info",
             {{"color", toString(m_color)}, {"environment", toString(m_environment)}}, 1);
    w.single("pulsco_ready", "gauge",
             "1 when the server accepts tickets (store open, not draining).", ready ? 1 : 0);

    w.family("pulsco_ticket_wait_seconds", "histogram",
             "Time from ticket accepted to match formed, matched tickets only.");
    w.histogram("pulsco_ticket_wait_seconds", {}, m_waitSeconds, kWaitBucketBounds);
    w.family("pulsco_match_quality", "histogram",
             "Predicted quality of the matches formed: 0 poor, 1 perfect (the console's match "
             "quality chart).");
    w.histogram("pulsco_match_quality", {}, m_quality,
                {0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5,
                 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1});
    // Every route and method that has answered, labelled with its class.
    const auto forEachRoute = [this](const auto& visit) {
        for (int r = 0; r < kHttpRoutes; ++r) {
            for (int m = 0; m < kHttpMethods; ++m) {
                const auto route = HttpRoute(r);
                const auto method = HttpMethod(m);
                const RouteFigures& figures = m_byRoute[std::size_t(routeTag(route, method))];
                if (figures.byStatus.empty())
                    continue;
                visit(PrometheusTextWriter::Labels{{"class", toString(trafficClassOf(route))},
                                                   {"route", routeTemplate(route)},
                                                   {"method", toString(method)}},
                      figures);
            }
        }
    };
    w.family("pulsco_http_request_duration_seconds", "histogram",
             "Time from request parsed to answer written, by route template and method; class "
             "api is the matchmaking API (tickets, matches), the user traffic.");
    forEachRoute([&](const PrometheusTextWriter::Labels& labels, const RouteFigures& figures) {
        if (figures.latencyMs.count() > 0)
            w.histogram("pulsco_http_request_duration_seconds", labels, figures.latencyMs,
                        latencyBucketBounds(), 0.001);
    });
    w.family("pulsco_queue_depth", "gauge", "Tickets searching, by queue.");
    for (const QueueStatus& q : queues)
        w.sample("pulsco_queue_depth", {{"queue", QByteArray::fromStdString(q.name)}}, q.depth);
    w.family("pulsco_queue_oldest_wait_seconds", "gauge",
             "Wait of the oldest searching ticket, by queue.");
    for (const QueueStatus& q : queues)
        w.sample("pulsco_queue_oldest_wait_seconds", {{"queue", QByteArray::fromStdString(q.name)}},
                 q.oldestWaitSeconds);
    // Per region, as the console's Regions tab shows them: where the
    // parties are homed (lowest worst ping) and where their matches are
    // hosted. Reachable and shed let a rule tell an outage that pages from
    // one an operator has already taken out of service.
    std::vector<RegionMetrics> regions;
    for (std::size_t r = 0; r < m_config.regions.size(); ++r)
        regions.push_back(regionFigures(r));
    const auto byRegion = [this](std::size_t r) {
        return PrometheusTextWriter::Labels{
            {"region", QByteArray::fromStdString(m_config.regions[r])}};
    };
    const auto perRegion = [&](const QByteArray& name, const QByteArray& type,
                               const QByteArray& help, auto figure) {
        w.family(name, type, help);
        for (std::size_t r = 0; r < regions.size(); ++r)
            w.sample(name, byRegion(r), double(figure(regions[r])));
    };
    perRegion("pulsco_region_players_in_queue", "gauge",
              "Players searching, by the region their party is homed in.",
              [](const RegionMetrics& m) { return m.playersInQueue; });
    perRegion("pulsco_region_players_online", "gauge",
              "Players searching or in a match not yet resulted, by region.",
              [](const RegionMetrics& m) { return m.playersOnline; });
    perRegion("pulsco_region_matches_total", "counter",
              "Matches formed since the server started, by the region hosting them.",
              [](const RegionMetrics& m) { return m.matchesTotal; });
    perRegion("pulsco_region_reachable", "gauge",
              "0 while a region_outage fault cuts the region off, else 1.",
              [](const RegionMetrics& m) { return m.reachable ? 1 : 0; });
    perRegion("pulsco_region_shed", "gauge",
              "1 while an operator has shed the region (POST /v1/admin/regions/shed): no match "
              "is hosted there and its parties play in their nearest other region.",
              [](const RegionMetrics& m) { return m.shed ? 1 : 0; });
    w.family("pulsco_region_ticket_wait_seconds", "histogram",
             "Time from ticket accepted to match formed, by the region hosting the match.");
    for (std::size_t r = 0; r < regions.size(); ++r)
        w.histogram("pulsco_region_ticket_wait_seconds", byRegion(r), regions[r].ticketWaitSeconds,
                    kWaitBucketBounds);
    std::uint64_t playersInQueue = 0;
    for (const QueueStatus& q : queues)
        playersInQueue += std::uint64_t(q.playersSearching);
    w.single("pulsco_players_in_queue", "gauge", "Players in the parties of the searching tickets.",
             double(playersInQueue));
    w.single("pulsco_players_in_match", "gauge",
             "Players in matches formed whose result is not reported yet.",
             double(m_playersInMatch));
    w.single("pulsco_matches_total", "counter", "Matches formed since the server started.",
             double(m_matches));
    w.family("pulsco_tickets_total", "counter", "Tickets by outcome since the server started.");
    w.sample("pulsco_tickets_total", {{"state", "created"}}, double(m_tickets.created));
    w.sample("pulsco_tickets_total", {{"state", "matched"}}, double(m_tickets.matched));
    w.sample("pulsco_tickets_total", {{"state", "expired"}}, double(m_tickets.expired));
    w.sample("pulsco_tickets_total", {{"state", "cancelled"}}, double(m_tickets.cancelled));
    w.single("pulsco_tickets_searching", "gauge", "Tickets searching now.",
             double(m_tickets.searching));
    w.family("pulsco_http_requests_total", "counter",
             "HTTP answers by class (api: tickets and matches; monitoring: stats, metrics, "
             "health, info, queues, events, integrity; admin; other: no route), route template, "
             "method and status code.");
    forEachRoute([&](const PrometheusTextWriter::Labels& labels, const RouteFigures& figures) {
        for (const auto& [code, count] : figures.byStatus) {
            PrometheusTextWriter::Labels withCode = labels;
            withCode.append({"code", QByteArray::number(code)});
            w.sample("pulsco_http_requests_total", withCode, double(count));
        }
    });
    w.single("pulsco_store_batches_total", "counter",
             "Store transactions committed (one fsync each).", double(store.batches));
    w.single("pulsco_store_writes_total", "counter", "Rows written through group commit.",
             double(store.writes));
    w.single("pulsco_store_commit_seconds_total", "counter",
             "Time spent applying and committing batches.", store.commitSeconds);
    w.single("pulsco_ratings_in_memory", "gauge",
             "Ratings held in memory: one per player who has had a match result.",
             double(store.ratingsInMemory));
    w.single("pulsco_store_unwritten_updates", "gauge",
             "Matches formed and tickets matched or expired that the store refused; "
             "written again every tick until it takes them.",
             double(store.unwrittenUpdates));
    w.single("pulsco_store_queued_matchmaker_writes", "gauge",
             "Rows of matches formed and tickets matched or expired still queued behind the "
             "requests' writes (handed to the store a chunk at a time).",
             double(store.queuedMatchmakerWrites));
    w.single("pulsco_tickets_in_memory", "gauge",
             "Tickets held in memory: searching ones and the newest finished ones "
             "(--memory-tickets).",
             double(store.ticketsInMemory));
    w.single("pulsco_matches_in_memory", "gauge",
             "Matches held in memory, the newest ones (--memory-matches).",
             double(store.matchesInMemory));
    w.single("pulsco_recording_active", "gauge",
             "1 while the arrival stream is recorded (--record, POST /v1/admin/recording).",
             store.recording ? 1 : 0);
    w.single("pulsco_recording_events_total", "counter",
             "Arrival events (tickets, cancels, results) written to the recording.",
             double(store.recordedEvents));
    w.single("pulsco_recording_lost_events_total", "counter",
             "Arrival events the recording could not keep (the disk was behind, or a write "
             "failed); the API was not slowed: each loss is a gap line in the file.",
             double(store.recordLostEvents));
    w.single("pulsco_recording_gaps_total", "counter",
             "Gap lines written to the recording (where events were lost).",
             double(store.recordGaps));
    w.single("pulsco_recording_bytes_total", "counter", "Bytes written to the recording.",
             double(store.recordBytes));
    // Absent before the first audit: no figure, rather than a 1 nothing earned.
    if (m_integrity)
        w.single("pulsco_integrity_ok", "gauge",
                 "1 when the last integrity audit (store against memory) found nothing, else 0; "
                 "absent before the first audit.",
                 m_integrity->ok ? 1 : 0);
    w.single("pulsco_integrity_audits_total", "counter", "Integrity audits completed.",
             double(m_integrityAudits));
    w.single("pulsco_integrity_violations_total", "counter",
             "Violations found, summed over the audits (one that persists counts in each); "
             "grows while the data is inconsistent.",
             double(m_integrityViolations));
    if (m_storeMaintenance) {
        w.single("pulsco_store_migration_round_trips", "gauge",
                 "Migrations down and back up that kept every row, per the store's maintenance "
                 "log (pulsco-matchd migrate).",
                 double(m_storeMaintenance->migrationRoundTrips));
        w.single("pulsco_store_verified_backups", "gauge",
                 "Backups of this store that pulsco-matchd verify found sound.",
                 double(m_storeMaintenance->verifiedBackups));
        w.single("pulsco_store_restore_drills", "gauge",
                 "Sound restores into this store (pulsco-matchd restore).",
                 double(m_storeMaintenance->restoreDrills));
    }
    if (const auto history = availabilityAt(double(QDateTime::currentMSecsSinceEpoch()))) {
        constexpr double kWindows[] = {3600.0, 86400.0, 604800.0};
        const auto labels = [](double window) {
            return PrometheusTextWriter::Labels{
                {"window", PrometheusTextWriter::formatValue(window)}};
        };
        w.family("pulsco_availability_ratio", "gauge",
                 "Share of the window (seconds) the server was up, from its heartbeat record, "
                 "over the part of the window the record covers.");
        for (const double window : kWindows)
            if (const AvailabilityFigure f = availabilityOver(*history, window); f.hasRatio())
                w.sample("pulsco_availability_ratio", labels(window), f.ratio());
        w.family("pulsco_availability_history_seconds", "gauge",
                 "Seconds of the window (seconds) the heartbeat record covers.");
        for (const double window : kWindows)
            w.sample("pulsco_availability_history_seconds", labels(window),
                     availabilityOver(*history, window).historySeconds);
    }
    w.family("pulsco_tick_duration_seconds", "histogram", "Time one matchmaker tick took.");
    w.histogram("pulsco_tick_duration_seconds", {}, m_tickMs,
                {0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25}, 0.001);
    return w.take();
}

}  // namespace pulsco
