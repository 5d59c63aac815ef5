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
    void importReadsTheExportBack();
    void importNamesWhatItCannotRead_data();
    void importNamesWhatItCannotRead();
    void consoleLoadsARuleFile();
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
    QTest::newRow("players online")
        << u"players_online > 1500"_s
        << u"(sum(pulsco_players_in_queue) + sum(pulsco_players_in_match)) > 1500"_s;
    QTest::newRow("players in queue")
        << u"players_in_queue >= 10"_s << u"sum(pulsco_players_in_queue) >= 10"_s;
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

// Export, then import: every exported rule comes back as it was.
void TestPrometheusRules::importReadsTheExportBack() {
    const AlertRulesLoad shipped = loadDefaultAlertRules();
    QVERIFY(shipped.rules);
    const PrometheusRulesExport out = exportPrometheusRules(*shipped.rules, u"shipped"_s);
    const AlertRulesLoad back = importPrometheusRules(out.yaml, u"pulsco.rules.yml"_s);
    QVERIFY2(back.rules, qPrintable(back.error));
    QCOMPARE(int(back.rules->size()), out.exported);
    std::size_t i = 0;
    for (const AlertRule& r : *shipped.rules) {
        if (!toPromql(r).promql)
            continue;
        const AlertRule& b = (*back.rules)[i++];
        QCOMPARE(b.name, r.name);
        QCOMPARE(toString(b.check), toString(r.check));
        QCOMPARE(bool(b.expression), bool(r.expression));
        if (r.expression)
            QCOMPARE(b.expression->text(), r.expression->text());
        QCOMPARE(b.forSeconds, r.forSeconds);
        QCOMPARE(b.keepFiringForSeconds, r.keepFiringForSeconds);
        QCOMPARE(toString(b.severity), toString(r.severity));
        QCOMPARE(b.summary, r.summary);
        QCOMPARE(b.runbook, r.runbook);
        QCOMPARE(bool(b.value), bool(r.expression));
    }
    QVERIFY2(out.yaml.contains("- alert: region-unreachable\n"), out.yaml.constData());
}

void TestPrometheusRules::importNamesWhatItCannotRead_data() {
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("error");
    const QByteArray head = "groups:\n  - name: g\n    rules:\n";
    const QByteArray ok = "        expr: sum(pulsco_tickets_searching) > 100\n"
                          "        annotations: {summary: s}\n";
    QTest::newRow("not YAML") << QByteArray("groups: [\n") << u"f.yml: line "_s;
    QTest::newRow("no groups") << QByteArray("rules: []\n") << u"f.yml: groups: required"_s;
    QTest::newRow("recording rule")
        << head + "      - record: job:x\n        expr: sum(x)\n"
        << u"f.yml: groups[0].rules[0] (record 'job:x'): a recording rule"_s;
    QTest::newRow("foreign metric")
        << head + "      - alert: HighErrorRate\n        expr: rate(http_requests_total[5m]) > 1\n"
                  "        annotations: {summary: s}\n"
        << u"f.yml: groups[0].rules[0] (alert 'HighErrorRate').expr: "
           "'rate(http_requests_total[5m])' is not a PromQL term"_s;
    QTest::newRow("no comparison")
        << head + "      - alert: A\n        expr: up == 0 and on() vector(1)\n"
                  "        annotations: {summary: s}\n"
        << u"(alert 'A').expr: 'up == 0 and on() vector(1)': the console reads one comparison"_s;
    QTest::newRow("bad for") << head + "      - alert: A\n" + ok + "        for: 5 minutes\n"
                             << u"(alert 'A').for: '5 minutes': not a Prometheus duration"_s;
    QTest::newRow("bad severity")
        << head + "      - alert: A\n" + ok + "        labels: {severity: page}\n"
        << u"(alert 'A').labels.severity: 'page': must be info, warning or critical"_s;
    QTest::newRow("no summary")
        << head + "      - alert: A\n        expr: sum(pulsco_tickets_searching) > 1\n"
        << u"(alert 'A').annotations.summary: required"_s;
    QTest::newRow("url runbook")
        << head + "      - alert: A\n        expr: sum(pulsco_tickets_searching) > 1\n"
                  "        annotations: {summary: s, runbook: 'https://wiki/x.md'}\n"
        << u"(alert 'A').annotations.runbook: 'https://wiki/x.md'"_s;
    QTest::newRow("unknown field") << head + "      - alert: A\n" + ok + "        owner: me\n"
                                   << u"(alert 'A').owner: unknown field"_s;
    QTest::newRow("same console name")
        << head + "      - alert: HighLoad\n" + ok + "      - alert: high_load\n" + ok
        << u"groups[0].rules[1] (alert 'high_load'): its console name 'high-load' is taken"_s;
}

void TestPrometheusRules::importNamesWhatItCannotRead() {
    QFETCH(QByteArray, yaml);
    QFETCH(QString, error);
    const AlertRulesLoad load = importPrometheusRules(yaml, u"f.yml"_s);
    QVERIFY(!load.rules);
    QVERIFY2(load.error.contains(error), qPrintable(load.error));
}

// Wherever the console takes a rules file, a Prometheus rule file does.
void TestPrometheusRules::consoleLoadsARuleFile() {
    const AlertRulesLoad load =
        loadAlertRulesFile(QStringLiteral(PULSCO_SOURCE_DIR "/resources/alerts/pulsco.rules.yml"));
    QVERIFY2(load.rules, qPrintable(load.error));
    QCOMPARE(load.rules->size(), std::size_t(11));
    QCOMPARE(load.rules->front().name, u"api-latency-p95-high"_s);
}

QTEST_GUILESS_MAIN(TestPrometheusRules)
#include "tst_prometheusrules.moc"
