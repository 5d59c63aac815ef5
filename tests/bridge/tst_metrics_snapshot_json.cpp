// MetricsSnapshot JSON: exact round trips of fully populated snapshots, the
// documented key names, and strict refusal of bad input with field paths.
#include "bridge/HistogramJson.h"
#include "bridge/MetricsSnapshotJson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <functional>
#include <limits>
#include <random>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

Histogram randomHistogram(std::mt19937_64& rng, double scale) {
    Histogram h;
    const int n = std::uniform_int_distribution<int>(0, 400)(rng);
    std::lognormal_distribution<double> value(std::log(scale), 1.5);
    for (int i = 0; i < n; ++i)
        h.record(i % 50 == 0 ? 0.0 : value(rng));
    return h;
}

EnvironmentMetrics randomEnvironment(std::mt19937_64& rng) {
    std::uniform_int_distribution<std::uint64_t> count(0, 1000000);
    EnvironmentMetrics e;
    e.requestedWeightPercent = std::uniform_int_distribution<int>(0, 100)(rng);
    e.tickets = {count(rng), count(rng), count(rng), count(rng), count(rng)};
    e.matchesTotal = count(rng);
    e.matchesPerMinute = std::uniform_real_distribution<double>(0, 500)(rng);
    e.twoTeamMatches = count(rng);
    e.balancedMatches = count(rng);
    e.requestsTotal = count(rng);
    e.errorsTotal = count(rng);
    if (std::bernoulli_distribution(0.7)(rng)) {
        e.errorsByCode["503"] = count(rng);
        e.errorsByCode["timeout"] = count(rng);
    }
    e.ticketWaitSeconds = randomHistogram(rng, 10);
    e.apiLatencyMs = randomHistogram(rng, 40);
    Histogram quality;
    for (int i = 0; i < 50; ++i)
        quality.record(std::uniform_real_distribution<double>(0, 1)(rng));
    e.matchQuality = quality;
    e.recentApiLatencyMs = randomHistogram(rng, 40);
    e.recentTicketWaitSeconds = randomHistogram(rng, 10);
    e.recentRequests = count(rng);
    e.recentErrors = count(rng);
    for (const char* name : {"ranked-5v5", "casual-3v3", "duel-1v1"}) {
        if (std::bernoulli_distribution(0.8)(rng))
            e.queues.push_back({name, count(rng), count(rng),
                                std::uniform_real_distribution<double>(0, 300)(rng), count(rng)});
    }
    return e;
}

MetricsSnapshot randomSnapshot(std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::uint64_t> count(0, 100000);
    MetricsSnapshot s;
    s.source = seed % 2 ? "simulator" : "http://127.0.0.1:8080";
    s.environment = kDeploymentEnvironments[seed % 3];
    s.sequence = seed * 1000 + 1;
    s.timeSeconds = std::uniform_real_distribution<double>(0, 86400)(rng);
    s.wallTimeUnixMs = 1764133200000.0 + static_cast<double>(seed);
    s.speed = seed % 3 == 0 ? 0.0 : 60.0;
    s.paused = seed % 5 == 0;
    s.playersOnline = count(rng);
    s.playersInQueue = count(rng);
    s.playersInMatch = count(rng);
    s.concurrentPlayersPeak = count(rng);
    s.queueDepthPeak = count(rng);
    if (seed % 3 == 1)  // only a simulator's end-of-run figures carry it
        s.ratingCorrelation = std::uniform_real_distribution<double>(-1, 1)(rng);
    s.total = randomEnvironment(rng);
    s.blue = randomEnvironment(rng);
    s.green = randomEnvironment(rng);
    for (const char* region : {"eu-west", "us-east", "asia-east"}) {
        RegionMetrics r;
        r.playersOnline = count(rng);
        r.playersInQueue = count(rng);
        r.matchesTotal = count(rng);
        r.ticketWaitSeconds = randomHistogram(rng, 8);
        r.reachable = std::bernoulli_distribution(0.8)(rng);
        r.shed = std::bernoulli_distribution(0.2)(rng);
        s.regions[region] = r;
    }
    s.tickDurationMs = randomHistogram(rng, 0.3);
    s.conservationOk = seed % 7 != 0;
    if (seed % 2) {
        s.activeFaults = {"latency +300ms green", "région \"sa-east\" hors ligne"};
        s.faultOnsetSeconds = std::uniform_real_distribution<double>(-60, 86400)(rng);
        IntegrityReport r;
        r.atSeconds = std::uniform_real_distribution<double>(0, 86400)(rng);
        r.ok = seed % 4 == 1;
        r.violations = r.ok ? 0 : count(rng);
        if (!r.ok)
            r.firstViolations = {"ticket t7: stored \"matched\", memory \"searching\""};
        r.storeCheck = seed % 3 ? "ok" : "none";
        r.inFlightExcluded = count(rng) % 100;
        r.durationMs = 12.5;
        s.integrity = r;
        s.storeMaintenance = StoreMaintenanceReport{
            1,
            2,
            seed % 3,
            {{"migration_round_trip", 1764700000125.0,
              "pulsco-matchd migrate --data-dir /d --to 1 && pulsco-matchd migrate --data-dir "
              "/d --to 3",
              true, "schema 3 -> 1 -> 3; tickets 10 kept; store check ok"},
             {"verified_backup", 1764700100250.0, "pulsco-matchd verify /b \"x\"", false,
              "/b: no backup run of this store wrote a file with this SHA-256"}}};
        // Unix seconds with milliseconds, as pulsco-matchd's record has them.
        s.availability =
            AvailabilityHistory{1764700000.125,
                                1764786400.5,
                                {{1764700000.125, 1764750000.25}, {1764750030.5, 1764786398.0}}};
    }
    return s;
}

