// The shipped alert rules in Prometheus' format (issue 18, item 4):
// resources/alerts/pulsco.rules.yml is what `pulsco-rules export` writes
// from the console's rules today (regenerate with `make alert-rules`), and
// `promtool check rules` accepts it; a real Prometheus loaded with it, over
// a real pulsco-matchd whose API fails half its requests (an error_rate
// fault), fires the rollback trigger the console fires on the same figure;
// a region cut off by a region_outage fault pages until it is shed.
#include "support/HttpTestClient.h"
#include "support/MatchdProcess.h"
#include "support/PrometheusProcess.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace Qt::StringLiterals;
using pulsco::test::http;
using pulsco::test::MatchdProcess;
using pulsco::test::PrometheusProcess;

namespace {

const QString kShipped = QStringLiteral(PULSCO_SOURCE_DIR "/resources/alerts/pulsco.rules.yml");
const QByteArray kToken = "rules-test-token";

}  // namespace

class TestPrometheusRules : public QObject {
    Q_OBJECT
private slots:
    void shippedFileIsTheExport();
    void promtoolAcceptsIt();
    void prometheusFiresTheRollbackTrigger();
    void prometheusPagesForAnOutageNotForAShedRegion();
};

void TestPrometheusRules::shippedFileIsTheExport() {
    QTemporaryDir dir;
    const QString fresh = dir.filePath(u"pulsco.rules.yml"_s);
    QProcess p;
    p.start(QStringLiteral(PULSCO_BINARY_DIR "/bin/pulsco-rules"), {u"export"_s, u"--to"_s, fresh});
    QVERIFY(p.waitForFinished(30000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    QFile a(kShipped), b(fresh);
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    QVERIFY2(a.readAll() == b.readAll(),
             "resources/alerts/pulsco.rules.yml drifted from the console's rules: run "
             "`make alert-rules` and commit the result");
}

void TestPrometheusRules::promtoolAcceptsIt() {
    const QString promtool = QStandardPaths::findExecutable(u"promtool"_s);
    QVERIFY2(!promtool.isEmpty(), "promtool not found: tools/install-deps.sh installs prometheus");
    QProcess p;
    p.start(promtool, {u"check"_s, u"rules"_s, kShipped});
    QVERIFY(p.waitForFinished(30000));
    const QByteArray said = p.readAllStandardOutput() + p.readAllStandardError();
    QVERIFY2(p.exitCode() == 0 && said.contains("SUCCESS"), said.constData());
}

void TestPrometheusRules::prometheusFiresTheRollbackTrigger() {
    MatchdProcess::Options options;
    options.adminToken = kToken;
    MatchdProcess server(options);
    QVERIFY(server.start());
    const QString target = QUrl(server.url()).authority();
    QString config = PrometheusProcess::scrapeConfig({target});
    config.replace(u"scrape_configs:"_s, u"rule_files: ['"_s + kShipped + u"']\nscrape_configs:"_s);
    PrometheusProcess prometheus;
    const QString started = prometheus.start(config);
    QVERIFY2(started.isEmpty(), qPrintable(started));

    const auto injected =
        http(server.port(), "POST", "/v1/admin/faults", R"({"kind":"error_rate","share":0.5})",
             "Authorization: Bearer " + kToken + "\r\n");
    QCOMPARE(injected.status, 201);
    // Steady API traffic, half of it failing, until Prometheus' rule fires.
    const QString firing =
        u"count(ALERTS{alertname=\"rollback-error-rate\",alertstate=\"firing\"})"_s;
    QElapsedTimer t;
    t.start();
    int i = 0;
    while (t.elapsed() < 30000 && prometheus.scalar(firing) != std::optional<double>(1)) {
        for (int k = 0; k < 20; ++k, ++i)
            http(server.port(), "POST", "/v1/tickets",
                 pulsco::test::soloTicket("ranked-5v5", "e" + QByteArray::number(i)));
        QTest::qWait(200);
    }
    QCOMPARE(prometheus.scalar(firing), std::optional<double>(1));
    // The label the exported rule carries, and no firing of a rule whose
    // figure is fine (latency).
    QCOMPARE(
        prometheus.scalar(u"count(ALERTS{alertname=\"rollback-error-rate\",severity=\"critical\","
                          "service=\"pulsco\"})"_s),
        std::optional<double>(1));
    QVERIFY(!prometheus.scalar(
        u"count(ALERTS{alertname=\"rollback-response-time\",alertstate=\"firing\"})"_s));
}

void TestPrometheusRules::prometheusPagesForAnOutageNotForAShedRegion() {
    MatchdProcess::Options options;
    options.adminToken = kToken;
    MatchdProcess server(options);
    QVERIFY(server.start());
    QString config = PrometheusProcess::scrapeConfig({QUrl(server.url()).authority()});
    config.replace(u"scrape_configs:"_s, u"rule_files: ['"_s + kShipped + u"']\nscrape_configs:"_s);
    PrometheusProcess prometheus;
    const QString started = prometheus.start(config);
    QVERIFY2(started.isEmpty(), qPrintable(started));
    const QByteArray bearer = "Authorization: Bearer " + kToken + "\r\n";
    const auto alerts = [&prometheus](const QString& matchers) {
        return prometheus.scalar(
            u"count(ALERTS{alertname=\"region-unreachable\"%1})"_s.arg(matchers));
    };
    // Scraped, every region in service: no page.
    QTRY_COMPARE_WITH_TIMEOUT(prometheus.scalar(u"count(pulsco_region_reachable == 1)"_s),
                              std::optional<double>(5), 15000);  // resources/queues.json
    QTest::qWait(2500);                                          // two rule evaluations
    QVERIFY(!alerts({}));

    QCOMPARE(http(server.port(), "POST", "/v1/admin/faults",
                  R"({"kind":"region_outage","region":"eu-west"})", bearer)
                 .status,
             201);
    QTRY_COMPARE_WITH_TIMEOUT(alerts(u",alertstate=\"firing\",region=\"eu-west\""_s),
                              std::optional<double>(1), 15000);
    QCOMPARE(alerts(u",severity=\"critical\",service=\"pulsco\""_s), std::optional<double>(1));
    QVERIFY(!alerts(u",region=\"us-east\""_s));
    const QString condition =
        u"count((min by (region) (pulsco_region_reachable) == 0) unless on (region) "
        "(min by (region) (pulsco_region_shed) == 1))"_s;
    QCOMPARE(prometheus.scalar(condition), std::optional<double>(1));

    // Shed: the outage goes on (the region is still cut off) but no longer
    // pages. The rule's condition clears at once; the alert resolves after
    // its keep_firing_for, which the test does not wait out: the condition
    // itself is queried.
    QCOMPARE(
        http(server.port(), "POST", "/v1/admin/regions/shed", R"({"region":"eu-west"})", bearer)
            .status,
        200);
    QTRY_VERIFY_WITH_TIMEOUT(!prometheus.scalar(condition), 15000);
    QCOMPARE(prometheus.scalar(u"pulsco_region_reachable{region=\"eu-west\"}"_s),
             std::optional<double>(0));
}

QTEST_GUILESS_MAIN(TestPrometheusRules)
#include "tst_prometheus_rules.moc"
