#include "bridge/MetricsSnapshotJson.h"

#include "bridge/HistogramJson.h"

#include <QJsonObject>

#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// Exact in a JSON number, and short enough to print in full in messages.
constexpr qint64 kMaxCount = 999999999999;
constexpr qsizetype kMaxNameLength = 256;
constexpr qsizetype kMaxQueues = 1000;
constexpr qsizetype kMaxFaultTexts = 1000;
// A month of history with a restart every few minutes still fits.
constexpr qsizetype kMaxUpSpans = 20000;
// The fallback of an optional number that cannot be in range: "absent".
constexpr double kNoValue = -2;

// --- writing -----------------------------------------------------------------

void writeTickets(JsonWriter& out, const TicketCounts& t) {
    out.beginObject();
    out.field("created", t.created);
    out.field("matched", t.matched);
    out.field("expired", t.expired);
    out.field("cancelled", t.cancelled);
    out.field("searching", t.searching);
    out.endObject();
}

void writeQueue(JsonWriter& out, const QueueSnapshot& q) {
    out.beginObject();
    out.field("name", std::string_view(q.name));
    out.field("depth", q.depth);
    out.field("players_searching", q.playersSearching);
    out.field("oldest_wait_s", q.oldestWaitSeconds);
    out.field("matches_total", q.matchesTotal);
    out.endObject();
}

void writeEnvironment(JsonWriter& out, const MetricsSnapshot& s, const EnvironmentMetrics& e) {
    out.beginObject();
    // Derived for readers of the JSON (measured from recent requests, absent
    // when neither colour served any); readers recompute it, never trust it.
    if (const std::optional<double> share = measuredWeightPercent(s, e))
        out.field("traffic_weight_percent", std::round(*share * 10) / 10);
    if (e.requestedWeightPercent)
        out.field("requested_weight_percent", *e.requestedWeightPercent);
    out.key("tickets");
    writeTickets(out, e.tickets);
    out.field("matches_total", e.matchesTotal);
    out.field("matches_per_minute", e.matchesPerMinute);
    out.field("matches_two_team", e.twoTeamMatches);
    out.field("matches_balanced", e.balancedMatches);
    out.field("requests_total", e.requestsTotal);
    out.field("errors_total", e.errorsTotal);
    out.key("errors_by_code");
    out.beginObject();
    for (const auto& [code, count] : e.errorsByCode) {
        out.key(code);
        out.value(count);
    }
    out.endObject();
    out.key("ticket_wait_s");
    writeHistogram(out, e.ticketWaitSeconds);
    out.key("api_latency_ms");
    writeHistogram(out, e.apiLatencyMs);
    out.key("match_quality");
    writeHistogram(out, e.matchQuality);
    out.key("recent_api_latency_ms");
    writeHistogram(out, e.recentApiLatencyMs);
    out.key("recent_ticket_wait_s");
    writeHistogram(out, e.recentTicketWaitSeconds);
    out.field("recent_requests", e.recentRequests);
    out.field("recent_errors", e.recentErrors);
    out.field("recent_tickets_created", e.recentTicketsCreated);
    out.key("queues");
    out.beginArray();
    for (const QueueSnapshot& q : e.queues)
        writeQueue(out, q);
    out.endArray();
    out.endObject();
}

void writeRegion(JsonWriter& out, const RegionMetrics& r) {
    out.beginObject();
    out.field("players_online", r.playersOnline);
    out.field("players_in_queue", r.playersInQueue);
    out.field("matches_total", r.matchesTotal);
    out.key("ticket_wait_s");
    writeHistogram(out, r.ticketWaitSeconds);
    out.field("reachable", r.reachable);
    out.field("shed", r.shed);
    out.endObject();
}

// --- reading -----------------------------------------------------------------

std::uint64_t readCount(JsonObjectReader& o, QStringView key) {
    return static_cast<std::uint64_t>(o.integer(key, 0, kMaxCount));
}

TicketCounts readTickets(JsonObjectReader o) {
    TicketCounts t;
    t.created = readCount(o, u"created");
    t.matched = readCount(o, u"matched");
    t.expired = readCount(o, u"expired");
    t.cancelled = readCount(o, u"cancelled");
    t.searching = readCount(o, u"searching");
    o.finish();
    return t;
}

QueueSnapshot readQueue(JsonObjectReader o) {
    QueueSnapshot q;
    q.name = o.string(u"name", kMaxNameLength).toStdString();
    q.depth = readCount(o, u"depth");
    q.playersSearching = readCount(o, u"players_searching");
    q.oldestWaitSeconds = o.number(u"oldest_wait_s", 0);
    q.matchesTotal = readCount(o, u"matches_total");
    o.finish();
    return q;
}

