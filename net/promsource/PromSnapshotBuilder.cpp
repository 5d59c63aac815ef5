#include "net/promsource/PromSnapshotBuilder.h"

#include "core/Color.h"
#include "core/DeploymentEnvironment.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// The matchers inside "{...}", to be joined with a query's own.
QString innerMatchers(const QString& selector) {
    const QString s = selector.trimmed();
    return s.mid(1, s.size() - 2).trimmed();
}

QString withMatchers(const QString& metric, const QString& own, const QString& inner) {
    QStringList parts;
    if (!own.isEmpty())
        parts << own;
    if (!inner.isEmpty())
        parts << inner;
    return metric + u'{' + parts.join(u',') + u'}';
}

// A count as a whole number: negative and NaN are 0, beyond 2^53 (no real
// counter gets there) is capped rather than wrapped.
std::uint64_t whole(double v) {
    constexpr double kMax = 9007199254740992.0;
    return std::isfinite(v) && v > 0 ? std::uint64_t(std::llround(std::min(v, kMax))) : 0;
}

// The point of `series` at `t`: instant answers carry one point at the
// query's time, range answers one per step (matched within a millisecond).
std::optional<double> valueAt(const PromSeries& series, double t) {
    const auto it =
        std::lower_bound(series.points.begin(), series.points.end(), t - 1e-3,
                         [](const PromPoint& p, double at) { return p.atUnixSeconds < at; });
    if (it == series.points.end() || std::abs(it->atUnixSeconds - t) > 1e-3)
        return std::nullopt;
    return it->value;
}

struct Figures {
    EnvironmentMetrics e;
    std::map<double, double> latency, recentLatency, wait, recentWait, tick, quality;
    std::map<std::string, QueueSnapshot> queues;
    std::map<std::string, RegionMetrics> regions;
    std::map<std::string, std::map<double, double>> regionWait;
    std::optional<std::uint64_t> playersInQueue, playersInMatch;
    std::optional<bool> integrityOk;
    std::optional<StoreMaintenanceReport> maintenance;
    bool any = false;
};

void addBucket(std::map<double, double>& into, const PromSeries& series, double value) {
    // A bound that is not a non-negative number (or +Inf), or a count that
    // is not finite, is no bucket of ours: left out rather than guessed.
    const QString le = series.labels.value(u"le"_s);
    if (!std::isfinite(value))
        return;
    if (le == u"+Inf") {
        into[std::numeric_limits<double>::infinity()] += value;
        return;
    }
    bool ok = false;
    const double bound = le.toDouble(&ok);
    if (ok && std::isfinite(bound) && bound >= 0)
        into[bound] += value;
}

void addGauge(Figures& f, const PromSeries& series, double value) {
    const QString name = series.labels.value(u"__name__"_s);
    const std::uint64_t n = whole(value);
    if (name == u"pulsco_tickets_total") {
        const QString state = series.labels.value(u"state"_s);
        if (state == u"created")
            f.e.tickets.created = n;
        else if (state == u"matched")
            f.e.tickets.matched = n;
        else if (state == u"expired")
            f.e.tickets.expired = n;
        else if (state == u"cancelled")
            f.e.tickets.cancelled = n;
    } else if (name == u"pulsco_tickets_searching") {
        f.e.tickets.searching = n;
    } else if (name == u"pulsco_matches_total") {
        f.e.matchesTotal = n;
    } else if (name == u"pulsco_queue_depth" || name == u"pulsco_queue_oldest_wait_seconds") {
        const std::string queue = series.labels.value(u"queue"_s).toStdString();
        QueueSnapshot& q = f.queues[queue];
        q.name = queue;
        if (name == u"pulsco_queue_depth")
            q.depth = n;
        else
            q.oldestWaitSeconds = std::isfinite(value) ? std::max(0.0, value) : 0;
    } else if (name.startsWith(u"pulsco_region_")) {
        const QString region = series.labels.value(u"region"_s);
        if (region.isEmpty())
            return;  // no region of ours: left out rather than filed under ""
        RegionMetrics& r = f.regions[region.toStdString()];
        if (name == u"pulsco_region_players_in_queue")
            r.playersInQueue = n;
        else if (name == u"pulsco_region_players_online")
            r.playersOnline = n;
        else if (name == u"pulsco_region_matches_total")
            r.matchesTotal = n;
        else if (name == u"pulsco_region_reachable")
            r.reachable = value == 1;
        else if (name == u"pulsco_region_shed")
            r.shed = value == 1;
    } else if (name == u"pulsco_players_in_queue") {
        f.playersInQueue = n;
    } else if (name == u"pulsco_players_in_match") {
        f.playersInMatch = n;
    } else if (name == u"pulsco_integrity_ok") {
        f.integrityOk = value == 1;
    } else if (name.startsWith(u"pulsco_store_")) {
        if (!f.maintenance)
            f.maintenance.emplace();
        if (name == u"pulsco_store_migration_round_trips")
            f.maintenance->migrationRoundTrips = n;
        else if (name == u"pulsco_store_verified_backups")
            f.maintenance->verifiedBackups = n;
        else if (name == u"pulsco_store_restore_drills")
            f.maintenance->restoreDrills = n;
    }
}

