// Replays every input the fuzzers keep in the repository through the real
// parser, in the default (non-sanitizer) suite: tests/fuzz/regressions/<target>/
// holds inputs that once crashed or misbehaved and must now be refused with
// a clean error; tests/fuzz/corpus/<target>/ holds the seeds, real valid
// inputs which must be accepted (so the replay cannot pass by refusing all).
#include "bridge/MetricsSnapshotJson.h"
#include "bridge/QueueConfigJson.h"
#include "bridge/ReplayComparisonJson.h"
#include "core/MetricExpression.h"
#include "core/Recording.h"
#include "drills/AlertRuleJson.h"
#include "drills/DrillJson.h"
#include "drills/PrometheusRules.h"
#include "net/http/HttpRequestParser.h"
#include "net/live/EventMessage.h"
#include "net/prometheus/PrometheusTextParser.h"
#include "net/promsource/PromQueryResponse.h"
#include "net/promsource/PromSnapshotBuilder.h"
#include "rollout/AnalysisImport.h"
#include "rollout/RolloutPlanJson.h"
#include "simulator/ScenarioJson.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

struct Outcome {
    bool accepted = false;
    QString error;
};

// Runs `input` through the parser the fuzz target `target` exercises.
Outcome parseAs(const QString& target, const QByteArray& input) {
    const QString source = u"fuzz-input"_s;
    Outcome out;
    if (target == u"http_request") {
        HttpRequest request;
        const auto r = HttpRequestParser().parse(input, 0, request);
        out.accepted = r.status != HttpRequestParser::Status::Error;
        if (!out.accepted)
            out.error = u"%1 %2"_s.arg(r.httpStatus).arg(r.message);
    } else if (target == u"queue_config") {
        out.accepted = parseQueueConfig(input, source, &out.error).has_value();
    } else if (target == u"scenario") {
        const auto l = parseScenario(input, source);
        out = {l.scenario.has_value(), l.error};
    } else if (target == u"drill") {
        const auto l = parseDrill(input, source);
        out = {l.drill.has_value(), l.error};
    } else if (target == u"alert_rules") {
        const auto l = parseAlertRules(input, source);
        out = {l.rules.has_value(), l.error};
    } else if (target == u"prometheus_rules") {
        const auto l = importPrometheusRules(input, source);
        out = {l.rules.has_value(), l.error};
    } else if (target == u"rollout_plan") {
        const auto l = parseRolloutPlan(input, source);
        out = {l.plan.has_value(), l.error};
    } else if (target == u"metric_expression") {
        ExpressionError e;
        const auto x = MetricExpression::parse(input.toStdString(), &e);
        out.accepted = x.has_value();
        if (x)
            (void)x->evaluate(MetricsSnapshot{});
        else
            out.error = QString::fromStdString(e.describe());
    } else if (target == u"prometheus_text") {
        out.accepted = PrometheusTextParser::parse(input, source, &out.error).has_value();
    } else if (target == u"metrics_snapshot") {
        out.accepted = metricsSnapshotFromJson(input, source, &out.error).has_value();
    } else if (target == u"event_message") {
        out.accepted = parseEventMessage(input, {source, u"blue"_s, 0, 0}, &out.error).has_value();
    } else if (target == u"prom_query") {
        PromQueryError error;
        const auto result = parsePromQueryResponse(input, 200, source, &error);
        out.accepted = result.has_value();
        out.error = error.message;
        if (result) {
            PromAnswers answers;
            for (auto& answer : answers)
                answer = *result;
            buildPromSnapshots(answers, 0, -600, {});
        }
    } else if (target == u"analysis_import") {
        // Accepted: the one import its seed's format names takes it.
        const AnalysisImport k = importKayentaCanaryConfig(input, source);
        const AnalysisImport a = importArgoAnalysisTemplate(input, source);
        out.accepted = k.step.has_value() || a.step.has_value();
        out.error = k.error + u" / "_s + a.error;
    } else if (target == u"comparison_report") {
        out.accepted = replayComparisonFromJson(input, source, &out.error).has_value();
    } else if (target == u"recording") {
        // Accepted: the header and every event line decode.
        const QList<QByteArray> lines = input.split('\n');
        std::string error;
        const auto header = decodeRecordingHeader(lines.value(0).toStdString(), &error);
        out.accepted = header.has_value();
        for (qsizetype i = 1; out.accepted && i < lines.size(); ++i)
            if (!lines[i].isEmpty() &&
                !decodeRecordedEvent(lines[i].toStdString(), header->regions.size(), &error)) {
                out.accepted = false;
                error = "line " + std::to_string(i + 1) + ": " + error;
            }
        if (!out.accepted)
            out.error = source + u": "_s + QString::fromStdString(error);
    } else {
        qFatal("no parser for fuzz target %s", qPrintable(target));
    }
    return out;
}

