// The shipped alert rules in Prometheus' format (issue 18, item 4):
// resources/alerts/pulsco.rules.yml is what `pulsco-rules export` writes
// from the console's rules today (regenerate with `make alert-rules`), and
// `promtool check rules` accepts it; a real Prometheus loaded with it, over
// a real pulsco-matchd whose API fails half its requests (an error_rate
// fault), fires the rollback trigger the console fires on the same figure.
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

QTEST_GUILESS_MAIN(TestPrometheusRules)
#include "tst_prometheus_rules.moc"
