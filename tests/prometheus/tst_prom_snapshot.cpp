// The Prometheus source's pure parts (issue 18, item 2), no socket: the
// query API's answers read or refused with Prometheus' own error, the
// selector check, Prometheus' `le` buckets as a core histogram (the p95 as
// histogram_quantile would put it), and a refresh's answers built into
// coloured snapshots with a down target named.
#include "net/promsource/PromQueryResponse.h"
#include "net/promsource/PromSnapshotBuilder.h"

#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace pulsco;

using Buckets = std::vector<std::pair<double, double>>;

namespace {

PromQueryResult vector(const QByteArray& json) {
    PromQueryError error;
    const auto r = parsePromQueryResponse(json, 200, u"test"_s, &error);
    if (!r)
        qFatal("%s", qPrintable(error.message));
    return *r;
}

QByteArray vec(const QByteArray& series) {
    return R"({"status":"success","data":{"resultType":"vector","result":[)" + series + "]}}";
}

// histogram_quantile's answer over cumulative buckets, for comparison.
double promQuantile(double q, const std::vector<std::pair<double, double>>& buckets) {
    const double total = buckets.back().second;
    const double rank = q * total;
    double lower = 0, below = 0;
    for (const auto& [bound, cumulative] : buckets) {
        if (cumulative >= rank) {
            if (!std::isfinite(bound))
                return lower;
            return lower + (bound - lower) * (rank - below) / (cumulative - below);
        }
        lower = bound;
        below = cumulative;
    }
    return lower;
}

}  // namespace

class TestPromSnapshot : public QObject {
    Q_OBJECT
private slots:
    void readsVectorsMatricesScalars();
    void refusesBadAnswers_data();
    void refusesBadAnswers();
    void showsPrometheusErrors();
    void checksSelectors_data();
    void checksSelectors();
    void queriesCarryTheSelector();
    void bucketsBecomeAHistogram_data();
    void bucketsBecomeAHistogram();
    void buildsColouredSnapshots();
    void buildsRegions();
    void remembersTheColourOfADownTarget();
    void refusesTargetsThatAreNotMatchd();
};

void TestPromSnapshot::readsVectorsMatricesScalars() {
    const PromQueryResult v =
        vector(vec(R"({"metric":{"__name__":"up","instance":"a:1"},"value":[1700000000.5,"1"]},)"
                   R"({"metric":{"instance":"b:2"},"value":[1700000000.5,"NaN"]})"));
    QCOMPARE(v.resultType, u"vector"_s);
    QCOMPARE(v.series.size(), 2u);
    QCOMPARE(v.series[0].labels.value(u"instance"_s), u"a:1"_s);
    QCOMPARE(v.series[0].points[0].value, 1.0);
    QCOMPARE(v.series[0].points[0].atUnixSeconds, 1700000000.5);
    QVERIFY(std::isnan(v.series[1].points[0].value));

    const PromQueryResult m = vector(
        R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{"le":"+Inf"},)"
        R"("values":[[10,"1"],[15,"2.5"],[20,"+Inf"]]}]},"warnings":["w1"]})");
    QCOMPARE(m.series[0].points.size(), 3u);
    QCOMPARE(m.series[0].points[1].value, 2.5);
    QVERIFY(std::isinf(m.series[0].points[2].value));
    QCOMPARE(m.warnings, QStringList{u"w1"_s});

    const PromQueryResult s =
        vector(R"({"status":"success","data":{"resultType":"scalar","result":[5,"42"]}})");
    QCOMPARE(s.series.size(), 1u);
    QCOMPARE(s.series[0].points[0].value, 42.0);
}