QJsonObject smallSnapshotObject() {
    MetricsSnapshot s = randomSnapshot(3);
    return QJsonDocument::fromJson(metricsSnapshotToJson(s)).object();
}

using Edit = std::function<void(QJsonObject&)>;

// Sets the value at a dotted path ("total.tickets.created"); array elements
// are written "queues#0".
void setAt(QJsonObject& root, const QStringList& path, const QJsonValue& value) {
    if (path.size() == 1) {
        if (value.isUndefined())
            root.remove(path.front());
        else
            root[path.front()] = value;
        return;
    }
    const QString head = path.front();
    const QStringList rest = path.mid(1);
    if (head.contains(u'#')) {
        const QString key = head.section(u'#', 0, 0);
        const int index = head.section(u'#', 1).toInt();
        QJsonArray array = root[key].toArray();
        QJsonObject element = array[index].toObject();
        setAt(element, rest, value);
        array[index] = element;
        root[key] = array;
        return;
    }
    QJsonObject child = root[head].toObject();
    setAt(child, rest, value);
    root[head] = child;
}

Edit set(const QString& path, const QJsonValue& value) {
    return [path, value](QJsonObject& root) { setAt(root, path.split(u'.'), value); };
}

Edit remove(const QString& path) {
    return set(path, QJsonValue(QJsonValue::Undefined));
}

}  // namespace

class TestMetricsSnapshotJson : public QObject {
    Q_OBJECT

private slots:
    void defaultSnapshotRoundTrips();
    void randomSnapshotsRoundTrip();
    void outputIsCompactAndVersioned();
    void documentedKeyNames();
    void derivedPercentilesMatchTheHistogram();
    void histogramObjectFormsAgree();
    void badInput_data();
    void badInput();
    void invalidJsonNamesTheOffset();
};

void TestMetricsSnapshotJson::defaultSnapshotRoundTrips() {
    const MetricsSnapshot empty;
    QString error;
    const auto parsed = metricsSnapshotFromJson(metricsSnapshotToJson(empty), u"stats"_s, &error);
    QVERIFY2(parsed.has_value(), qPrintable(error));
    QVERIFY(*parsed == empty);
}

void TestMetricsSnapshotJson::randomSnapshotsRoundTrip() {
    for (std::uint64_t seed = 1; seed <= 100; ++seed) {
        const MetricsSnapshot snapshot = randomSnapshot(seed);
        QString error;
        const QByteArray json = metricsSnapshotToJson(snapshot);
        const auto parsed = metricsSnapshotFromJson(json, u"GET /v1/stats"_s, &error);
        QVERIFY2(parsed.has_value(), qPrintable(error));
        QVERIFY2(*parsed == snapshot, qPrintable(u"seed "_s + QString::number(seed)));
        // Serialising again gives the same bytes: the form is canonical.
        QCOMPARE(metricsSnapshotToJson(*parsed), json);
    }
}

