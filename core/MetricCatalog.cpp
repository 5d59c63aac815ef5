#include "core/MetricCatalog.h"

#include "core/Color.h"

#include <algorithm>

namespace pulsco {

namespace {

const std::vector<MetricInfo> kMetrics = {
    {"api_latency_ms", MetricShape::Histogram, "ms", "API request latency, last 60 s"},
    {"api_latency_ms_all", MetricShape::Histogram, "ms", "API request latency since start"},
    {"ticket_wait_s", MetricShape::Histogram, "s", "wait of tickets that ended, last 60 s"},
    {"ticket_wait_s_all", MetricShape::Histogram, "s", "wait of tickets that ended since start"},
    {"match_quality", MetricShape::Histogram, "", "quality of matches formed, 0..1"},
    {"tick_ms", MetricShape::Histogram, "ms", "the matchmaker's own tick time (total scope only)",
     false},
    {"requests", MetricShape::Counter, "", "API requests in the last 60 s"},
    {"errors", MetricShape::Counter, "", "failed API requests in the last 60 s"},
    {"requests_total", MetricShape::Counter, "", "API requests since start"},
    {"errors_total", MetricShape::Counter, "", "failed API requests since start"},
    {"error_rate", MetricShape::Gauge, "", "errors / requests, last 60 s (same as rate(errors))"},
    {"matches", MetricShape::Counter, "", "matches formed since start"},
    {"matches_per_min", MetricShape::Gauge, "1/min", "matches formed in the last minute"},
    {"matches_two_team", MetricShape::Counter, "", "two-team matches formed since start"},
    {"matches_balanced", MetricShape::Counter, "",
     "two-team matches since start whose predicted win chance was 40-60 %"},
    {"tickets_created", MetricShape::Counter, "", "tickets accepted since start"},
    {"tickets_matched", MetricShape::Counter, "", "tickets matched since start"},
    {"tickets_expired", MetricShape::Counter, "", "tickets expired since start"},
    {"tickets_cancelled", MetricShape::Counter, "", "tickets cancelled since start"},
    {"tickets_searching", MetricShape::Gauge, "", "tickets searching now"},
    {"queue_depth", MetricShape::Gauge, "", "tickets searching over all queues"},
    {"queue_depth_peak", MetricShape::Gauge, "", "most tickets searching at once since start",
     false},
    {"oldest_wait_s", MetricShape::Gauge, "s", "oldest searching ticket's wait, any queue"},
    {"traffic_weight", MetricShape::Gauge, "%",
     "measured: the scope's share of the new tickets blue and green took, last 60 s "
     "(a rollout's trigger window in its steps)"},
    {"new_tickets", MetricShape::Counter, "",
     "tickets accepted in the last 60 s: the new traffic a weight routes"},
    {"requested_weight", MetricShape::Gauge, "%",
     "the share of new traffic the traffic controller set and read back; no data when none"},
    {"players_online", MetricShape::Gauge, "", "players logged in (total scope only)", false},
    {"players_in_queue", MetricShape::Gauge, "", "players searching (total scope only)", false},
    {"players_in_match", MetricShape::Gauge, "", "players playing (total scope only)", false},
    {"concurrent_players", MetricShape::Gauge, "", "players online; max() reads the peak", false},
    {"uptime", MetricShape::Gauge, "",
     "availability: share of the window the service was up (a gate's window is its hold)", false},
    {"uptime_history_s", MetricShape::Gauge, "s",
     "seconds of the uptime window the availability history covers", false},
    {"conservation", MetricShape::Gauge, "", "1 (ok) when every ticket is accounted for", false},
    {"integrity", MetricShape::Gauge, "",
     "1 (ok) when the last integrity audit found nothing; no data before the first", false},
    {"migration_round_trips", MetricShape::Counter, "",
     "schema migrations down and back up with every row kept and the store check ok "
     "(pulsco-matchd migrate); no data without a store",
     false},
    {"verified_backups", MetricShape::Counter, "",
     "backups of the store that pulsco-matchd verify found sound (its checksum matched); "
     "no data without a store",
     false},
    {"restore_drills", MetricShape::Counter, "",
     "sound restores into the store the server runs on (pulsco-matchd restore); "
     "no data without a store",
     false},
    {"time_s", MetricShape::Gauge, "s", "source time: simulated seconds or server uptime", false},
    {"rating_correlation", MetricShape::Gauge, "",
     "Spearman correlation of true skill and rating (simulator, end of run)", false},
};

std::optional<double> ratio(double numerator, double denominator) {
    if (denominator <= 0)
        return std::nullopt;
    return numerator / denominator;
}

}  // namespace

const std::vector<MetricInfo>& MetricCatalog::all() {
    return kMetrics;
}

const MetricInfo* MetricCatalog::find(std::string_view name) {
    const auto it = std::find_if(kMetrics.begin(), kMetrics.end(),
                                 [&](const MetricInfo& m) { return m.name == name; });
    return it == kMetrics.end() ? nullptr : &*it;
}

const EnvironmentMetrics* MetricCatalog::environment(const MetricsSnapshot& s,
                                                     std::string_view scope) {
    if (scope.empty())
        return &s.total;
    const std::optional<Color> color = colorFromString(scope);
    if (!color)
        return nullptr;
    return *color == Color::Green ? &s.green : &s.blue;
}

const Histogram* MetricCatalog::histogram(const MetricsSnapshot& s, std::string_view scope,
                                          std::string_view name) {
    const EnvironmentMetrics* env = environment(s, scope);
    if (!env)
        return nullptr;
    if (name == "api_latency_ms")
        return &env->recentApiLatencyMs;
    if (name == "api_latency_ms_all")
        return &env->apiLatencyMs;
    if (name == "ticket_wait_s")
        return &env->recentTicketWaitSeconds;
    if (name == "ticket_wait_s_all")
        return &env->ticketWaitSeconds;
    if (name == "match_quality")
        return &env->matchQuality;
    if (name == "tick_ms")
        return &s.tickDurationMs;
    return nullptr;
}

std::optional<double> MetricCatalog::value(const MetricsSnapshot& s, std::string_view scope,
                                           std::string_view name, double windowSeconds) {
    const EnvironmentMetrics* env = environment(s, scope);
    if (!env)
        return std::nullopt;
    const auto d = [](auto v) { return static_cast<double>(v); };
    if (name == "requests")
        return d(env->recentRequests);
    if (name == "errors")
        return d(env->recentErrors);
    if (name == "requests_total")
        return d(env->requestsTotal);
    if (name == "errors_total")
        return d(env->errorsTotal);
    if (name == "error_rate")
        return rate(s, scope, "errors");
    if (name == "matches")
        return d(env->matchesTotal);
    if (name == "matches_per_min")
        return env->matchesPerMinute;
    if (name == "matches_two_team")
        return d(env->twoTeamMatches);
    if (name == "matches_balanced")
        return d(env->balancedMatches);
    if (name == "tickets_created")
        return d(env->tickets.created);
    if (name == "tickets_matched")
        return d(env->tickets.matched);
    if (name == "tickets_expired")
        return d(env->tickets.expired);
    if (name == "tickets_cancelled")
        return d(env->tickets.cancelled);
    if (name == "tickets_searching")
        return d(env->tickets.searching);
    if (name == "queue_depth") {
        double depth = 0;
        for (const QueueSnapshot& q : env->queues)
            depth += d(q.depth);
        return depth;
    }
    if (name == "queue_depth_peak")
        return d(s.queueDepthPeak);
    if (name == "oldest_wait_s") {
        double oldest = 0;
        for (const QueueSnapshot& q : env->queues)
            oldest = std::max(oldest, q.oldestWaitSeconds);
        return oldest;
    }
    if (name == "new_tickets")
        return d(env->recentTicketsCreated);
    if (name == "traffic_weight")
        return measuredWeightPercent(s, *env);
    if (name == "requested_weight")
        return env->requestedWeightPercent ? std::optional<double>(*env->requestedWeightPercent)
                                           : std::nullopt;
    if (name == "players_online" || name == "concurrent_players")
        return d(s.playersOnline);
    if (name == "players_in_queue")
        return d(s.playersInQueue);
    if (name == "players_in_match")
        return d(s.playersInMatch);
    if (name == "uptime" || name == "uptime_history_s") {
        if (!s.availability)
            return std::nullopt;
        const AvailabilityFigure figure = availabilityOver(*s.availability, windowSeconds);
        if (name == "uptime_history_s")
            return figure.historySeconds;
        return figure.hasRatio() ? std::optional<double>(figure.ratio()) : std::nullopt;
    }
    if (name == "conservation")
        return s.conservationOk ? 1.0 : 0.0;
    if (name == "integrity")
        return s.integrity ? std::optional<double>(s.integrity->ok ? 1.0 : 0.0) : std::nullopt;
    if (name == "migration_round_trips" || name == "verified_backups" || name == "restore_drills") {
        if (!s.storeMaintenance)
            return std::nullopt;
        const StoreMaintenanceReport& m = *s.storeMaintenance;
        return d(name == "migration_round_trips" ? m.migrationRoundTrips
                 : name == "verified_backups"    ? m.verifiedBackups
                                                 : m.restoreDrills);
    }
    if (name == "time_s")
        return s.timeSeconds;
    if (name == "rating_correlation")
        return s.ratingCorrelation;
    return std::nullopt;
}

std::optional<double> MetricCatalog::rate(const MetricsSnapshot& s, std::string_view scope,
                                          std::string_view name) {
    const EnvironmentMetrics* env = environment(s, scope);
    if (!env)
        return std::nullopt;
    const auto d = [](auto v) { return static_cast<double>(v); };
    if (name == "errors")
        return ratio(d(env->recentErrors), d(env->recentRequests));
    if (name == "errors_total")
        return ratio(d(env->errorsTotal), d(env->requestsTotal));
    if (name == "tickets_expired")
        return ratio(d(env->tickets.expired), d(env->tickets.created));
    if (name == "tickets_cancelled")
        return ratio(d(env->tickets.cancelled), d(env->tickets.created));
    if (name == "tickets_matched")
        return ratio(d(env->tickets.matched), d(env->tickets.created));
    if (name == "matches_balanced")
        return ratio(d(env->balancedMatches), d(env->twoTeamMatches));
    return std::nullopt;
}

namespace {
constexpr std::string_view kRates[] = {"errors",          "errors_total",
                                       "tickets_expired", "tickets_cancelled",
                                       "tickets_matched", "matches_balanced"};
}

bool MetricCatalog::hasRate(std::string_view name) {
    return std::find(std::begin(kRates), std::end(kRates), name) != std::end(kRates);
}

std::string MetricCatalog::rateNames() {
    std::string out;
    for (std::size_t i = 0; i < std::size(kRates); ++i)
        out += std::string(i == 0                       ? ""
                           : i + 1 == std::size(kRates) ? " or "
                                                        : ", ") +
               std::string(kRates[i]);
    return out;
}

}  // namespace pulsco