// The fuzz targets, read from the one list there is: the pulsco_add_fuzzer()
// calls of tests/fuzz/CMakeLists.txt (which `make fuzz` runs too).
QStringList fuzzTargets() {
    QFile file(QStringLiteral(PULSCO_SOURCE_DIR "/tests/fuzz/CMakeLists.txt"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    QStringList targets;
    static const QRegularExpression call(u"^pulsco_add_fuzzer\\((\\w+)"_s,
                                         QRegularExpression::MultilineOption);
    for (auto it = call.globalMatch(QString::fromUtf8(file.readAll())); it.hasNext();)
        targets << it.next().captured(1);
    return targets;
}

const QStringList kTargets = fuzzTargets();

void addRows(const QString& kind) {
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("path");
    const QDir root(QStringLiteral(PULSCO_SOURCE_DIR "/tests/fuzz/") + kind);
    for (const QString& target : kTargets) {
        const QDir dir(root.filePath(target));
        for (const QString& name : dir.entryList(QDir::Files, QDir::Name))
            QTest::addRow("%s/%s", qPrintable(target), qPrintable(name))
                << target << dir.filePath(name);
    }
}

QByteArray readAll(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

}  // namespace

class TestFuzzRegressions : public QObject {
    Q_OBJECT
private slots:
    void everyTargetHasSeeds();
    void seedsAreAccepted_data() { addRows(u"corpus"_s); }
    void seedsAreAccepted();
    void regressionsAreRefusedCleanly_data() { addRows(u"regressions"_s); }
    void regressionsAreRefusedCleanly();
};

void TestFuzzRegressions::everyTargetHasSeeds() {
    QVERIFY2(kTargets.size() >= 10, qPrintable(kTargets.join(u' ')));
    // Every parser fuzzed has a seed folder, and every seed folder a fuzzer.
    const QDir corpus(QStringLiteral(PULSCO_SOURCE_DIR "/tests/fuzz/corpus"));
    QStringList sortedTargets = kTargets;
    sortedTargets.sort();
    QCOMPARE(corpus.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name), sortedTargets);
    for (const QString& target : kTargets) {
        const QDir dir(QStringLiteral(PULSCO_SOURCE_DIR "/tests/fuzz/corpus/") + target);
        QVERIFY2(!dir.entryList(QDir::Files).isEmpty(), qPrintable(target));
    }
}

void TestFuzzRegressions::seedsAreAccepted() {
    QFETCH(QString, target);
    QFETCH(QString, path);
    const Outcome out = parseAs(target, readAll(path));
    // Seeds are real, valid inputs: a refusal here means a parser regressed.
    QVERIFY2(out.accepted, qPrintable(path + u": "_s + out.error));
}

void TestFuzzRegressions::regressionsAreRefusedCleanly() {
    // tests/fuzz/regressions/ holds inputs that once crashed a parser; an
    // empty folder means they were lost, not that all is well.
    QVERIFY2(QTest::currentDataTag(), "no inputs under tests/fuzz/regressions/");
    QFETCH(QString, target);
    QFETCH(QString, path);
    const Outcome out = parseAs(target, readAll(path));
    QVERIFY2(!out.accepted, qPrintable(path));
    QVERIFY2(!out.error.isEmpty(), qPrintable(path));
}

QTEST_MAIN(TestFuzzRegressions)
#include "tst_fuzzregressions.moc"