void TestPromSnapshot::refusesBadAnswers_data() {
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("says");
    QTest::newRow("not json") << QByteArray("<html>") << 200 << u"not JSON at offset"_s;
    QTest::newRow("html 404") << QByteArray("<html>") << 404
                              << u"HTTP 404 and no Prometheus answer"_s;
    QTest::newRow("array") << QByteArray("[]") << 200 << u"top level must be an object"_s;
    QTest::newRow("status") << QByteArray(R"({"status":"ok"})") << 200 << u"status: must be"_s;
    QTest::newRow("no data") << QByteArray(R"({"status":"success"})") << 200
                             << u"data: must be an object"_s;
    QTest::newRow("type") << QByteArray(R"({"status":"success","data":{"resultType":"string",)"
                                        R"("result":[1,"x"]}})")
                          << 200 << u"\"string\" is not a vector"_s;
    QTest::newRow("metric") << vec(R"({"value":[1,"1"]})") << 200
                            << u"data.result[0].metric: must be an object"_s;
    QTest::newRow("label") << vec(R"({"metric":{"a":1},"value":[1,"1"]})") << 200
                           << u"data.result[0].metric.a: label values must be strings"_s;
    QTest::newRow("value") << vec(R"({"metric":{},"value":[1,1]})") << 200
                           << u"data.result[0].value: value must be a number in a string"_s;
    QTest::newRow("pair") << vec(R"({"metric":{},"value":[1]})") << 200
                          << u"must be [<unix seconds>"_s;
    QTest::newRow("garbage number")
        << vec(R"({"metric":{},"value":[1,"12abc"]})") << 200 << u"value must be a number"_s;
    QTest::newRow("time backwards")
        << QByteArray(R"({"status":"success","data":{"resultType":"matrix","result":[)"
                      R"({"metric":{},"values":[[2,"1"],[1,"1"]]}]}})")
        << 200 << u"data.result[0].values[1]: time must increase"_s;
}

void TestPromSnapshot::refusesBadAnswers() {
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, says);
    PromQueryError error;
    QVERIFY(
        !parsePromQueryResponse(body, status, u"Prometheus http://h:9090 query `up`"_s, &error));
    QVERIFY2(error.message.startsWith(u"Prometheus http://h:9090 query `up`: "_s),
             qPrintable(error.message));
    QVERIFY2(error.message.contains(says), qPrintable(error.message));
}

void TestPromSnapshot::showsPrometheusErrors() {
    PromQueryError error;
    QVERIFY(!parsePromQueryResponse(
        R"({"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected }"})",
        400, u"q"_s, &error));
    QCOMPARE(error.errorType, u"bad_data"_s);
    QCOMPARE(error.message, u"q: bad_data: 1:5: parse error: unexpected }"_s);
}

void TestPromSnapshot::checksSelectors_data() {
    QTest::addColumn<QString>("selector");
    QTest::addColumn<QString>("says");
    QTest::newRow("default") << u"{job=\"pulsco\"}"_s << QString();
    QTest::newRow("empty braces") << u"{}"_s << QString();
    QTest::newRow("two") << u" {job=\"pulsco\", env=~\"stag.*\"} "_s << QString();
    QTest::newRow("empty") << u""_s << u"selector: empty"_s;
    QTest::newRow("metric name") << u"up{job=\"x\"}"_s << u"must be label matchers in braces"_s;
    QTest::newRow("__name__") << u"{__name__=\"up\"}"_s << u"must not match __name__"_s;
}

void TestPromSnapshot::checksSelectors() {
    QFETCH(QString, selector);
    QFETCH(QString, says);
    const QString why = checkPromSelector(selector);
    if (says.isEmpty())
        QVERIFY2(why.isEmpty(), qPrintable(why));
    else
        QVERIFY2(why.contains(says), qPrintable(why));
}

void TestPromSnapshot::queriesCarryTheSelector() {
    const auto queries = dashboardQueries(u"{job=\"pulsco\",env=\"staging\"}"_s);
    QCOMPARE(int(queries.size()), kPromQueryCount);
    for (int i = 0; i < kPromQueryCount; ++i) {
        QCOMPARE(int(queries[std::size_t(i)].id), i);
        QVERIFY2(queries[std::size_t(i)].promql.contains(u"job=\"pulsco\",env=\"staging\"}"_s),
                 qPrintable(queries[std::size_t(i)].promql));
    }
    QCOMPARE(queries[0].promql, u"pulsco_info{job=\"pulsco\",env=\"staging\"}"_s);
    QCOMPARE(dashboardQueries(u"{}"_s)[1].promql, u"up{}"_s);
    QVERIFY(queries[std::size_t(PromQueryId::Latency)].promql.contains(
        u"pulsco_http_request_duration_seconds_bucket{class=\"api\",job="_s));
}

void TestPromSnapshot::bucketsBecomeAHistogram_data() {
    QTest::addColumn<Buckets>("buckets");
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("one bucket") << Buckets{{0.001, 0}, {0.002, 100}, {inf, 100}};
    QTest::newRow("spread") << Buckets{{0.001, 10},   {0.0011, 300}, {0.0012, 800},
                                       {0.0013, 950}, {0.01, 1000},  {inf, 1000}};
    QTest::newRow("fractional increase")
        << Buckets{{0.1, 2.4}, {0.11, 40.6}, {0.12, 57.2}, {inf, 57.2}};
    QTest::newRow("tail in +Inf") << Buckets{{0.1, 10}, {0.2, 12}, {inf, 100}};
}

