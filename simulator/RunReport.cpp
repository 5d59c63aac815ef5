#include "simulator/RunReport.h"

#include "bridge/JsonWriter.h"
#include "bridge/MetricsSnapshotJson.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

QString num(double v, int decimals = 1) {
    return QString::number(v, 'f', decimals);
}

QString row(const QString& label, const QString& text) {
    return label.leftJustified(20) + text + u'\n';
}

QString pct(double share) {
    return QString::number(share * 100.0, 'f', 3) + u" %"_s;
}

void writeScope(JsonWriter& w, const ScopeFigures& f) {
    w.beginObject();
    w.key("tickets");
    w.beginObject();
    w.field("created", f.tickets.created);
    w.field("matched", f.tickets.matched);
    w.field("expired", f.tickets.expired);
    w.field("cancelled", f.tickets.cancelled);
    w.field("searching", f.tickets.searching);
    w.endObject();
    w.field("matches", f.matches);
    w.field("requests", f.requests);
    w.field("errors", f.errors);
    w.field("error_rate", f.errorRate);
    w.field("api_latency_p50_ms", f.latencyP50Ms);
    w.field("api_latency_p95_ms", f.latencyP95Ms);
    w.field("api_latency_p99_ms", f.latencyP99Ms);
    w.field("ticket_wait_p50_s", f.waitP50S);
    w.field("ticket_wait_p95_s", f.waitP95S);
    w.field("ticket_wait_p99_s", f.waitP99S);
    w.field("expired_rate", f.expiredRate);
    w.field("cancelled_rate", f.cancelledRate);
    w.field("balanced_match_share", f.balancedMatchShare);
    w.endObject();
}

}  // namespace

QString traceHashText(std::uint64_t hash) {
    return QString::number(hash, 16).rightJustified(16, u'0');
}

QString summaryTable(const RunSummary& s, double wallSeconds) {
    const ScopeFigures& t = s.total;
    QString out;
    out += u"pulsco-sim · "_s + QString::fromStdString(s.scenario) + u" · seed "_s +
           QString::number(s.seed) + u" · "_s + num(s.simulatedSeconds, 0) +
           (s.target.empty() ? u" s simulated"_s
                             : u" s against "_s + QString::fromStdString(s.target)) +
           (s.warmupSeconds > 0 ? u" (after "_s + num(s.warmupSeconds, 0) + u" s warmup)"_s
                                : QString()) +
           u" in "_s + num(wallSeconds, 2) + u" s wall\n\n"_s;
    out += row(u"Players"_s, QString::number(s.players) + u" in the pool, peak "_s +
                                 QString::number(s.concurrentPlayersPeak) + u" online"_s);
    out += row(u"Matches"_s, QString::number(t.matches) + u" (blue "_s +
                                 QString::number(s.blue.matches) + u", green "_s +
                                 QString::number(s.green.matches) + u')');
    out += row(u"Tickets"_s, u"created "_s + QString::number(t.tickets.created) + u", matched "_s +
                                 QString::number(t.tickets.matched) + u", expired "_s +
                                 QString::number(t.tickets.expired) + u", cancelled "_s +
                                 QString::number(t.tickets.cancelled) + u", searching "_s +
                                 QString::number(t.tickets.searching));
    out += row(u"Ticket wait (s)"_s, u"p50 "_s + num(t.waitP50S) + u"   p95 "_s + num(t.waitP95S) +
                                         u"   p99 "_s + num(t.waitP99S));
    out += row(u"API latency (ms)"_s,
               u"p50 "_s + num(t.latencyP50Ms) + u"   p95 "_s + num(t.latencyP95Ms) + u"   p99 "_s +
                   num(t.latencyP99Ms) +
                   (s.target.empty() ? u"   (modelled)"_s
                                     : u"   (client-side, from the intended send time)"_s));
    out +=
        row(u"API errors"_s, QString::number(t.errors) + u" of "_s + QString::number(t.requests) +
                                 u" requests ("_s + pct(t.errorRate) + u')');
    const bool live = !s.target.empty();  // the engine's own figures do not exist
    if (!live)
        out +=
            row(u"Queue depth max"_s, QString::number(s.queueDepthMax) + u" tickets searching"_s);
    if (!live)
        out += row(u"Rating convergence"_s,
                   u"Spearman "_s + num(s.ratingCorrelation, 3) + u" (true skill vs mu, "_s +
                       QString::number(s.ratedPlayers) + u" players); balanced matches "_s +
                       num(t.balancedMatchShare * 100.0, 1) + u" % (p(win) in 0.4–0.6)"_s);
    if (!live)
        out += row(u"Matcher tick"_s,
                   u"p50 "_s + QString::number(s.tickP50Ms * 1000, 'g', 3) + u" µs   p99 "_s +
                       QString::number(s.tickP99Ms * 1000, 'g', 3) + u" µs   max "_s +
                       QString::number(s.tickMaxMs * 1000, 'g', 3) + u" µs   (measured, "_s +
                       QString::number(s.ticks) + u" ticks)"_s);
    out += row(u"Conservation"_s, s.conservationOk ? u"ok"_s : u"VIOLATED"_s);
    if (!live) {
        out += row(u"Events"_s, QString::number(s.events) + u" simulated events"_s);
        out += row(u"Trace hash"_s, traceHashText(s.traceHash));
    }
    if (!s.thresholds.empty()) {
        out += u"\nThresholds\n"_s;
        for (const ThresholdResult& r : s.thresholds) {
            const QString name = QString::fromStdString(r.threshold.metric) + u' ' +
                                 QString::fromStdString(r.threshold.text);
            out += u"  "_s + (r.passed ? u"✓ "_s : u"✗ "_s) + name.leftJustified(34) +
                   (r.hasValue ? QString::number(r.value, 'g', 6) : u"no data"_s) + u'\n';
        }
    }
    int failed = 0;
    for (const ThresholdResult& r : s.thresholds)
        failed += r.passed ? 0 : 1;
    const QString verdict =
        failed == 0 ? QString(u"PASS (all "_s + QString::number(s.thresholds.size()) +
                              u" thresholds hold)"_s)
                    : QString(u"FAIL ("_s + QString::number(failed) + u" of "_s +
                              QString::number(s.thresholds.size()) + u" thresholds broken)"_s);
    out += u"\nResult: "_s + verdict + u'\n';
    return out;
}