void TestMetricsSnapshotJson::outputIsCompactAndVersioned() {
    const QByteArray json = metricsSnapshotToJson(randomSnapshot(4));
    QVERIFY(json.startsWith(R"({"format":1,"source":)"));
    QVERIFY(!json.contains('\n'));
    QVERIFY(!json.contains(": "));
    QVERIFY(!json.contains(", "));
}

void TestMetricsSnapshotJson::documentedKeyNames() {
    const QJsonObject root =
        QJsonDocument::fromJson(metricsSnapshotToJson(randomSnapshot(5))).object();
    const QStringList top{u"format"_s,
                          u"source"_s,
                          u"environment"_s,
                          u"sequence"_s,
                          u"time_s"_s,
                          u"wall_ms"_s,
                          u"speed"_s,
                          u"paused"_s,
                          u"players_online"_s,
                          u"players_in_queue"_s,
                          u"players_in_match"_s,
                          u"concurrent_players_peak"_s,
                          u"queue_depth_peak"_s,
                          u"total"_s,
                          u"blue"_s,
                          u"green"_s,
                          u"regions"_s,
                          u"tick_duration_ms"_s,
                          u"conservation_ok"_s,
                          u"active_faults"_s,
                          u"fault_onset_s"_s,
                          u"integrity"_s,
                          u"availability"_s,
                          u"store_maintenance"_s};
    QCOMPARE(root.keys().size(), top.size());
    for (const QString& key : top)
        QVERIFY2(root.contains(key), qPrintable(key));
    const QJsonObject env = root[u"green"_s].toObject();
    for (const QString& key :
         {u"recent_tickets_created"_s, u"tickets"_s, u"matches_total"_s, u"matches_per_minute"_s,
          u"requests_total"_s, u"errors_total"_s, u"errors_by_code"_s, u"ticket_wait_s"_s,
          u"api_latency_ms"_s, u"match_quality"_s, u"recent_api_latency_ms"_s,
          u"recent_ticket_wait_s"_s, u"recent_requests"_s, u"recent_errors"_s, u"queues"_s,
          u"matches_two_team"_s, u"matches_balanced"_s})
        QVERIFY2(env.contains(key), qPrintable(key));
    const QJsonObject histogram = env[u"api_latency_ms"_s].toObject();
    for (const QString& key : {u"count"_s, u"sum"_s, u"min"_s, u"max"_s, u"p50"_s, u"p95"_s,
                               u"p99"_s, u"zero_count"_s, u"first_index"_s, u"counts"_s})
        QVERIFY2(histogram.contains(key), qPrintable(key));
    const QJsonObject region = root[u"regions"_s].toObject()[u"eu-west"_s].toObject();
    for (const QString& key : {u"players_online"_s, u"players_in_queue"_s, u"matches_total"_s,
                               u"ticket_wait_s"_s, u"reachable"_s, u"shed"_s})
        QVERIFY2(region.contains(key), qPrintable(key));
}

void TestMetricsSnapshotJson::derivedPercentilesMatchTheHistogram() {
    const MetricsSnapshot s = randomSnapshot(6);
    const QJsonObject root = QJsonDocument::fromJson(metricsSnapshotToJson(s)).object();
    const QJsonObject latency = root[u"blue"_s].toObject()[u"api_latency_ms"_s].toObject();
    QCOMPARE(latency[u"p50"_s].toDouble(), s.blue.apiLatencyMs.quantile(0.5));
    QCOMPARE(latency[u"p95"_s].toDouble(), s.blue.apiLatencyMs.quantile(0.95));
    QCOMPARE(latency[u"p99"_s].toDouble(), s.blue.apiLatencyMs.quantile(0.99));
    QCOMPARE(latency[u"count"_s].toInteger(), static_cast<qint64>(s.blue.apiLatencyMs.count()));
}

void TestMetricsSnapshotJson::histogramObjectFormsAgree() {
    std::mt19937_64 rng(8);
    const Histogram h = randomHistogram(rng, 25);
    QByteArray written;
    JsonWriter out(&written);
    writeHistogram(out, h);
    QCOMPARE(QJsonDocument::fromJson(written).object(), histogramToJsonObject(h));
    JsonReader reader(u"histogram"_s);
    const Histogram back = readHistogram(reader.wrap(histogramToJsonObject(h)));
    QVERIFY2(reader.ok(), qPrintable(reader.error()));
    QVERIFY(back == h);
}