void addRequests(Figures& f, const PromSeries& series, double value, bool recent) {
    if (series.labels.value(u"class"_s) != u"api")
        return;  // monitoring, admin: not the users' traffic (as the server counts)
    const QString code = series.labels.value(u"code"_s);
    const std::uint64_t n = whole(value);
    (recent ? f.e.recentRequests : f.e.requestsTotal) += n;
    if (code.toInt() >= 500) {
        (recent ? f.e.recentErrors : f.e.errorsTotal) += n;
        if (!recent && n > 0)
            f.e.errorsByCode[code.toStdString()] += n;
    }
}

}  // namespace

QString checkPromSelector(const QString& selector) {
    const QString s = selector.trimmed();
    if (s.isEmpty())
        return u"selector: empty; give label matchers such as {job=\"pulsco\"}"_s;
    if (!s.startsWith(u'{') || !s.endsWith(u'}') || s.size() < 2)
        return u"selector %1: must be label matchers in braces, such as {job=\"pulsco\"} (no "
               "metric name: the console adds its own)"_s.arg(s);
    if (s.contains(u'\n'))
        return u"selector: must be one line"_s;
    if (s.contains(u"__name__"))
        return u"selector %1: must not match __name__ (the console picks the metrics)"_s.arg(s);
    return {};
}

std::vector<PromQuerySpec> dashboardQueries(const QString& selector) {
    const QString in = innerMatchers(selector);
    const auto sel = [&in](const QString& metric, const QString& own = {}) {
        return withMatchers(metric, own, in);
    };
    const QString api = u"class=\"api\""_s;
    const QString gauges =
        u"__name__=~\"pulsco_(tickets_total|tickets_searching|matches_total|queue_depth|"
        "queue_oldest_wait_seconds|players_in_queue|players_in_match|integrity_ok|"
        "store_migration_round_trips|store_verified_backups|store_restore_drills|"
        "region_players_in_queue|region_players_online|region_matches_total|region_reachable|"
        "region_shed)\""_s;
    return {
        {PromQueryId::Info, sel(u"pulsco_info"_s)},
        {PromQueryId::Up, sel(u"up"_s)},
        {PromQueryId::Gauges, sel({}, gauges)},
        {PromQueryId::Requests,
         u"sum by (instance, class, code) (%1)"_s.arg(sel(u"pulsco_http_requests_total"_s))},
        {PromQueryId::RecentRequests, u"sum by (instance, class, code) (increase(%1[1m]))"_s.arg(
                                          sel(u"pulsco_http_requests_total"_s))},
        {PromQueryId::Latency, u"sum by (instance, le) (%1)"_s.arg(
                                   sel(u"pulsco_http_request_duration_seconds_bucket"_s, api))},
        {PromQueryId::RecentLatency, u"sum by (instance, le) (increase(%1[1m]))"_s.arg(sel(
                                         u"pulsco_http_request_duration_seconds_bucket"_s, api))},
        {PromQueryId::Wait,
         u"sum by (instance, le) (%1)"_s.arg(sel(u"pulsco_ticket_wait_seconds_bucket"_s))},
        {PromQueryId::RecentWait, u"sum by (instance, le) (increase(%1[1m]))"_s.arg(
                                      sel(u"pulsco_ticket_wait_seconds_bucket"_s))},
        {PromQueryId::RecentTickets,
         u"sum by (instance, state) (increase(%1[1m]))"_s.arg(sel(u"pulsco_tickets_total"_s))},
        {PromQueryId::RecentMatches,
         u"sum by (instance) (increase(%1[1m]))"_s.arg(sel(u"pulsco_matches_total"_s))},
        {PromQueryId::Tick,
         u"sum by (instance, le) (%1)"_s.arg(sel(u"pulsco_tick_duration_seconds_bucket"_s))},
        {PromQueryId::Quality,
         u"sum by (instance, le) (%1)"_s.arg(sel(u"pulsco_match_quality_bucket"_s))},
        {PromQueryId::RegionWait, u"sum by (instance, region, le) (%1)"_s.arg(
                                      sel(u"pulsco_region_ticket_wait_seconds_bucket"_s))},
    };
}