QByteArray reportJson(const RunSummary& s, const MetricsSnapshot& finalSnapshot,
                      double wallSeconds) {
    QByteArray bytes;
    JsonWriter w(&bytes);
    w.beginObject();
    w.field("format", 1);
    w.field("scenario", std::string_view(s.scenario));
    w.field("seed", s.seed);
    w.field("passed", s.passed());
    w.field("simulated_s", s.simulatedSeconds);
    w.field("warmup_s", s.warmupSeconds);
    w.field("wall_s", wallSeconds);
    w.field("players", s.players);
    w.field("concurrent_players_peak", s.concurrentPlayersPeak);
    w.key("total");
    writeScope(w, s.total);
    w.key("blue");
    writeScope(w, s.blue);
    w.key("green");
    writeScope(w, s.green);
    w.field("queue_depth_max", s.queueDepthMax);
    w.field("rating_correlation", s.ratingCorrelation);
    w.field("rated_players", s.ratedPlayers);
    w.field("balanced_match_share", s.total.balancedMatchShare);
    w.field("tick_p50_ms", s.tickP50Ms);
    w.field("tick_p99_ms", s.tickP99Ms);
    w.field("tick_max_ms", s.tickMaxMs);
    w.field("ticks", s.ticks);
    w.field("events", s.events);
    w.field("conservation_ok", s.conservationOk);
    const QByteArray hash = traceHashText(s.traceHash).toLatin1();
    w.field("trace_hash",
            std::string_view(hash.constData(), static_cast<std::size_t>(hash.size())));
    w.key("thresholds");
    w.beginArray();
    for (const ThresholdResult& r : s.thresholds) {
        w.beginObject();
        w.field("metric", std::string_view(r.threshold.metric));
        w.field("bar", std::string_view(r.threshold.text));
        w.key("value");
        if (r.hasValue)
            w.value(r.value);
        else
            w.rawValue("null");
        w.field("passed", r.passed);
        w.endObject();
    }
    w.endArray();
    w.key("snapshot");
    writeMetricsSnapshot(w, finalSnapshot);
    w.endObject();
    bytes += '\n';
    return bytes;
}

}  // namespace pulsco