void TestPromSnapshot::bucketsBecomeAHistogram() {
    QFETCH(Buckets, buckets);
    const Histogram h = histogramFromPromBuckets(buckets, 1000.0);
    QCOMPARE(h.count(), std::uint64_t(std::llround(buckets.back().second)));
    for (const double q : {0.5, 0.95, 0.99}) {
        const double theirs = promQuantile(q, buckets) * 1000.0;
        const double ours = h.quantile(q);
        // Spread over at most 16 points per bucket, read back within the
        // core histogram's 1 %: a few percent of one bucket's width.
        QVERIFY2(std::abs(ours - theirs) <= 0.05 * theirs + 1e-9,
                 qPrintable(
                     u"q=%1: ours %2 ms, histogram_quantile %3 ms"_s.arg(q).arg(ours).arg(theirs)));
    }
    // Counts that decrease (a reset between scrapes) never go negative.
    const Histogram clamped = histogramFromPromBuckets({{1, 5}, {2, 3}, {3, 7}}, 1);
    QCOMPARE(clamped.count(), 7u);
}

void TestPromSnapshot::buildsColouredSnapshots() {
    const QByteArray t = "1700000000";
    PromAnswers answers;
    answers[std::size_t(PromQueryId::Up)] =
        vector(vec(R"({"metric":{"instance":"b:1","job":"pulsco"},"value":[1700000000,"1"]},)"
                   R"({"metric":{"instance":"g:2","job":"pulsco"},"value":[1700000000,"1"]})"));
    answers[std::size_t(PromQueryId::Info)] = vector(vec(
        R"({"metric":{"instance":"b:1","color":"blue","environment":"staging"},"value":[1700000000,"1"]},)"
        R"({"metric":{"instance":"g:2","color":"green","environment":"staging"},"value":[1700000000,"1"]})"));
    answers[std::size_t(PromQueryId::Gauges)] = vector(vec(
        R"({"metric":{"__name__":"pulsco_tickets_total","instance":"b:1","state":"created"},"value":[1700000000,"10"]},)"
        R"({"metric":{"__name__":"pulsco_tickets_total","instance":"b:1","state":"matched"},"value":[1700000000,"6"]},)"
        R"({"metric":{"__name__":"pulsco_tickets_searching","instance":"b:1"},"value":[1700000000,"4"]},)"
        R"({"metric":{"__name__":"pulsco_queue_depth","instance":"b:1","queue":"ranked-5v5"},"value":[1700000000,"4"]},)"
        R"({"metric":{"__name__":"pulsco_players_in_queue","instance":"b:1"},"value":[1700000000,"4"]},)"
        R"({"metric":{"__name__":"pulsco_players_in_match","instance":"b:1"},"value":[1700000000,"6"]},)"
        R"({"metric":{"__name__":"pulsco_integrity_ok","instance":"g:2"},"value":[1700000000,"0"]},)"
        R"({"metric":{"__name__":"pulsco_tickets_total","instance":"g:2","state":"created"},"value":[1700000000,"3"]},)"
        R"({"metric":{"__name__":"pulsco_tickets_searching","instance":"g:2"},"value":[1700000000,"3"]})"));
    answers[std::size_t(PromQueryId::Requests)] = vector(vec(
        R"({"metric":{"instance":"b:1","class":"api","code":"201"},"value":[1700000000,"90"]},)"
        R"({"metric":{"instance":"b:1","class":"api","code":"503"},"value":[1700000000,"10"]},)"
        R"({"metric":{"instance":"b:1","class":"monitoring","code":"200"},"value":[1700000000,"500"]},)"
        R"({"metric":{"instance":"g:2","class":"api","code":"201"},"value":[1700000000,"3"]})"));
    answers[std::size_t(PromQueryId::RecentRequests)] = vector(vec(
        R"({"metric":{"instance":"b:1","class":"api","code":"201"},"value":[1700000000,"29.6"]},)"
        R"({"metric":{"instance":"b:1","class":"api","code":"503"},"value":[1700000000,"1.2"]})"));
    answers[std::size_t(PromQueryId::Latency)] =
        vector(vec(R"({"metric":{"instance":"b:1","le":"0.001"},"value":[1700000000,"50"]},)"
                   R"({"metric":{"instance":"b:1","le":"0.002"},"value":[1700000000,"100"]},)"
                   R"({"metric":{"instance":"b:1","le":"+Inf"},"value":[1700000000,"100"]})"));
    answers[std::size_t(PromQueryId::RecentTickets)] = vector(
        vec(R"({"metric":{"instance":"b:1","state":"created"},"value":[1700000000,"7.4"]},)"
            R"({"metric":{"instance":"g:2","state":"created"},"value":[1700000000,"2.6"]})"));
    const PromBuild build = buildPromSnapshots(answers, t.toDouble(), t.toDouble() - 600, {});
    QVERIFY2(build.problems.isEmpty(), qPrintable(build.problems.join(u'\n')));
    QCOMPARE(build.parts.size(), 2u);
    const MetricsSnapshot& blue = *build.parts[0].second;
    QCOMPARE(build.parts[0].first, Color::Blue);
    QCOMPARE(blue.environment, DeploymentEnvironment::Staging);
    QCOMPARE(blue.timeSeconds, 600.0);
    QCOMPARE(blue.wallTimeUnixMs, 1700000000000.0);
    QCOMPARE(blue.blue.tickets.created, 10u);
    QCOMPARE(blue.blue.tickets.matched, 6u);
    QCOMPARE(blue.blue.requestsTotal, 100u);  // API only: monitoring is not user traffic
    QCOMPARE(blue.blue.errorsTotal, 10u);
    QCOMPARE(blue.blue.errorsByCode.at("503"), 10u);
    QCOMPARE(blue.blue.recentRequests, 31u);  // 29.6 + 1.2 rounded each
    QCOMPARE(blue.blue.recentErrors, 1u);
    QCOMPARE(blue.blue.recentTicketsCreated, 7u);
    QCOMPARE(blue.blue.apiLatencyMs.count(), 100u);
    QVERIFY(blue.blue.apiLatencyMs.quantile(0.95) > 1.8 &&
            blue.blue.apiLatencyMs.quantile(0.95) < 2.0);
    QCOMPARE(blue.blue.queues.size(), 1u);
    QCOMPARE(blue.blue.queues[0].depth, 4u);
    QCOMPARE(blue.playersOnline, 10u);
    QVERIFY(blue.conservationOk);
    QVERIFY(!blue.integrity);
    QCOMPARE(blue.total, blue.blue);
    QCOMPARE(blue.green, EnvironmentMetrics{});
    const MetricsSnapshot& green = *build.parts[1].second;
    QCOMPARE(build.parts[1].first, Color::Green);
    QCOMPARE(green.green.tickets.created, 3u);
    QVERIFY(green.integrity && !green.integrity->ok);
    QVERIFY(green.conservationOk);
    QCOMPARE(build.targets.value(u"g:2"_s).color, u"green"_s);
    QCOMPARE(build.targets.value(u"b:1"_s).up, std::optional<bool>(true));
}