Histogram histogramFromPromBuckets(std::vector<std::pair<double, double>> buckets, double scale) {
    Histogram h;
    std::sort(buckets.begin(), buckets.end());
    double lower = 0;
    std::uint64_t below = 0;  // whole observations counted up to `lower`
    double highestFinite = 0;
    for (const auto& [bound, cumulative] : buckets)
        if (std::isfinite(bound))
            highestFinite = std::max(highestFinite, bound);
    for (const auto& [bound, cumulative] : buckets) {
        const std::uint64_t upTo = std::max(below, whole(cumulative));
        const std::uint64_t n = upTo - below;
        below = upTo;
        if (n > 0) {
            if (!std::isfinite(bound)) {
                if (std::isfinite(highestFinite * scale))
                    h.record(highestFinite * scale, n);
            } else if (std::isfinite(bound * scale)) {
                // Spread evenly over (lower, bound]: at most 16 points, which
                // the 1 % core buckets resolve well inside a 10 % bucket.
                const std::uint64_t points = std::min<std::uint64_t>(n, 16);
                for (std::uint64_t k = 0; k < points; ++k) {
                    const std::uint64_t share = n / points + (k < n % points ? 1 : 0);
                    const double at = lower + (bound - lower) * (double(k) + 0.5) / double(points);
                    h.record(at * scale, share);
                }
            }
        }
        if (std::isfinite(bound))
            lower = bound;
    }
    return h;
}

