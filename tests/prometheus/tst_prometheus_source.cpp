// The console's Prometheus source against the real thing (issue 18, items
// 2 and 3): Debian's Prometheus on loopback with a throw-away TSDB and 1 s
// scrapes, scraping real blue and green pulsco-matchd under traffic. Blue
// and green come from pulsco_info; the API p95 the source builds from the
// buckets agrees with the servers' own /v1/stats within 10 %; the history
// is filled on connect; killing green turns the source stale naming green;
// a bad URL, an unreachable Prometheus and a query Prometheus refuses each
// give a clear error.
#include "support/HttpTestClient.h"
#include "support/MatchdProcess.h"
#include "support/PrometheusProcess.h"

#include "bridge/MetricsSnapshotJson.h"
#include "net/live/SnapshotMerge.h"
#include "net/promsource/PrometheusSource.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QUrl>

#include <cmath>

using namespace Qt::StringLiterals;
using pulsco::test::http;
using pulsco::test::MatchdProcess;
using pulsco::test::PrometheusProcess;

namespace {

const QByteArray kToken = "prometheus-source-token";

QString hostPort(const MatchdProcess& server) {
    return QUrl(server.url()).authority();
}

pulsco::SnapshotPtr ownStats(const MatchdProcess& server) {
    const auto stats = http(server.port(), "GET", "/v1/stats");
    QString error;
    auto snapshot = pulsco::metricsSnapshotFromJson(stats.body, u"/v1/stats"_s, &error);
    if (!snapshot)
        qWarning("%s", qPrintable(error));
    return snapshot ? std::make_shared<const pulsco::MetricsSnapshot>(std::move(*snapshot))
                    : nullptr;
}

// Creates and reads on one server: `n` tickets, each created then read.
bool traffic(const MatchdProcess& server, int n, const QByteArray& prefix) {
    for (int i = 0; i < n; ++i) {
        const auto r = http(server.port(), "POST", "/v1/tickets",
                            pulsco::test::soloTicket("ranked-5v5", prefix + QByteArray::number(i)));
        if (r.status != 201)
            return false;
        http(server.port(), "GET",
             "/v1/tickets/" + r.json().value(u"ticket_id").toString().toLatin1());
    }
    return true;
}

pulsco::PrometheusSourceConfig config(const QString& url,
                                      const QString& selector = u"{job=\"pulsco\"}"_s) {
    pulsco::PrometheusSourceConfig c;
    c.url = url;
    c.selector = selector;
    return c;
}

}  // namespace

class TestPrometheusSource : public QObject {
    Q_OBJECT
private slots:
    void refusesBadUrls_data();
    void refusesBadUrls();
    void saysWhenPrometheusIsUnreachable();
    void readsBlueAndGreenThroughPrometheus();
};

void TestPrometheusSource::refusesBadUrls_data() {
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("says");
    QTest::newRow("no scheme") << u"127.0.0.1:9090"_s << u"must be an http:// or https:// URL"_s;
    QTest::newRow("ftp") << u"ftp://h:9090"_s << u"must be an http:// or https:// URL"_s;
    QTest::newRow("query") << u"http://h:9090/?x=1"_s << u"must not have a query"_s;
    QTest::newRow("api path") << u"http://h:9090/api/v1/query"_s << u"give Prometheus' base URL"_s;
    QTest::newRow("fine") << u"http://h:9090"_s << QString();
    QTest::newRow("route prefix") << u"https://h/prometheus"_s << QString();
}

void TestPrometheusSource::refusesBadUrls() {
    QFETCH(QString, url);
    QFETCH(QString, says);
    const QString why = pulsco::PrometheusSource::checkUrl(url);
    if (says.isEmpty())
        QVERIFY2(why.isEmpty(), qPrintable(why));
    else
        QVERIFY2(why.startsWith(url) && why.contains(says), qPrintable(why));
}

void TestPrometheusSource::saysWhenPrometheusIsUnreachable() {
    // A port nothing listens on (bound, then closed).
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        port = probe.serverPort();
    }
    pulsco::PrometheusSource source(config(u"http://127.0.0.1:%1"_s.arg(port)));
    source.setRefreshIntervalMs(200);
    QSignalSpy events(&source, &pulsco::Source::eventsReady);
    source.start();
    QTRY_VERIFY_WITH_TIMEOUT(!source.problem().isEmpty(), 10000);
    QVERIFY2(source.problem().contains(u"http://127.0.0.1:%1"_s.arg(port)) &&
                 source.problem().contains(u"refused"_s, Qt::CaseInsensitive),
             qPrintable(source.problem()));
    QVERIFY(source.state() == pulsco::Source::State::Stale);
    QVERIFY(!source.latestSnapshot());
    QVERIFY(events.size() >= 1);  // the problem, once, in the event log
}

