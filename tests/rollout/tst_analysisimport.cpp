// Kayenta canary configs and Argo Rollouts AnalysisTemplates read as one
// analysis step (rollout/AnalysisImport): the shipped examples map field by
// field and read back through the plan's own step reader; every construct
// that does not map is an error naming the file, the field and why; and
// `pulsco-plan import-analysis` is the same import on the command line.
#include "rollout/AnalysisImport.h"
#include "rollout/RolloutPlanJson.h"
#include "support/BuiltBinaries.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

const QString kKayentaExample =
    QStringLiteral(PULSCO_SOURCE_DIR "/resources/analysis/kayenta-pulsco.json");
const QString kArgoExample =
    QStringLiteral(PULSCO_SOURCE_DIR "/resources/analysis/argo-pulsco-green.yaml");
const QString kPlanTool = QStringLiteral(PULSCO_BINARY_DIR "/bin/pulsco-plan");

QByteArray readFile(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The Kayenta example with one metric's object changed by `edit`.
QByteArray kayentaWith(const std::function<void(QJsonObject& root, QJsonObject& metric)>& edit) {
    QJsonObject root = QJsonDocument::fromJson(readFile(kKayentaExample)).object();
    QJsonArray metrics = root.value(u"metrics"_s).toArray();
    QJsonObject first = metrics.first().toObject();
    edit(root, first);
    metrics.replace(0, first);
    root.insert(u"metrics"_s, metrics);
    return QJsonDocument(root).toJson();
}

QJsonObject canaryOf(const QJsonObject& metric) {
    return metric.value(u"analysisConfigurations"_s).toObject().value(u"canary"_s).toObject();
}

void setCanary(QJsonObject& metric, const QJsonObject& canary) {
    metric.insert(u"analysisConfigurations"_s, QJsonObject{{u"canary"_s, canary}});
}

const char* const kErrorQuery =
    R"((sum((rate(pulsco_http_requests_total{class="api",code=~"5.."}[1m]) * on (instance) )"
    R"(group_left (color) pulsco_info{color="green"})) / sum((rate(pulsco_http_requests_total)"
    R"({class="api"}[1m]) * on (instance) group_left (color) pulsco_info{color="green"}))))";

// An AnalysisTemplate of one metric: `fields` are its lines (indented as the
// metric's own), the Prometheus query the console's green error rate.
QByteArray argoWith(const QByteArray& fields, const QByteArray& query = kErrorQuery) {
    return "apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata:\n  name: t\n"
           "spec:\n  metrics:\n    - name: errors\n" +
           fields + "      provider:\n        prometheus:\n          query: '" + query + "'\n";
}

const QByteArray kArgoCadence = "      interval: 30s\n      count: 5\n";

}  // namespace

class TestAnalysisImport : public QObject {
    Q_OBJECT

private slots:
    void kayentaExampleMaps() {
        const AnalysisImport in = importAnalysisFile(kKayentaExample, 60, 20);
        QVERIFY2(in.step, qPrintable(in.error));
        QCOMPARE(in.step->kind, TrafficStep::Kind::Analysis);
        const AnalysisSpec& a = in.step->analysis;
        QVERIFY(a.gates.empty());
        QCOMPARE(a.intervalSeconds, 60.0);
        QCOMPARE(a.count, 20);
        QVERIFY(a.judge);
        QCOMPARE(a.judge->bars.pass, 90.0);
        QCOMPARE(a.judge->bars.marginal, 70.0);
        QCOMPARE(a.judge->metrics.size(), std::size_t(3));
        const CanaryMetric& latency = a.judge->metrics[0];
        QCOMPARE(latency.name, std::string("api_latency_ms"));  // from the Prometheus name
        QCOMPARE(latency.allowedChangePct, 10.0);               // allowedIncrease 1.1
        QVERIFY(latency.critical);
        QCOMPARE(latency.noData, CanaryNoData::Ignore);
        QCOMPARE(latency.weight, 30.0);  // Latency's 60 shared by its two metrics
        const CanaryMetric& wait = a.judge->metrics[1];
        QCOMPARE(wait.name, std::string("ticket_wait_s"));
        QCOMPARE(wait.allowedChangePct, 20.0);
        QVERIFY(!wait.critical);
        QCOMPARE(wait.weight, 30.0);
        const CanaryMetric& errors = a.judge->metrics[2];
        QCOMPARE(errors.name, std::string("error_rate"));
        QVERIFY(errors.proportion);
        QCOMPARE(errors.allowedChangePct, 0.0);       // no effect size: any significant change
        QCOMPARE(errors.noData, CanaryNoData::Fail);  // mustHaveData
        QCOMPARE(errors.weight, 40.0);
        // nanStrategy is read and said to have nothing to do, never dropped silently.
        QCOMPARE(in.notes.size(), 3);
        QVERIFY(in.notes.first().startsWith(u"metrics[0].analysisConfigurations.canary."
                                            "nanStrategy: nothing to do"_s));
    }