PromBuild buildPromSnapshots(const PromAnswers& answers, double at, double origin,
                             const QMap<QString, PromTarget>& known) {
    PromBuild out;
    out.targets = known;
    for (PromTarget& t : out.targets) {
        t.up.reset();
        t.hasData = false;
    }
    const auto each = [&](PromQueryId id, const auto& visit) {
        const auto& answer = answers[std::size_t(id)];
        if (!answer)
            return;
        for (const PromSeries& series : answer->series) {
            const QString instance = series.labels.value(u"instance"_s);
            if (instance.isEmpty())
                continue;
            if (const auto v = valueAt(series, at))
                visit(instance, series, *v);
        }
    };
    each(PromQueryId::Up, [&](const QString& instance, const PromSeries&, double v) {
        PromTarget& t = out.targets[instance];
        t.instance = instance;
        t.up = v == 1;
    });
    each(PromQueryId::Info, [&](const QString& instance, const PromSeries& series, double) {
        PromTarget& t = out.targets[instance];
        t.instance = instance;
        t.color = series.labels.value(u"color"_s);
        t.environment = series.labels.value(u"environment"_s);
    });

    std::map<QString, Figures> figures;
    const auto into = [&figures](const QString& instance) -> Figures& {
        Figures& f = figures[instance];
        f.any = true;
        return f;
    };
    each(PromQueryId::Gauges,
         [&](const QString& i, const PromSeries& s, double v) { addGauge(into(i), s, v); });
    each(PromQueryId::Requests, [&](const QString& i, const PromSeries& s, double v) {
        addRequests(into(i), s, v, false);
    });
    each(PromQueryId::RecentRequests, [&](const QString& i, const PromSeries& s, double v) {
        addRequests(into(i), s, v, true);
    });
    each(PromQueryId::Latency, [&](const QString& i, const PromSeries& s, double v) {
        addBucket(into(i).latency, s, v);
    });
    each(PromQueryId::RecentLatency, [&](const QString& i, const PromSeries& s, double v) {
        addBucket(into(i).recentLatency, s, v);
    });
    each(PromQueryId::Wait,
         [&](const QString& i, const PromSeries& s, double v) { addBucket(into(i).wait, s, v); });
    each(PromQueryId::RecentWait, [&](const QString& i, const PromSeries& s, double v) {
        addBucket(into(i).recentWait, s, v);
    });
    each(PromQueryId::Tick,
         [&](const QString& i, const PromSeries& s, double v) { addBucket(into(i).tick, s, v); });
    each(PromQueryId::Quality, [&](const QString& i, const PromSeries& s, double v) {
        addBucket(into(i).quality, s, v);
    });
    each(PromQueryId::RegionWait, [&](const QString& i, const PromSeries& s, double v) {
        const QString region = s.labels.value(u"region"_s);
        if (!region.isEmpty())
            addBucket(into(i).regionWait[region.toStdString()], s, v);
    });
    each(PromQueryId::RecentTickets, [&](const QString& i, const PromSeries& s, double v) {
        if (s.labels.value(u"state"_s) == u"created")
            into(i).e.recentTicketsCreated = whole(v);
    });
    each(PromQueryId::RecentMatches, [&](const QString& i, const PromSeries&, double v) {
        into(i).e.matchesPerMinute = std::isfinite(v) ? std::max(0.0, v) : 0;
    });

    const auto asHistogram = [](const std::map<double, double>& buckets, double scale) {
        return histogramFromPromBuckets({buckets.begin(), buckets.end()}, scale);
    };
    for (auto& [instance, f] : figures) {
        PromTarget& target = out.targets[instance];
        target.instance = instance;
        if (target.up && !*target.up)
            continue;  // down: only increase() over the last minute still sees its
                       // old samples; a part from them would read as zero counters
        target.hasData = true;
        if (target.color.isEmpty()) {
            out.problems << u"%1: no pulsco_info series (is it a pulsco-matchd?); its figures "
                            "are left out"_s.arg(instance);
            continue;
        }
        const auto color = colorFromString(target.color.toStdString());
        if (!color) {
            out.problems << u"%1: pulsco_info color=\"%2\" is neither blue nor green; its "
                            "figures are left out"_s.arg(instance, target.color);
            continue;
        }
        // A server from before --environment labels none: it is staging.
        const auto environment =
            target.environment.isEmpty()
                ? std::optional(DeploymentEnvironment::Staging)
                : deploymentEnvironmentFromString(target.environment.toStdString());
        if (!environment || *environment == DeploymentEnvironment::Rehearsal) {
            out.problems << u"%1: pulsco_info environment=\"%2\" is neither staging nor "
                            "production; its figures are left out"_s.arg(instance,
                                                                         target.environment);
            continue;
        }
        auto s = std::make_shared<MetricsSnapshot>();
        s->source = instance.toStdString();
        s->environment = *environment;
        s->timeSeconds = std::max(0.0, at - origin);
        s->wallTimeUnixMs = at * 1000.0;
        s->speed = 1.0;
        EnvironmentMetrics& e = f.e;
        e.apiLatencyMs = asHistogram(f.latency, 1000.0);
        e.recentApiLatencyMs = asHistogram(f.recentLatency, 1000.0);
        e.ticketWaitSeconds = asHistogram(f.wait, 1.0);
        e.recentTicketWaitSeconds = asHistogram(f.recentWait, 1.0);
        e.matchQuality = asHistogram(f.quality, 1.0);
        for (auto& [name, q] : f.queues)
            e.queues.push_back(q);
        s->tickDurationMs = asHistogram(f.tick, 1000.0);
        s->playersInQueue = f.playersInQueue.value_or(0);
        s->playersInMatch = f.playersInMatch.value_or(0);
        s->playersOnline = s->playersInQueue + s->playersInMatch;
        s->concurrentPlayersPeak = s->playersOnline;
        s->queueDepthPeak = e.tickets.searching;
        s->conservationOk = e.tickets.created == e.tickets.matched + e.tickets.expired +
                                                     e.tickets.cancelled + e.tickets.searching;
        if (f.integrityOk) {
            IntegrityReport r;
            r.atSeconds = s->timeSeconds;
            r.ok = *f.integrityOk;
            r.violations = r.ok ? 0 : 1;
            if (!r.ok)
                r.firstViolations.push_back(instance.toStdString() +
                                            ": the last integrity audit failed (its findings: "
                                            "GET /v1/integrity on the server)");
            r.storeCheck = "not exported to Prometheus";
            s->integrity = r;
        }
        // A region is shown as the server exports it; its wait buckets
        // alone (an older server's gauges missing) make no region.
        for (auto& [name, region] : f.regions) {
            if (const auto wait = f.regionWait.find(name); wait != f.regionWait.end())
                region.ticketWaitSeconds = asHistogram(wait->second, 1.0);
            s->regions[name] = region;
        }
        s->storeMaintenance = f.maintenance;
        s->total = e;
        (*color == Color::Green ? s->green : s->blue) = std::move(e);
        out.parts.emplace_back(*color, std::move(s));
    }
    for (const PromTarget& t : std::as_const(out.targets))
        if (t.up && !*t.up)
            out.problems << u"%1%2: down for Prometheus (up == 0)"_s.arg(
                t.color.isEmpty() ? QString() : t.color + u' ', t.instance);
    return out;
}

}  // namespace pulsco