void TestMetricsSnapshotJson::badInput_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    const QString maxCount = u"999999999999"_s;

    auto row = [](const char* name, const Edit& edit, const QString& why) {
        QJsonObject root = smallSnapshotObject();
        edit(root);
        QTest::newRow(name) << QJsonDocument(root).toJson(QJsonDocument::Compact)
                            << (u"stats.json: "_s + why);
    };
    row("missing format", remove(u"format"_s), u"format: is required"_s);
    row("format 2", set(u"format"_s, 2),
        u"format: unsupported format 2 (this build reads format 1)"_s);
    row("unknown top-level field", set(u"uptime"_s, 3),
        u"uptime: unknown field (known fields: active_faults, availability, blue, "
        u"concurrent_players_peak, "
        u"conservation_ok, environment, fault_onset_s, format, green, integrity, paused, "
        u"players_in_match, "
        u"players_in_queue, "
        u"players_online, queue_depth_peak, rating_correlation, regions, sequence, source, "
        u"speed, store_maintenance, tick_duration_ms, time_s, total, "
        u"wall_ms)"_s);
    row("store maintenance of an unknown kind",
        set(u"store_maintenance.latest#0.kind"_s, u"vacuum"_s),
        u"store_maintenance.latest[0].kind: must be one of migration_round_trip, "
        u"verified_backup, restore_drill (got \"vacuum\")"_s);
    row("store maintenance count negative", set(u"store_maintenance.verified_backups"_s, -1),
        u"store_maintenance.verified_backups: must be an integer"_s);
    row("availability span outside the record",
        set(u"availability.up"_s, QJsonArray{QJsonArray{1764700000.125, 1764786401.0}}),
        u"availability.up[0]: must be a non-empty span inside [from_s, now_s]"_s);
    row("availability spans overlap",
        set(u"availability.up"_s, QJsonArray{QJsonArray{1764700001.0, 1764700010.0},
                                             QJsonArray{1764700005.0, 1764700020.0}}),
        u"availability.up[1]: overlaps or precedes the span before it"_s);
    row("availability span not a pair",
        set(u"availability.up"_s, QJsonArray{QJsonArray{1764700001.0}}),
        u"availability.up[0]: must be [from, to]"_s);
    row("availability now before from", set(u"availability.now_s"_s, 1.0),
        u"availability.now_s: is before from_s"_s);
    row("unknown environment", set(u"environment"_s, u"prod"_s),
        u"environment: must be one of rehearsal, staging, production (got \"prod\")"_s);
    row("sequence as string", set(u"sequence"_s, u"7"_s),
        u"sequence: must be an integer from 0 to "_s + maxCount + u" (got a string)"_s);
    row("negative players", set(u"players_online"_s, -1),
        u"players_online: must be an integer from 0 to "_s + maxCount + u" (got -1)"_s);
    row("paused not boolean", set(u"paused"_s, 1),
        u"paused: must be true or false (got a number)"_s);
    row("missing green", remove(u"green"_s), u"green: is required"_s);
    row("ticket count wrong type", set(u"total.tickets.created"_s, true),
        u"total.tickets.created: must be an integer from 0 to "_s + maxCount +
            u" (got a boolean)"_s);
    row("unknown ticket field", set(u"blue.tickets.lost"_s, 1),
        u"blue.tickets.lost: unknown field (known fields: cancelled, created, expired, matched, "
        u"searching)"_s);
    row("traffic weight over 100", set(u"green.traffic_weight_percent"_s, 101),
        u"green.traffic_weight_percent: must be a number from 0 to 100 (got 101)"_s);
    row("requested weight over 100", set(u"green.requested_weight_percent"_s, 101),
        u"green.requested_weight_percent: must be an integer from 0 to 100 (got 101)"_s);
    row("error count not a number", set(u"total.errors_by_code.503"_s, u"many"_s),
        u"total.errors_by_code.503: must be an integer from 0 to "_s + maxCount +
            u" (got a string)"_s);
    row("histogram count mismatch", set(u"blue.ticket_wait_s.count"_s, 1000000),
        u"blue.ticket_wait_s.count: must equal zero_count plus the sum of counts"_s);
    row("histogram negative bucket", set(u"green.api_latency_ms.counts"_s, QJsonArray{3, -1}),
        u"green.api_latency_ms.counts[1]: must be an integer from 0 to "_s + maxCount +
            u" (got -1)"_s);
    row("histogram unknown field", set(u"total.match_quality.buckets"_s, QJsonArray{}),
        u"total.match_quality.buckets: unknown field"_s);
    row("histogram min above max", set(u"tick_duration_ms.min"_s, 1e9),
        u"tick_duration_ms.min: must not exceed max"_s);
    row("histogram index out of range", set(u"total.api_latency_ms.first_index"_s, 1e9),
        u"total.api_latency_ms.first_index: must be an integer from"_s);
    row("histogram not an object", set(u"blue.match_quality"_s, QJsonArray{}),
        u"blue.match_quality: must be an object (got an array)"_s);
    row("region reachable not boolean", set(u"regions.eu-west.reachable"_s, u"yes"_s),
        u"regions.eu-west.reachable: must be true or false (got a string)"_s);
    row("queue without name", remove(u"total.queues#0.name"_s),
        u"total.queues[0].name: is required"_s);
    row("negative oldest wait", set(u"total.queues#0.oldest_wait_s"_s, -3),
        u"total.queues[0].oldest_wait_s: must be a number >= 0 (got -3)"_s);
    row("fault text not a string", set(u"active_faults"_s, QJsonArray{u"ok"_s, 5}),
        u"active_faults[1]: must be a string (got a number)"_s);
    row("negative speed", set(u"speed"_s, -1), u"speed: must be a number >= 0 (got -1)"_s);
    const int lastIndex = Histogram::bucketIndex(std::numeric_limits<double>::max()) + 1;
    row("histogram past the last bucket",
        set(u"tick_duration_ms"_s, QJsonObject{{u"count"_s, 2},
                                               {u"sum"_s, 0},
                                               {u"min"_s, 0},
                                               {u"max"_s, 0},
                                               {u"zero_count"_s, 0},
                                               {u"first_index"_s, lastIndex},
                                               {u"counts"_s, QJsonArray{1, 1}}}),
        u"tick_duration_ms.counts: reaches past the largest bucket index "_s +
            QString::number(lastIndex));
    row("empty histogram with a sum",
        set(u"tick_duration_ms"_s, QJsonObject{{u"count"_s, 0},
                                               {u"sum"_s, 5},
                                               {u"min"_s, 0},
                                               {u"max"_s, 0},
                                               {u"zero_count"_s, 0},
                                               {u"first_index"_s, 0},
                                               {u"counts"_s, QJsonArray{}}}),
        u"tick_duration_ms.sum: sum, min and max must be 0 when count is 0"_s);
    const QString longName(65, u'x');
    row(
        "region name too long",
        [longName](QJsonObject& root) {
            QJsonObject regions = root[u"regions"_s].toObject();
            regions[longName] = regions[u"eu-west"_s];
            root[u"regions"_s] = regions;
        },
        u"regions."_s + longName + u": must be a name of 1 to 64 characters"_s);
    row("empty error code", set(u"blue.errors_by_code"_s, QJsonObject{{QString(), 1}}),
        u"blue.errors_by_code: must be a name of 1 to 64 characters"_s);
}

void TestMetricsSnapshotJson::badInput() {
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    QString error;
    const auto parsed = metricsSnapshotFromJson(json, u"stats.json"_s, &error);
    QVERIFY(!parsed.has_value());
    // Some messages end with figures that depend on the random data.
    QVERIFY2(error.startsWith(expected), qPrintable(error));
}

void TestMetricsSnapshotJson::invalidJsonNamesTheOffset() {
    QByteArray json = metricsSnapshotToJson(randomSnapshot(9));
    json.truncate(40);
    QString error;
    QVERIFY(!metricsSnapshotFromJson(json, u"GET /v1/stats"_s, &error));
    QVERIFY2(error.startsWith(u"GET /v1/stats: invalid JSON at offset "_s), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestMetricsSnapshotJson)
#include "tst_metrics_snapshot_json.moc"
