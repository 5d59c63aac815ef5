// A real Prometheus (Debian's, 1 s scrapes, a throw-away TSDB on loopback)
// scraping real blue and green pulsco-matchd (issue 18, items 1, 3 and 6):
// the shipped scrape config passes `promtool check config`; the colours come
// from pulsco_info; the create-ticket p95 Prometheus computes from the
// route-labelled buckets agrees with pulsco-matchd's own within 10 %; a
// killed server is `up == 0`.
#include "support/HttpTestClient.h"
#include "support/MatchdProcess.h"
#include "support/PrometheusProcess.h"

#include "bridge/MetricsSnapshotJson.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTest>
#include <QUrl>

#include <cmath>

using namespace Qt::StringLiterals;
using pulsco::test::http;
using pulsco::test::MatchdProcess;
using pulsco::test::PrometheusProcess;

namespace {

QString hostPort(const MatchdProcess& server) {
    return QUrl(server.url()).authority();
}

}  // namespace

class TestPrometheusScrape : public QObject {
    Q_OBJECT
private slots:
    void shippedScrapeConfigIsValid();
    void scrapesBlueAndGreen();
};

void TestPrometheusScrape::shippedScrapeConfigIsValid() {
    const QString promtool = QStandardPaths::findExecutable(u"promtool"_s);
    QVERIFY2(!promtool.isEmpty(), "promtool not found: tools/install-deps.sh installs prometheus");
    QProcess p;
    p.start(promtool,
            {u"check"_s, u"config"_s,
             QStringLiteral(PULSCO_SOURCE_DIR "/resources/prometheus/pulsco-scrape.yml")});
    QVERIFY(p.waitForFinished(30000));
    const QByteArray said = p.readAllStandardOutput() + p.readAllStandardError();
    QVERIFY2(p.exitCode() == 0, said.constData());
}

void TestPrometheusScrape::scrapesBlueAndGreen() {
    MatchdProcess blue(u"blue"_s), green(u"green"_s);
    QVERIFY(blue.start());
    QVERIFY(green.start());
    PrometheusProcess prometheus;
    const QString started =
        prometheus.start(PrometheusProcess::scrapeConfig({hostPort(blue), hostPort(green)}));
    QVERIFY2(started.isEmpty(), qPrintable(started));

    // Blue and green from pulsco_info's label, once both were scraped.
    QTRY_COMPARE_WITH_TIMEOUT(prometheus.scalar(u"sum(up{job=\"pulsco\"})"_s),
                              std::optional<double>(2), 15000);
    QTRY_COMPARE_WITH_TIMEOUT(prometheus.scalar(u"count(pulsco_info{color=\"green\"})"_s),
                              std::optional<double>(1), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(prometheus.scalar(u"count(pulsco_info{color=\"blue\"})"_s),
                              std::optional<double>(1), 5000);

    // Traffic on blue: creates (each waits for its commit), reads, polls.
    QStringList ids;
    for (int i = 0; i < 300; ++i) {
        const auto r = http(blue.port(), "POST", "/v1/tickets",
                            pulsco::test::soloTicket("ranked-5v5", "p" + QByteArray::number(i)));
        QVERIFY2(r.status == 201, r.body.constData());
        ids << r.json().value(u"ticket_id").toString();
    }
    for (const QString& id : std::as_const(ids))
        http(blue.port(), "GET", "/v1/tickets/" + id.toLatin1());
    for (int i = 0; i < 50; ++i)
        http(blue.port(), "GET", "/v1/stats");

    // Once Prometheus has scraped all of it, the creates' p95 from the
    // buckets against the server's own (its log-scale histogram, 1 %).
    const QString creates =
        u"pulsco_http_request_duration_seconds_%1{class=\"api\",route=\"/v1/tickets\","
        "method=\"POST\",instance=\"%2\"}"_s;
    QTRY_COMPARE_WITH_TIMEOUT(prometheus.scalar(creates.arg(u"count"_s, hostPort(blue))),
                              std::optional<double>(300), 15000);
    // ... and the reads that came after the creates (a scrape between the
    // two would compare another mix).
    QTRY_COMPARE_WITH_TIMEOUT(
        prometheus.scalar(u"sum(pulsco_http_request_duration_seconds_count{class=\"api\","
                          "instance=\"%1\"})"_s.arg(hostPort(blue))),
        std::optional<double>(600), 15000);
    QString error;
    const auto p95 = prometheus.query(u"histogram_quantile(0.95, sum by (le) (%1))"_s.arg(
                                          creates.arg(u"bucket"_s, hostPort(blue))),
                                      &error);
    QVERIFY2(p95 && p95->size() == 1, qPrintable(error));
    const double promMs =
        p95->first().toObject().value(u"value").toArray().at(1).toString().toDouble() * 1000;

    // The server's own: its API histogram since start holds the creates and
    // the reads; the creates alone are what the route label isolates, so
    // compare like with like: all API answers on both sides too.
    const auto stats = http(blue.port(), "GET", "/v1/stats");
    const auto snapshot = pulsco::metricsSnapshotFromJson(stats.body, u"/v1/stats"_s, &error);
    QVERIFY2(snapshot, qPrintable(error));
    const double ownAllMs = snapshot->total.apiLatencyMs.quantile(0.95);
    const auto allApi = prometheus.scalar(
        u"histogram_quantile(0.95, sum by (le) (pulsco_http_request_duration_seconds_bucket"
        "{class=\"api\",instance=\"%1\"}))"_s.arg(hostPort(blue)));
    QVERIFY(allApi);
    const double promAllMs = *allApi * 1000;
    QCOMPARE(snapshot->total.apiLatencyMs.count(), 600u);  // 300 creates, 300 reads
    const double agreement = std::abs(promAllMs - ownAllMs) / ownAllMs;
    qInfo("api p95: Prometheus %.3f ms, pulsco-matchd %.3f ms (%.1f %% apart); creates alone "
          "%.3f ms",
          promAllMs, ownAllMs, agreement * 100, promMs);
    QVERIFY2(agreement <= 0.10, qPrintable(u"%1 vs %2 ms"_s.arg(promAllMs).arg(ownAllMs)));
    // The creates wait for their commits: never faster than the mix.
    QVERIFY(promMs >= promAllMs * 0.9);

    // docs/prometheus.md's per-colour query, as written there.
    const auto perColour = prometheus.query(
        u"histogram_quantile(0.95, sum by (le, color) (rate(pulsco_http_request_duration_seconds_"
        "bucket{route=\"/v1/tickets\",method=\"POST\"}[1m]) * on (instance) group_left "
        "(color) pulsco_info))"_s,
        &error);
    QVERIFY2(perColour, qPrintable(error));
    QVERIFY2(perColour->size() >= 1, "no colour in the per-colour p95");
    QCOMPARE(perColour->first().toObject().value(u"metric").toObject().value(u"color").toString(),
             u"blue"_s);

    // A killed server is down for Prometheus at its next scrape.
    green.kill();
    QTRY_COMPARE_WITH_TIMEOUT(prometheus.scalar(u"up{instance=\"%1\"}"_s.arg(hostPort(green))),
                              std::optional<double>(0), 10000);
    QCOMPARE(prometheus.scalar(u"up{instance=\"%1\"}"_s.arg(hostPort(blue))),
             std::optional<double>(1));
}

QTEST_GUILESS_MAIN(TestPrometheusScrape)
#include "tst_prometheus_scrape.moc"
