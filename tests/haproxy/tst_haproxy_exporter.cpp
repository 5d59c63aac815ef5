// The shipped scrape config (resources/prometheus/pulsco-scrape.yml) on the
// staging stack: a real Prometheus scrapes blue and green pulsco-matchd and
// HAProxy's own exporter, with only the ports changed. HAProxy's figures
// are its own, not the servers': a weight set through the runtime API shows
// in Prometheus as haproxy_server_weight, and the servers' colours come
// from pulsco_info as usual.
#include "support/PrometheusProcess.h"
#include "support/StagingStack.h"

#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco::test;

namespace {

// The shipped config with the stack's ports and 1 s scrapes.
QString shippedConfigFor(const Stack& stack) {
    QFile f(QStringLiteral(PULSCO_SOURCE_DIR "/resources/prometheus/pulsco-scrape.yml"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QString yaml = QString::fromUtf8(f.readAll());
    yaml.replace(u"scrape_interval: 5s"_s, u"scrape_interval: 1s"_s)
        .replace(u"evaluation_interval: 5s"_s, u"evaluation_interval: 1s"_s)
        .replace(u"127.0.0.1:8080"_s, u"127.0.0.1:%1"_s.arg(stack.blue()))
        .replace(u"127.0.0.1:8081"_s, u"127.0.0.1:%1"_s.arg(stack.green()))
        .replace(u"127.0.0.1:8404"_s, u"127.0.0.1:%1"_s.arg(stack.stats()));
    return yaml;
}

}  // namespace

class TestHaproxyExporter : public QObject {
    Q_OBJECT
private slots:
    void shippedScrapeConfigReadsHaproxyAndBothColours() {
        Stack stack;
        const QString error = stack.start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString config = shippedConfigFor(stack);
        QVERIFY(config.contains(u"job_name: haproxy"_s));
        QVERIFY2(config.contains(u"127.0.0.1:%1"_s.arg(stack.stats())), qPrintable(config));

        PrometheusProcess prometheus;
        const QString started = prometheus.start(config);
        QVERIFY2(started.isEmpty(), qPrintable(started));

        // Every target up: HAProxy's exporter and both servers.
        QTRY_COMPARE_WITH_TIMEOUT(prometheus.scalar(u"sum(up{job=\"haproxy\"})"_s).value_or(-1),
                                  1.0, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(prometheus.scalar(u"sum(up{job=\"pulsco\"})"_s).value_or(-1), 2.0,
                                  20000);
        QTRY_COMPARE_WITH_TIMEOUT(
            prometheus.scalar(u"count(pulsco_info{color=\"green\"})"_s).value_or(-1), 1.0, 10000);

        // The shipped weights (blue 100, green 0), as HAProxy reports them.
        const QString greenWeight = u"haproxy_server_weight{proxy=\"pulsco\",server=\"green\"}"_s;
        QTRY_COMPARE_WITH_TIMEOUT(prometheus.scalar(greenWeight).value_or(-1), 0.0, 10000);
        QCOMPARE(prometheus.scalar(u"haproxy_server_weight{proxy=\"pulsco\",server=\"blue\"}"_s)
                     .value_or(-1),
                 100.0);
        // A weight set on the balancer is what its exporter says next.
        QVERIFY(runtime(stack.rt(), "set weight pulsco/green 25").trimmed().isEmpty());
        QVERIFY(runtime(stack.rt(), "get weight pulsco/green").startsWith("25 "));
        QTRY_COMPARE_WITH_TIMEOUT(prometheus.scalar(greenWeight).value_or(-1), 25.0, 10000);
        // Its health checks of both servers pass (/readyz); the spare is in
        // maintenance until a scale out.
        QTRY_COMPARE_WITH_TIMEOUT(
            prometheus.scalar(u"sum(haproxy_server_status{proxy=\"pulsco\",state=\"UP\"})"_s)
                .value_or(-1),
            2.0, 10000);
        QCOMPARE(
            prometheus
                .scalar(
                    u"haproxy_server_status{proxy=\"pulsco\",server=\"spare\",state=\"MAINT\"}"_s)
                .value_or(-1),
            1.0);
        // The docs' session counter exists per server (docs/prometheus.md):
        // blue, green and the spare.
        QCOMPARE(prometheus.scalar(u"count(haproxy_server_sessions_total{proxy=\"pulsco\"})"_s)
                     .value_or(-1),
                 3.0);
        QCOMPARE(stack.interrupt(), 0);
    }
};

QTEST_GUILESS_MAIN(TestHaproxyExporter)
#include "tst_haproxy_exporter.moc"