    void argoExampleMaps() {
        const AnalysisImport in = importAnalysisFile(kArgoExample);
        QVERIFY2(in.step, qPrintable(in.error));
        const AnalysisSpec& a = in.step->analysis;
        QVERIFY(!a.judge);
        QCOMPARE(a.intervalSeconds, 30.0);
        QCOMPARE(a.count, 10);
        QCOMPARE(a.failureLimit, 1);
        QCOMPARE(a.gates.size(), std::size_t(2));
        QCOMPARE(QString::fromStdString(a.gates[0].text()), u"rate(green.errors) < 1%"_s);
        // failureCondition result[0] >= 150 is the gate "< 150".
        QCOMPARE(QString::fromStdString(a.gates[1].text()), u"p(95)(green.api_latency_ms) < 150"_s);
        QCOMPARE(in.notes.size(), 2);
        QVERIFY(in.notes.first().contains(u"provider.prometheus.address: not used"_s));
    }

    // What the import writes is a step the plan reads back unchanged.
    void importedStepsReadBack_data() {
        QTest::addColumn<QString>("path");
        QTest::addRow("kayenta") << kKayentaExample;
        QTest::addRow("argo") << kArgoExample;
    }
    void importedStepsReadBack() {
        QFETCH(QString, path);
        const AnalysisImport in = importAnalysisFile(path);
        QVERIFY2(in.step, qPrintable(in.error));
        const QJsonArray written = trafficStepsToJson({*in.step});
        QString error;
        const auto read = trafficStepsFromJson(QJsonDocument(written).toJson(), u"steps"_s, &error);
        QVERIFY2(read, qPrintable(error));
        QCOMPARE(read->size(), std::size_t(1));
        QCOMPARE(trafficStepsToJson(*read), written);
    }

    void eitherDirectionTakesItsOneAllowance() {
        const QByteArray json = kayentaWith([](QJsonObject&, QJsonObject& m) {
            QJsonObject c = canaryOf(m);
            c.insert(u"direction"_s, u"either"_s);
            c.insert(u"effectSize"_s, QJsonObject{{u"allowedDecrease"_s, 0.85}});
            setCanary(m, c);
        });
        const AnalysisImport in = importKayentaCanaryConfig(json, u"k.json"_s);
        QVERIFY2(in.step, qPrintable(in.error));
        QCOMPARE(in.step->analysis.judge->metrics[0].direction, CanaryDirection::EitherIsBad);
        QCOMPARE(in.step->analysis.judge->metrics[0].allowedChangePct, 15.0);
    }