// Keys of map-like objects (error codes, region names) are names, not text.
bool checkMapKey(JsonObjectReader& o, const QString& key) {
    if (key.isEmpty() || key.size() > 64) {
        o.fail(key, u"must be a name of 1 to 64 characters"_s);
        return false;
    }
    return true;
}

EnvironmentMetrics readEnvironment(JsonObjectReader o) {
    EnvironmentMetrics e;
    // Derived from the requests below (measuredWeightPercent): checked, not kept.
    o.optionalNumber(u"traffic_weight_percent", 0, 0, 100);
    if (const qint64 requested = o.optionalInteger(u"requested_weight_percent", -1, 0, 100);
        requested >= 0)
        e.requestedWeightPercent = int(requested);
    e.tickets = readTickets(o.object(u"tickets"));
    e.matchesTotal = readCount(o, u"matches_total");
    e.matchesPerMinute = o.number(u"matches_per_minute", 0);
    // Added after format 1 shipped: optional, so older servers still read.
    e.twoTeamMatches = std::uint64_t(o.optionalInteger(u"matches_two_team", 0, 0, kMaxCount));
    e.balancedMatches = std::uint64_t(o.optionalInteger(u"matches_balanced", 0, 0, kMaxCount));
    e.requestsTotal = readCount(o, u"requests_total");
    e.errorsTotal = readCount(o, u"errors_total");
    JsonObjectReader codes = o.object(u"errors_by_code");
    for (const QString& code : codes.keys()) {
        if (!checkMapKey(codes, code))
            break;
        e.errorsByCode[code.toStdString()] = readCount(codes, code);
    }
    codes.finish();
    e.ticketWaitSeconds = readHistogram(o.object(u"ticket_wait_s"));
    e.apiLatencyMs = readHistogram(o.object(u"api_latency_ms"));
    e.matchQuality = readHistogram(o.object(u"match_quality"));
    e.recentApiLatencyMs = readHistogram(o.object(u"recent_api_latency_ms"));
    e.recentTicketWaitSeconds = readHistogram(o.object(u"recent_ticket_wait_s"));
    e.recentRequests = readCount(o, u"recent_requests");
    e.recentErrors = readCount(o, u"recent_errors");
    // Added with measured weights (issue 15): optional, so older servers read.
    e.recentTicketsCreated =
        std::uint64_t(o.optionalInteger(u"recent_tickets_created", 0, 0, kMaxCount));
    JsonArrayReader queues = o.array(u"queues", kMaxQueues);
    for (qsizetype i = 0; i < queues.size() && o.ok(); ++i)
        e.queues.push_back(readQueue(queues.object(i)));
    o.finish();
    return e;
}

RegionMetrics readRegion(JsonObjectReader o) {
    RegionMetrics r;
    r.playersOnline = readCount(o, u"players_online");
    r.playersInQueue = readCount(o, u"players_in_queue");
    r.matchesTotal = readCount(o, u"matches_total");
    r.ticketWaitSeconds = readHistogram(o.object(u"ticket_wait_s"));
    r.reachable = o.boolean(u"reachable");
    r.shed = o.optionalBoolean(u"shed", false);  // absent before servers could shed
    o.finish();
    return r;
}

IntegrityReport readIntegrity(JsonObjectReader o) {
    IntegrityReport r;
    r.atSeconds = o.number(u"at_s", -1e12, 1e12);
    r.ok = o.boolean(u"ok");
    r.violations = readCount(o, u"violations");
    JsonArrayReader first = o.array(u"first_violations", kMaxFaultTexts);
    for (qsizetype i = 0; i < first.size() && o.ok(); ++i)
        r.firstViolations.push_back(first.string(i, kMaxNameLength).toStdString());
    r.storeCheck = o.string(u"store_check", kMaxNameLength).toStdString();
    r.inFlightExcluded = readCount(o, u"in_flight_excluded");
    r.durationMs = o.number(u"duration_ms", 0);
    o.finish();
    return r;
}

constexpr qsizetype kMaxMaintenanceRecords = 1000;
constexpr qsizetype kMaxMaintenanceText = 4096;

StoreMaintenanceReport readStoreMaintenance(JsonObjectReader o) {
    StoreMaintenanceReport r;
    r.migrationRoundTrips = readCount(o, u"migration_round_trips");
    r.verifiedBackups = readCount(o, u"verified_backups");
    r.restoreDrills = readCount(o, u"restore_drills");
    JsonArrayReader latest = o.array(u"latest", kMaxMaintenanceRecords);
    for (qsizetype i = 0; i < latest.size() && o.ok(); ++i) {
        JsonObjectReader e = latest.object(i);
        if (!o.ok())
            break;
        MaintenanceRecord m;
        m.kind =
            e.oneOf(u"kind", {u"migration_round_trip"_s, u"verified_backup"_s, u"restore_drill"_s})
                .toStdString();
        m.atUnixMs = e.number(u"at_ms", 0, 1e15);
        m.command = e.string(u"command", kMaxMaintenanceText).toStdString();
        m.ok = e.boolean(u"ok");
        m.figures = e.string(u"figures", kMaxMaintenanceText).toStdString();
        e.finish();
        r.latest.push_back(std::move(m));
    }
    o.finish();
    return r;
}