void TestPrometheusSource::readsBlueAndGreenThroughPrometheus() {
    MatchdProcess blue(u"blue"_s, kToken), green(u"green"_s, kToken);
    QVERIFY(blue.start());
    QVERIFY(green.start());
    PrometheusProcess prometheus;
    const QString started =
        prometheus.start(PrometheusProcess::scrapeConfig({hostPort(blue), hostPort(green)}));
    QVERIFY2(started.isEmpty(), qPrintable(started));
    QTRY_COMPARE_WITH_TIMEOUT(prometheus.scalar(u"sum(up{job=\"pulsco\"})"_s),
                              std::optional<double>(2), 15000);

    // Traffic on both colours, more on blue.
    QVERIFY(traffic(blue, 200, "b"));
    QVERIFY(traffic(green, 60, "g"));
    // Prometheus has scraped all of it.
    QTRY_COMPARE_WITH_TIMEOUT(
        prometheus.scalar(u"sum(pulsco_http_request_duration_seconds_count{class=\"api\"})"_s),
        std::optional<double>(520), 15000);

    // Some history for the source to fill on connect (5 s steps).
    QTest::qWait(6000);
    pulsco::PrometheusSource source(config(prometheus.url()));
    source.setRefreshIntervalMs(250);
    QSignalSpy snapshots(&source, &pulsco::Source::snapshotReady);
    const double startMs = double(QDateTime::currentMSecsSinceEpoch());
    source.start();
    // The history first: one snapshot per 5 s step of the last 10 minutes
    // that Prometheus has data for, then the live refreshes.
    QTRY_VERIFY_WITH_TIMEOUT(source.state() == pulsco::Source::State::Running, 10000);
    QVERIFY(!snapshots.isEmpty());
    const auto first = snapshots.first().first().value<pulsco::SnapshotPtr>();
    QVERIFY2(first->wallTimeUnixMs <= startMs - 4000, "no history filled on connect");
    QVERIFY(first->timeSeconds < 600 - 4);
    QVERIFY2(source.problem().isEmpty(), qPrintable(source.problem()));
    QVERIFY(source.displayName().contains(prometheus.url()));

    // Blue and green told apart by pulsco_info's label; the counts are
    // the servers' own.
    QTRY_VERIFY_WITH_TIMEOUT(source.latestSnapshot() &&
                                 source.latestSnapshot()->blue.tickets.created == 200 &&
                                 source.latestSnapshot()->green.tickets.created == 60,
                             10000);
    const pulsco::SnapshotPtr viaProm = source.latestSnapshot();
    QCOMPARE(viaProm->environment, pulsco::DeploymentEnvironment::Staging);
    QCOMPARE(viaProm->total.tickets.created, 260u);
    QCOMPARE(viaProm->blue.requestsTotal, 400u);
    QCOMPARE(viaProm->green.requestsTotal, 120u);
    QCOMPARE(viaProm->total.apiLatencyMs.count(), 520u);
    QVERIFY(viaProm->conservationOk);
    QVERIFY(source.serverIdentities().contains(u"blue "_s + hostPort(blue)));
    QVERIFY(source.serverIdentities().contains(u"green "_s + hostPort(green)));

    // The p95 the pages show through Prometheus against the servers' own.
    const pulsco::MetricsSnapshot own = pulsco::mergeServerSnapshots(
        {{pulsco::Color::Blue, ownStats(blue)}, {pulsco::Color::Green, ownStats(green)}});
    QCOMPARE(own.total.apiLatencyMs.count(), 520u);
    // Players searching and in matches (gauges pulsco-matchd exports).
    QVERIFY(own.playersOnline > 0);
    QCOMPARE(viaProm->playersOnline, own.playersOnline);
    QCOMPARE(viaProm->total.matchesTotal, own.total.matchesTotal);
    QVERIFY(own.total.matchQuality.count() > 0);
    QCOMPARE(viaProm->total.matchQuality.count(), own.total.matchQuality.count());
    for (const auto& [name, ours, theirs] : {std::tuple{"total", &viaProm->total, &own.total},
                                             std::tuple{"blue", &viaProm->blue, &own.blue},
                                             std::tuple{"green", &viaProm->green, &own.green}}) {
        const double p95 = ours->apiLatencyMs.quantile(0.95);
        const double truth = theirs->apiLatencyMs.quantile(0.95);
        const double apart = std::abs(p95 - truth) / truth;
        qInfo("%s api p95: through Prometheus %.3f ms, pulsco-matchd %.3f ms (%.1f %% apart)", name,
              p95, truth, apart * 100);
        QVERIFY2(apart <= 0.10, name);
    }
    // The recent window (increase over 1 m) holds the traffic just sent.
    QVERIFY(viaProm->total.recentApiLatencyMs.count() > 0);
    // The Regions tab: the servers' own figures, region by region.
    QVERIFY(own.regions.size() >= 2);
    QCOMPARE(viaProm->regions.size(), own.regions.size());
    for (const auto& [name, region] : own.regions) {
        QVERIFY2(viaProm->regions.contains(name), name.c_str());
        const pulsco::RegionMetrics& via = viaProm->regions.at(name);
        QCOMPARE(via.playersInQueue, region.playersInQueue);
        QCOMPARE(via.playersOnline, region.playersOnline);
        QCOMPARE(via.matchesTotal, region.matchesTotal);
        QCOMPARE(via.ticketWaitSeconds.count(), region.ticketWaitSeconds.count());
        QCOMPARE(via.reachable, true);
        QCOMPARE(via.shed, false);
    }
    QVERIFY(own.regions.at("eu-west").matchesTotal > 0);

    // A region counts as shed only when every server sheds it: blue alone
    // is not enough (green still hosts its matches), both are.
    const auto shedEuWest = [](const MatchdProcess& server) {
        return http(server.port(), "POST", "/v1/admin/regions/shed", R"({"region":"eu-west"})",
                    "Authorization: Bearer " + kToken + "\r\n")
            .status;
    };
    const auto euWestShedViaProm = [&source] {
        const auto s = source.latestSnapshot();
        return s && s->regions.contains("eu-west") && s->regions.at("eu-west").shed;
    };
    QCOMPARE(shedEuWest(blue), 200);
    QTRY_COMPARE_WITH_TIMEOUT(
        prometheus.scalar(u"sum(pulsco_region_shed{job=\"pulsco\",region=\"eu-west\"})"_s),
        std::optional<double>(1), 15000);
    const int refreshes = source.refreshesDone();
    QTRY_VERIFY_WITH_TIMEOUT(source.refreshesDone() >= refreshes + 2, 10000);
    QVERIFY(!euWestShedViaProm());
    QCOMPARE(shedEuWest(green), 200);
    QTRY_VERIFY_WITH_TIMEOUT(euWestShedViaProm(), 15000);

    // Green killed: Prometheus' next scrape fails, the source goes stale
    // and says which colour.
    green.kill();
    QTRY_VERIFY_WITH_TIMEOUT(source.state() == pulsco::Source::State::Stale, 10000);
    QVERIFY2(source.problem().contains(u"green "_s + hostPort(green)) &&
                 source.problem().contains(u"up == 0"_s),
             qPrintable(source.problem()));
    bool greenDown = false;
    for (const auto& t : source.targets())
        if (t.color == u"green"_s)
            greenDown = t.known && !t.up;
    QVERIFY(greenDown);
    // Blue is still read; green keeps its last figures (stale), as a server
    // watched directly does.
    QVERIFY(source.latestSnapshot() && source.latestSnapshot()->blue.tickets.created == 200);
    QCOMPARE(source.latestSnapshot()->green.tickets.created, 60u);
    source.stop();

    // A query Prometheus refuses: its errorType and error are what is shown.
    pulsco::PrometheusSource bad(config(prometheus.url(), u"{job=~\"(\"}"_s));
    bad.setHistorySeconds(0);
    bad.start();
    QTRY_VERIFY_WITH_TIMEOUT(!bad.problem().isEmpty(), 10000);
    QVERIFY2(bad.problem().contains(u"bad_data"_s) && bad.problem().contains(prometheus.url()),
             qPrintable(bad.problem()));

    // A selector that matches nothing says so.
    pulsco::PrometheusSource none(config(prometheus.url(), u"{job=\"nothing\"}"_s));
    none.setHistorySeconds(0);
    none.start();
    QTRY_VERIFY_WITH_TIMEOUT(!none.problem().isEmpty(), 10000);
    QVERIFY2(none.problem().contains(u"no target matching {job=\"nothing\"}"_s),
             qPrintable(none.problem()));
}

QTEST_GUILESS_MAIN(TestPrometheusSource)
#include "tst_prometheus_source.moc"