    void kayentaRefusals_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        const auto query = [](const char* key, const QJsonValue& value) {
            return kayentaWith([=](QJsonObject&, QJsonObject& m) {
                QJsonObject q = m.value(u"query"_s).toObject();
                q.insert(QLatin1StringView(key), value);
                m.insert(u"query"_s, q);
            });
        };
        const auto canary = [](const char* key, const QJsonValue& value) {
            return kayentaWith([=](QJsonObject&, QJsonObject& m) {
                QJsonObject c = canaryOf(m);
                c.insert(QLatin1StringView(key), value);
                setCanary(m, c);
            });
        };
        QTest::addRow("datadog") << query("type", u"datadog"_s)
                                 << u"k.json: metrics[0].query.type: must be one of prometheus "
                                    "(got \"datadog\")"_s;
        QTest::addRow("unknown metric")
            << query("metricName", u"cpu_seconds"_s)
            << u"k.json: metrics[0].query.metricName: 'cpu_seconds' is not a metric the judge "
               "reads: use one of api_latency_ms, ticket_wait_s, match_quality, error_rate, "
               "expired_rate, or pulsco_http_request_duration_seconds, "
               "pulsco_ticket_wait_seconds, pulsco_match_quality"_s;
        QTest::addRow("inline PromQL")
            << query("customInlineTemplate", u"PromQL:sum(up)"_s)
            << u"k.json: metrics[0].query.customInlineTemplate: a free PromQL query: the judge "
               "reads its own histograms, so name the metric with metricName"_s;
        QTest::addRow("label filter")
            << query("customFilterTemplate", u"region=\"eu\""_s)
            << u"k.json: metrics[0].query.customFilterTemplate: selects series of a metric "
               "source; the judge compares each colour's whole histogram, as pulsco-matchd "
               "exports it"_s;
        QTest::addRow("critical bar")
            << canary("effectSize", QJsonObject{{u"criticalIncrease"_s, 5}})
            << u"k.json: metrics[0].analysisConfigurations.canary.effectSize.criticalIncrease: a "
               "second, critical bar: the console's judge has one allowed change per metric "
               "(mark the metric critical instead)"_s;
        QTest::addRow("outliers removed")
            << canary("outliers", QJsonObject{{u"strategy"_s, u"remove"_s}})
            << u"k.json: metrics[0].analysisConfigurations.canary.outliers.strategy: must be one "
               "of keep (got \"remove\")"_s;
        QTest::addRow("no direction") << kayentaWith([](QJsonObject&, QJsonObject& m) {
            QJsonObject c = canaryOf(m);
            c.remove(u"direction"_s);
            setCanary(m, c);
        }) << u"k.json: metrics[0].analysisConfigurations.canary.direction: is required"_s;
        QTest::addRow("two allowances")
            << kayentaWith([](QJsonObject&, QJsonObject& m) {
                   QJsonObject c = canaryOf(m);
                   c.insert(u"direction"_s, u"either"_s);
                   c.insert(u"effectSize"_s,
                            QJsonObject{{u"allowedIncrease"_s, 1.1}, {u"allowedDecrease"_s, 0.8}});
                   setCanary(m, c);
               })
            << u"k.json: metrics[0].analysisConfigurations: canary.effectSize: allowedIncrease "
               "1.1 and allowedDecrease 0.8 are different allowances; the console's judge has "
               "one for both directions"_s;
        QTest::addRow("group without weight")
            << kayentaWith([](QJsonObject&, QJsonObject& m) {
                   m.insert(u"groups"_s, QJsonArray{u"Saturation"_s});
               })
            << u"k.json: metrics[0]: group 'Saturation' has no weight in "
               "classifier.groupWeights"_s;
        QTest::addRow("two groups")
            << kayentaWith([](QJsonObject&, QJsonObject& m) {
                   m.insert(u"groups"_s, QJsonArray{u"Latency"_s, u"Errors"_s});
               })
            << u"k.json: metrics[0].groups: must name exactly one group (its weight is shared "
               "by its metrics)"_s;
        QTest::addRow("other judge") << kayentaWith([](QJsonObject& root, QJsonObject&) {
            root.insert(u"judge"_s, QJsonObject{{u"name"_s, u"dredd-v1.0"_s}});
        }) << u"k.json: judge.name: must be one of NetflixACAJudge-v1.0 (got \"dredd-v1.0\")"_s;
        QTest::addRow("filter templates")
            << kayentaWith([](QJsonObject& root, QJsonObject&) {
                   root.insert(u"templates"_s, QJsonObject{{u"t"_s, u"x"_s}});
               })
            << u"k.json: templates: filter templates select series of a metric source; the judge "
               "compares each colour's whole histogram"_s;
        QTest::addRow("no classifier")
            << kayentaWith([](QJsonObject& root, QJsonObject&) { root.remove(u"classifier"_s); })
            << u"k.json: classifier: is required"_s;
        QTest::addRow("not JSON") << QByteArray("{\"metrics\": [")
                                  << u"k.json: invalid JSON at offset 13: "_s;
    }
    void kayentaRefusals() {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        const AnalysisImport in = importKayentaCanaryConfig(json, u"k.json"_s);
        QVERIFY(!in.step);
        QVERIFY(in.notes.isEmpty());
        QVERIFY2(in.error.startsWith(error), qPrintable(in.error));
    }

    void kayentaJudgedTwice() {
        QJsonObject root = QJsonDocument::fromJson(readFile(kKayentaExample)).object();
        QJsonArray metrics = root.value(u"metrics"_s).toArray();
        metrics.replace(1, metrics.first());
        root.insert(u"metrics"_s, metrics);
        const AnalysisImport in =
            importKayentaCanaryConfig(QJsonDocument(root).toJson(), u"k.json"_s);
        QVERIFY(!in.step);
        QCOMPARE(in.error, u"k.json: metrics[1]: judges api_latency_ms a second time"_s);
    }

    void argoRefusals_data() {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("error");
        const QString m = u"a.yaml: spec.metrics[0] (errors)"_s;
        QTest::addRow("not a term")
            << argoWith(kArgoCadence + "      successCondition: result[0] < 0.01\n",
                        "sum(rate(http_requests_total{code=~\"5..\"}[5m]))")
            << m + u".provider.prometheus.query: 'sum(rate(http_requests_total{code=~\"5..\"}"
                   "[5m]))' is not a PromQL term the console reads (docs/prometheus.md, \"Alert "
                   "rules\", lists them)"_s;
        QTest::addRow("compound condition")
            << argoWith(kArgoCadence +
                        "      successCondition: len(result) == 0 || result[0] < 0.01\n")
            << m + u".successCondition: 'len(result) == 0 || result[0] < 0.01': the console "
                   "reads one comparison of result (or result[0]) with a number"_s;
        QTest::addRow("both conditions")
            << argoWith(kArgoCadence + "      successCondition: result[0] < 0.01\n"
                                       "      failureCondition: result[0] > 0.05\n")
            << m + u": needs exactly one of successCondition or failureCondition (a gate is one "
                   "condition)"_s;
        QTest::addRow("initial delay")
            << argoWith(kArgoCadence + "      initialDelay: 1m\n"
                                       "      successCondition: result[0] < 0.01\n")
            << m + u".initialDelay: the console measures from the step's start: put a pause "
                   "step before the analysis"_s;
        QTest::addRow("no count")
            << argoWith("      interval: 30s\n      successCondition: result[0] < 0.01\n")
            << m + u".count: required: the console's step ends after count measurements"_s;
        QTest::addRow("bad interval")
            << argoWith("      interval: soon\n      count: 5\n"
                        "      successCondition: result[0] < 0.01\n")
            << m + u".interval: 'soon': a duration from 1s to 24h (30s, 1m, 5m)"_s;
        QTest::addRow("inconclusive limit")
            << argoWith(kArgoCadence + "      inconclusiveLimit: 2\n"
                                       "      successCondition: result[0] < 0.01\n")
            << m + u".inconclusiveLimit: a gate is met or not: the console has no inconclusive "
                   "measurement to allow"_s;
        QTest::addRow("template argument")
            << argoWith(kArgoCadence + "      successCondition: result[0] < 0.01\n",
                        "sum(up{job=\"{{args.job}}\"})")
            << m + u".provider.prometheus.query: uses a template argument ({{…}}): write the "
                   "query as the PromQL term itself"_s;
        QTest::addRow("web provider")
            << QByteArray("apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nspec:\n"
                          "  metrics:\n    - name: errors\n      count: 1\n"
                          "      successCondition: result == true\n"
                          "      provider:\n        web:\n          url: http://x\n")
            << m + u".provider: required: provider.prometheus (the console reads Prometheus' "
                   "terms; other providers do not map)"_s;
        QTest::addRow("a Rollout")
            << QByteArray("apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nspec: {}\n")
            << u"a.yaml: kind: must be AnalysisTemplate or ClusterAnalysisTemplate (got "
               "'Rollout')"_s;
        QTest::addRow("not YAML") << QByteArray("spec: [unclosed\n") << u"a.yaml: line "_s;
        QTest::addRow("nested too deep")
            << QByteArray(200, '[')
            << u"a.yaml: top level: nested deeper than an AnalysisTemplate needs"_s;
    }
    void argoRefusals() {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, error);
        const AnalysisImport in = importArgoAnalysisTemplate(yaml, u"a.yaml"_s);
        QVERIFY(!in.step);
        QVERIFY(in.notes.isEmpty());
        QVERIFY2(in.error.startsWith(error), qPrintable(in.error));
    }

    void argoMetricsShareOneCadence() {
        QByteArray yaml = argoWith(kArgoCadence + "      successCondition: result[0] < 0.01\n");
        yaml += QByteArray("    - name: slower\n      interval: 1m\n      count: 5\n"
                           "      successCondition: result[0] < 0.01\n"
                           "      provider:\n        prometheus:\n          query: '") +
                kErrorQuery + "'\n";
        const AnalysisImport in = importArgoAnalysisTemplate(yaml, u"a.yaml"_s);
        QVERIFY(!in.step);
        QCOMPARE(in.error, u"a.yaml: spec.metrics[1] (slower): interval 60 s, count 5, "
                           "failureLimit 0 differ from spec.metrics[0]'s (30 s, 5, 0): the "
                           "console measures every gate of a step together"_s);
    }

    void unknownFileKind() {
        const AnalysisImport in = importAnalysisFile(u"/tmp/analysis.txt"_s);
        QVERIFY(!in.step);
        QCOMPARE(in.error, u"/tmp/analysis.txt: not a Kayenta canary config (.json) or an Argo "
                           "Rollouts AnalysisTemplate (.yaml, .yml)"_s);
    }

    void commandLine() {
        QVERIFY2(test::notBuilt({kPlanTool}).isEmpty(), qPrintable(test::notBuilt({kPlanTool})));
        QProcess p;
        p.start(kPlanTool, {u"import-analysis"_s, kArgoExample});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0);
        const QJsonArray steps = QJsonDocument::fromJson(p.readAllStandardOutput()).array();
        QCOMPARE(steps.size(), 1);
        QCOMPARE(steps[0][u"analysis"_s][u"gates"_s].toArray().size(), 2);
        QVERIFY(p.readAllStandardError().contains("note: spec.metrics[0] (green-error-rate)"));

        QTemporaryDir dir;
        const QString bad = dir.filePath(u"bad.yaml"_s);
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(argoWith(kArgoCadence + "      successCondition: result[0] < 0.01\n", "up"));
        f.close();
        p.start(kPlanTool, {u"import-analysis"_s, bad});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(p.readAllStandardOutput().isEmpty());
        QVERIFY(p.readAllStandardError().contains("'up' is not a PromQL term the console reads"));

        p.start(kPlanTool, {u"import-analysis"_s, kKayentaExample, u"--count"_s, u"0"_s});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
    }
};

QTEST_GUILESS_MAIN(TestAnalysisImport)
#include "tst_analysisimport.moc"