void TestPromSnapshot::buildsRegions() {
    PromAnswers answers;
    answers[std::size_t(PromQueryId::Up)] =
        vector(vec(R"({"metric":{"instance":"b:1"},"value":[100,"1"]})"));
    answers[std::size_t(PromQueryId::Info)] = vector(vec(
        R"({"metric":{"instance":"b:1","color":"blue","environment":"staging"},"value":[100,"1"]})"));
    answers[std::size_t(PromQueryId::Gauges)] = vector(vec(
        R"({"metric":{"__name__":"pulsco_region_players_in_queue","instance":"b:1","region":"eu-west"},"value":[100,"7"]},)"
        R"({"metric":{"__name__":"pulsco_region_players_online","instance":"b:1","region":"eu-west"},"value":[100,"19"]},)"
        R"({"metric":{"__name__":"pulsco_region_matches_total","instance":"b:1","region":"eu-west"},"value":[100,"12"]},)"
        R"({"metric":{"__name__":"pulsco_region_reachable","instance":"b:1","region":"eu-west"},"value":[100,"0"]},)"
        R"({"metric":{"__name__":"pulsco_region_shed","instance":"b:1","region":"eu-west"},"value":[100,"1"]},)"
        R"({"metric":{"__name__":"pulsco_region_reachable","instance":"b:1","region":"us-east"},"value":[100,"1"]},)"
        R"({"metric":{"__name__":"pulsco_region_shed","instance":"b:1","region":"us-east"},"value":[100,"0"]},)"
        R"({"metric":{"__name__":"pulsco_region_shed","instance":"b:1"},"value":[100,"1"]})"));
    // Wait buckets alone make no region (asia-east): only its gauges do.
    answers[std::size_t(PromQueryId::RegionWait)] = vector(
        vec(R"({"metric":{"instance":"b:1","region":"eu-west","le":"5"},"value":[100,"8"]},)"
            R"({"metric":{"instance":"b:1","region":"eu-west","le":"10"},"value":[100,"10"]},)"
            R"({"metric":{"instance":"b:1","region":"eu-west","le":"+Inf"},"value":[100,"10"]},)"
            R"({"metric":{"instance":"b:1","region":"asia-east","le":"+Inf"},"value":[100,"3"]})"));
    const PromBuild build = buildPromSnapshots(answers, 100, 0, {});
    QCOMPARE(build.parts.size(), 1u);
    const MetricsSnapshot& s = *build.parts[0].second;
    QCOMPARE(s.regions.size(), 2u);  // no region from a series without its label
    const RegionMetrics& eu = s.regions.at("eu-west");
    QCOMPARE(eu.playersInQueue, 7u);
    QCOMPARE(eu.playersOnline, 19u);
    QCOMPARE(eu.matchesTotal, 12u);
    QCOMPARE(eu.reachable, false);
    QCOMPARE(eu.shed, true);
    QCOMPARE(eu.ticketWaitSeconds.count(), 10u);
    QVERIFY(eu.ticketWaitSeconds.quantile(0.5) < 5.0);
    const RegionMetrics& us = s.regions.at("us-east");
    QCOMPARE(us.reachable, true);
    QCOMPARE(us.shed, false);
    QCOMPARE(us.ticketWaitSeconds.count(), 0u);
    QVERIFY(!s.regions.contains("asia-east"));
}