// Spans sorted, disjoint and inside [from_s, now_s]: a history that breaks
// that would make availability over 100 % or count time twice.
AvailabilityHistory readAvailability(JsonObjectReader o) {
    AvailabilityHistory h;
    h.fromSeconds = o.number(u"from_s", -1e12, 1e12);
    h.nowSeconds = o.number(u"now_s", -1e12, 1e12);
    if (o.ok() && h.nowSeconds < h.fromSeconds)
        o.fail(u"now_s", u"is before from_s"_s);
    JsonArrayReader up = o.array(u"up", kMaxUpSpans);
    for (qsizetype i = 0; i < up.size() && o.ok(); ++i) {
        JsonArrayReader pair = up.array(i, 2);
        if (o.ok() && pair.size() != 2) {
            up.fail(i, u"must be [from, to]"_s);
            break;
        }
        const UpSpan span{pair.number(0, -1e12, 1e12), pair.number(1, -1e12, 1e12)};
        if (!o.ok())
            break;
        if (!(span.to > span.from) || span.from < h.fromSeconds || span.to > h.nowSeconds)
            up.fail(i, u"must be a non-empty span inside [from_s, now_s]"_s);
        else if (!h.up.empty() && span.from < h.up.back().to)
            up.fail(i, u"overlaps or precedes the span before it"_s);
        else
            h.up.push_back(span);
    }
    o.finish();
    return h;
}

void writeAvailability(JsonWriter& out, const AvailabilityHistory& h) {
    out.beginObject();
    out.field("from_s", h.fromSeconds);
    out.field("now_s", h.nowSeconds);
    out.key("up");
    out.beginArray();
    for (const UpSpan& span : h.up) {
        out.beginArray();
        out.value(span.from);
        out.value(span.to);
        out.endArray();
    }
    out.endArray();
    out.endObject();
}

}  // namespace

void writeIntegrityReport(JsonWriter& out, const IntegrityReport& r) {
    out.beginObject();
    out.field("at_s", r.atSeconds);
    out.field("ok", r.ok);
    out.field("violations", r.violations);
    out.key("first_violations");
    out.beginArray();
    for (const std::string& v : r.firstViolations)
        out.value(std::string_view(v));
    out.endArray();
    out.field("store_check", std::string_view(r.storeCheck));
    out.field("in_flight_excluded", r.inFlightExcluded);
    out.field("duration_ms", r.durationMs);
    out.endObject();
}

void writeStoreMaintenance(JsonWriter& out, const StoreMaintenanceReport& r) {
    out.beginObject();
    out.field("migration_round_trips", r.migrationRoundTrips);
    out.field("verified_backups", r.verifiedBackups);
    out.field("restore_drills", r.restoreDrills);
    out.key("latest");
    out.beginArray();
    for (const MaintenanceRecord& m : r.latest) {
        out.beginObject();
        out.field("kind", std::string_view(m.kind));
        out.field("at_ms", m.atUnixMs);
        out.field("command", std::string_view(m.command));
        out.field("ok", m.ok);
        out.field("figures", std::string_view(m.figures));
        out.endObject();
    }
    out.endArray();
    out.endObject();
}

void writeMetricsSnapshot(JsonWriter& out, const MetricsSnapshot& s) {
    out.beginObject();
    out.field("format", MetricsSnapshot::kFormat);
    out.field("source", std::string_view(s.source));
    out.field("sequence", s.sequence);
    out.field("time_s", s.timeSeconds);
    out.field("environment", std::string_view(toString(s.environment)));
    out.field("wall_ms", s.wallTimeUnixMs);
    out.field("speed", s.speed);
    out.field("paused", s.paused);
    out.field("players_online", s.playersOnline);
    out.field("players_in_queue", s.playersInQueue);
    out.field("players_in_match", s.playersInMatch);
    out.field("concurrent_players_peak", s.concurrentPlayersPeak);
    out.field("queue_depth_peak", s.queueDepthPeak);
    if (s.ratingCorrelation)
        out.field("rating_correlation", *s.ratingCorrelation);
    out.key("total");
    writeEnvironment(out, s, s.total);
    out.key("blue");
    writeEnvironment(out, s, s.blue);
    out.key("green");
    writeEnvironment(out, s, s.green);
    out.key("regions");
    out.beginObject();
    for (const auto& [name, region] : s.regions) {
        out.key(name);
        writeRegion(out, region);
    }
    out.endObject();
    out.key("tick_duration_ms");
    writeHistogram(out, s.tickDurationMs);
    out.field("conservation_ok", s.conservationOk);
    out.key("active_faults");
    out.beginArray();
    for (const std::string& fault : s.activeFaults)
        out.value(std::string_view(fault));
    out.endArray();
    if (s.faultOnsetSeconds)
        out.field("fault_onset_s", *s.faultOnsetSeconds);
    if (s.integrity) {
        out.key("integrity");
        writeIntegrityReport(out, *s.integrity);
    }
    if (s.availability) {
        out.key("availability");
        writeAvailability(out, *s.availability);
    }
    if (s.storeMaintenance) {
        out.key("store_maintenance");
        writeStoreMaintenance(out, *s.storeMaintenance);
    }
    out.endObject();
}

