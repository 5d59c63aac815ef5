// The console's alert conditions in PromQL (drills/PrometheusRules): every
// shape the translation covers, and a rule outside it named with the
// construct, never approximated.
#include "drills/AlertRuleJson.h"
#include "drills/PrometheusRules.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

AlertRule rule(const QString& expression) {
    AlertRule r;
    r.name = u"r"_s;
    ExpressionError error;
    r.expression = MetricExpression::parse(expression.toStdString(), &error);
    return r;
}

}  // namespace

class TestPrometheusRules : public QObject {
    Q_OBJECT
private slots:
    void translates_data();
    void translates();
    void namesWhatDoesNotTranslate_data();
    void namesWhatDoesNotTranslate();
    void shippedRulesExport();
};

void TestPrometheusRules::translates_data() {
    QTest::addColumn<QString>("expression");
    QTest::addColumn<QString>("promql");
    const QString apiBucket =
        u"rate(pulsco_http_request_duration_seconds_bucket{class=\"api\"}[1m])"_s;
    QTest::newRow("p95 latency")
        << u"p(95)(api_latency_ms) > 150"_s
        << u"histogram_quantile(0.95, sum by (le) (%1)) * 1000 > 150"_s.arg(apiBucket);
    QTest::newRow("p99.9 green latency")
        << u"p(99.9)(green.api_latency_ms) >= 5000"_s
        << u"histogram_quantile(0.999, sum by (le) ((%1 * on (instance) group_left (color) "
           "pulsco_info{color=\"green\"}))) * 1000 >= 5000"_s.arg(apiBucket);
    QTest::newRow("ticket wait")
        << u"p(95)(ticket_wait_s) > 90"_s
        << u"histogram_quantile(0.95, sum by (le) (rate(pulsco_ticket_wait_seconds_bucket[1m]))) "
           "> 90"_s;
    QTest::newRow("error rate percent")
        << u"rate(errors) > 0.1%"_s
        << u"(sum(rate(pulsco_http_requests_total{class=\"api\",code=~\"5..\"}[1m])) / "
           "sum(rate(pulsco_http_requests_total{class=\"api\"}[1m]))) > 0.001"_s;
    QTest::newRow("blue error rate")
        << u"rate(blue.errors) < 5%"_s
        << u"(sum((rate(pulsco_http_requests_total{class=\"api\",code=~\"5..\"}[1m]) * on "
           "(instance) group_left (color) pulsco_info{color=\"blue\"})) / "
           "sum((rate(pulsco_http_requests_total{class=\"api\"}[1m]) * on (instance) group_left "
           "(color) pulsco_info{color=\"blue\"}))) < 0.05"_s;
    QTest::newRow("expired share") << u"rate(tickets_expired) > 5%"_s
                                   << u"(sum(pulsco_tickets_total{state=\"expired\"}) / "
                                      "sum(pulsco_tickets_total{state=\"created\"})) > 0.05"_s;
    QTest::newRow("searching") << u"tickets_searching > 100"_s
                               << u"sum(pulsco_tickets_searching) > 100"_s;
}

void TestPrometheusRules::translates() {
    QFETCH(QString, expression);
    QFETCH(QString, promql);
    const AlertRule r = rule(expression);
    QVERIFY(r.expression);
    const PromqlTranslation t = toPromql(r);
    QVERIFY2(t.promql, qPrintable(t.unsupported));
    QCOMPARE(*t.promql, promql);
}

void TestPrometheusRules::namesWhatDoesNotTranslate_data() {
    QTest::addColumn<QString>("expression");  // "" : a built-in check
    QTest::addColumn<QString>("named");
    QTest::newRow("check") << QString() << u"check matcher_stalled"_s;
    QTest::newRow("conservation") << u"conservation == fail"_s << u"conservation: pulsco-matchd"_s;
    QTest::newRow("uptime") << u"uptime < 99.9%"_s << u"uptime: pulsco-matchd"_s;
    QTest::newRow("players") << u"players_online > 1500"_s << u"players_online: pulsco-matchd"_s;
    QTest::newRow("a peak") << u"max(concurrent_players) >= 1000"_s
                            << u"max(concurrent_players): the console's peak"_s;
    QTest::newRow("two conditions")
        << u"rate(errors) > 5% or p(95)(api_latency_ms) > 5000"_s << u"only one comparison"_s;
    QTest::newRow("arithmetic") << u"rate(errors) * 100 > 5"_s << u"only one comparison"_s;
    QTest::newRow("quality histogram")
        << u"p(50)(match_quality) < 0.4"_s << u"p(50)(match_quality): no Prometheus histogram"_s;
}

void TestPrometheusRules::namesWhatDoesNotTranslate() {
    QFETCH(QString, expression);
    QFETCH(QString, named);
    AlertRule r;
    if (expression.isEmpty()) {
        r.check = AlertCheck::MatcherStalled;
    } else {
        r = rule(expression);
        QVERIFY(r.expression);
    }
    const PromqlTranslation t = toPromql(r);
    QVERIFY(!t.promql);
    QVERIFY2(t.unsupported.contains(named), qPrintable(t.unsupported));
}

void TestPrometheusRules::shippedRulesExport() {
    const AlertRulesLoad load = loadDefaultAlertRules();
    QVERIFY2(load.rules, qPrintable(load.error));
    const PrometheusRulesExport out = exportPrometheusRules(*load.rules, u"the shipped rules"_s);
    QCOMPARE(out.exported + int(out.left.size()), int(load.rules->size()));
    QVERIFY(out.exported >= 8);
    // Every rule is either in the file or named in its header.
    for (const AlertRule& r : *load.rules)
        QVERIFY2(out.yaml.contains(QByteArray("- alert: " + r.name.toUtf8() + '\n')) ||
                     out.yaml.contains(QByteArray("#   " + r.name.toUtf8() + ": ")),
                 qPrintable(r.name));
    QVERIFY(out.yaml.contains("keep_firing_for: 1m"));
    QVERIFY(out.yaml.contains("pulsco_expr: p(95)(api_latency_ms) > 150"));
}

QTEST_GUILESS_MAIN(TestPrometheusRules)
#include "tst_prometheusrules.moc"