void TestPromSnapshot::remembersTheColourOfADownTarget() {
    // Green was seen before; now Prometheus' scrape fails: its series are
    // stale (gone), only `up 0` is left.
    QMap<QString, PromTarget> known;
    known[u"g:2"_s] = {u"g:2"_s, u"green"_s, u"staging"_s, true, true};
    PromAnswers answers;
    answers[std::size_t(PromQueryId::Up)] =
        vector(vec(R"({"metric":{"instance":"g:2"},"value":[100,"0"]})"));
    // increase() over the last minute still sees its samples from before:
    // no part is built from them (it would read as counters of zero).
    answers[std::size_t(PromQueryId::RecentRequests)] = vector(
        vec(R"({"metric":{"instance":"g:2","class":"api","code":"201"},"value":[100,"12"]})"));
    const PromBuild build = buildPromSnapshots(answers, 100, 0, known);
    QVERIFY(build.parts.empty());
    QCOMPARE(build.problems, QStringList{u"green g:2: down for Prometheus (up == 0)"_s});
    QCOMPARE(build.targets.value(u"g:2"_s).color, u"green"_s);
    QCOMPARE(build.targets.value(u"g:2"_s).up, std::optional<bool>(false));
}

void TestPromSnapshot::refusesTargetsThatAreNotMatchd() {
    PromAnswers answers;
    answers[std::size_t(PromQueryId::Up)] =
        vector(vec(R"({"metric":{"instance":"x:9"},"value":[100,"1"]},)"
                   R"({"metric":{"instance":"y:9"},"value":[100,"1"]})"));
    answers[std::size_t(PromQueryId::Info)] =
        vector(vec(R"({"metric":{"instance":"y:9","color":"purple"},"value":[100,"1"]})"));
    answers[std::size_t(PromQueryId::Gauges)] = vector(vec(
        R"({"metric":{"__name__":"pulsco_tickets_searching","instance":"x:9"},"value":[100,"1"]},)"
        R"({"metric":{"__name__":"pulsco_tickets_searching","instance":"y:9"},"value":[100,"1"]})"));
    const PromBuild build = buildPromSnapshots(answers, 100, 0, {});
    QVERIFY(build.parts.empty());
    QCOMPARE(build.problems.size(), 2);
    QVERIFY2(build.problems[0].contains(u"x:9: no pulsco_info series"_s),
             qPrintable(build.problems[0]));
    QVERIFY2(build.problems[1].contains(u"y:9: pulsco_info color=\"purple\""_s),
             qPrintable(build.problems[1]));
}

QTEST_GUILESS_MAIN(TestPromSnapshot)
#include "tst_prom_snapshot.moc"