QByteArray metricsSnapshotToJson(const MetricsSnapshot& snapshot) {
    QByteArray json;
    json.reserve(16384);
    JsonWriter out(&json);
    writeMetricsSnapshot(out, snapshot);
    return json;
}

MetricsSnapshot readMetricsSnapshot(JsonObjectReader o) {
    MetricsSnapshot s;
    const qint64 format = o.integer(u"format", 0, 1000000);
    if (o.ok() && format != MetricsSnapshot::kFormat) {
        o.fail(u"format", u"unsupported format "_s + QString::number(format) +
                              u" (this build reads format "_s +
                              QString::number(MetricsSnapshot::kFormat) + u')');
        return {};
    }
    s.source = o.string(u"source", 2048).toStdString();
    // Added after format 1 shipped, like the fields below: a server that
    // predates it is staging, which is what a server without
    // --environment is.
    const QString environment = o.optionalOneOf(
        u"environment", {u"rehearsal"_s, u"staging"_s, u"production"_s}, u"staging"_s);
    if (const auto parsed = deploymentEnvironmentFromString(environment.toStdString()))
        s.environment = *parsed;
    s.sequence = readCount(o, u"sequence");
    s.timeSeconds = o.number(u"time_s", 0);
    s.wallTimeUnixMs = o.number(u"wall_ms", 0);
    s.speed = o.number(u"speed", 0);
    s.paused = o.boolean(u"paused");
    s.playersOnline = readCount(o, u"players_online");
    s.playersInQueue = readCount(o, u"players_in_queue");
    s.playersInMatch = readCount(o, u"players_in_match");
    s.concurrentPlayersPeak = readCount(o, u"concurrent_players_peak");
    // Added after format 1 shipped: optional, so older servers still read.
    s.queueDepthPeak = std::uint64_t(o.optionalInteger(u"queue_depth_peak", 0, 0, kMaxCount));
    if (const double r = o.optionalNumber(u"rating_correlation", kNoValue, -1, 1); r != kNoValue)
        s.ratingCorrelation = r;
    s.total = readEnvironment(o.object(u"total"));
    s.blue = readEnvironment(o.object(u"blue"));
    s.green = readEnvironment(o.object(u"green"));
    JsonObjectReader regions = o.object(u"regions");
    for (const QString& name : regions.keys()) {
        if (!checkMapKey(regions, name))
            break;
        s.regions[name.toStdString()] = readRegion(regions.object(name));
    }
    regions.finish();
    s.tickDurationMs = readHistogram(o.object(u"tick_duration_ms"));
    s.conservationOk = o.boolean(u"conservation_ok");
    JsonArrayReader faults = o.array(u"active_faults", kMaxFaultTexts);
    for (qsizetype i = 0; i < faults.size() && o.ok(); ++i)
        s.activeFaults.push_back(faults.string(i, kMaxNameLength).toStdString());
    constexpr double kNoOnset = -1e300;  // outside the accepted range, so never read
    if (const double onset = o.optionalNumber(u"fault_onset_s", kNoOnset, -1e12, 1e12);
        onset != kNoOnset)
        s.faultOnsetSeconds = onset;
    if (auto integrity = o.optionalObject(u"integrity"))
        s.integrity = readIntegrity(std::move(*integrity));
    if (auto availability = o.optionalObject(u"availability"))
        s.availability = readAvailability(std::move(*availability));
    if (auto maintenance = o.optionalObject(u"store_maintenance"))
        s.storeMaintenance = readStoreMaintenance(std::move(*maintenance));
    o.finish();
    if (!o.ok())
        return {};
    return s;
}

std::optional<MetricsSnapshot> metricsSnapshotFromJson(const QByteArray& json,
                                                       const QString& source, QString* error) {
    JsonReader reader(source);
    std::optional<MetricsSnapshot> snapshot;
    if (std::optional<JsonObjectReader> root = reader.parseObject(json))
        snapshot = readMetricsSnapshot(*root);
    if (!reader.ok()) {
        if (error)
            *error = reader.error();
        return std::nullopt;
    }
    return snapshot;
}

}  // namespace pulsco
