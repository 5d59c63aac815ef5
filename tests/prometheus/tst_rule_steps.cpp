// Prometheus and the console's alert engine on one series fire at the same
// evaluation step (issue 18, item 4). One table of series (blue and green
// answering, green failing half its requests for four minutes) is written
// twice: as promtool's input_series, and as OpenMetrics samples that
// `promtool tsdb create-blocks-from openmetrics` turns into blocks of a real
// Prometheus. The console's side is its own path: the Prometheus source's
// dashboard queries over /api/v1/query_range, snapshots built per step
// (net/promsource), merged, and the shipped rules evaluated by AlertEngine.
// asia-east is cut off on blue and shed first by blue, then by green: the
// region_unreachable check pages until both shed. Where the engine fires
// and resolves each rule becomes promtool's
// expectations — silent one step before, firing at that step, firing one
// step before it resolves, gone at that step — and `promtool test rules`
// over the shipped rule file must pass them.
#include "support/PrometheusProcess.h"

#include "drills/AlertEngine.h"
#include "drills/AlertRuleJson.h"
#include "net/live/SnapshotMerge.h"
#include "net/promsource/PromSnapshotBuilder.h"

#include <QDateTime>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <map>

using namespace Qt::StringLiterals;
using namespace pulsco;
using pulsco::test::PrometheusProcess;

namespace {

constexpr int kStepSeconds = 15;  // sample interval and evaluation interval
constexpr int kSteps = 48;        // 12 minutes
constexpr int kErrorsFrom = 13;   // green's first failed requests land at this step
constexpr int kErrorsUntil = 28;  // ... and its last at this one
// asia-east is cut off on blue from kOutFrom to kOutUntil; blue sheds it at
// kBlueShedFrom, green at kGreenShedFrom: shed by one server it still pages,
// shed by both it does not.
constexpr int kOutFrom = 31;
constexpr int kOutUntil = 44;
constexpr int kBlueShedFrom = 35;
constexpr int kGreenShedFrom = 38;

const QString kRules = QStringLiteral(PULSCO_SOURCE_DIR "/resources/alerts/pulsco.rules.yml");
// The rules compared: the two rollback triggers (for 0), the 0.1 % bar
// (for 1m) and the region_unreachable check (for 0); all keep firing 1m
// after their condition clears.
const QStringList kCompared{u"rollback-error-rate"_s, u"rollback-error-rate-green"_s,
                            u"error-rate-high"_s, u"region-unreachable"_s};

struct Series {
    QString name;
    std::vector<std::pair<QString, QString>> labels;  // sorted by name
    std::vector<double> values;                       // one per step

    QString selector() const {
        QStringList parts;
        for (const auto& [k, v] : labels)
            parts << k + u"=\""_s + v + u'"';
        return name + u'{' + parts.join(u',') + u'}';
    }
};

std::vector<Series> seriesTable() {
    const auto labels = [](const QString& instance, std::vector<std::pair<QString, QString>> more) {
        more.emplace_back(u"instance"_s, instance);
        more.emplace_back(u"job"_s, u"pulsco"_s);
        std::sort(more.begin(), more.end());
        return more;
    };
    const auto api = [&](const QString& instance, const QString& code) {
        return labels(instance, {{u"class"_s, u"api"_s},
                                 {u"code"_s, code},
                                 {u"method"_s, u"POST"_s},
                                 {u"route"_s, u"/v1/tickets"_s}});
    };
    std::vector<Series> out;
    const auto constant = [](double v) { return std::vector<double>(kSteps + 1, v); };
    const auto counter = [](double perStep, int from, int until) {
        std::vector<double> v(kSteps + 1, 0);
        for (int k = 1; k <= kSteps; ++k)
            v[std::size_t(k)] = v[std::size_t(k - 1)] + (k >= from && k <= until ? perStep : 0);
        return v;
    };
    out.push_back({u"up"_s, labels(u"blue:8080"_s, {}), constant(1)});
    out.push_back({u"up"_s, labels(u"green:8081"_s, {}), constant(1)});
    out.push_back(
        {u"pulsco_info"_s,
         labels(u"blue:8080"_s, {{u"color"_s, u"blue"_s}, {u"environment"_s, u"staging"_s}}),
         constant(1)});
    out.push_back(
        {u"pulsco_info"_s,
         labels(u"green:8081"_s, {{u"color"_s, u"green"_s}, {u"environment"_s, u"staging"_s}}),
         constant(1)});
    out.push_back(
        {u"pulsco_http_requests_total"_s, api(u"blue:8080"_s, u"201"_s), counter(300, 1, kSteps)});
    out.push_back(
        {u"pulsco_http_requests_total"_s, api(u"green:8081"_s, u"201"_s), counter(150, 1, kSteps)});
    out.push_back({u"pulsco_http_requests_total"_s, api(u"green:8081"_s, u"503"_s),
                   counter(150, kErrorsFrom, kErrorsUntil)});
    const auto during = [](int from, int until) {
        std::vector<double> v(kSteps + 1, 0);
        for (int k = from; k <= std::min(until, kSteps); ++k)
            v[std::size_t(k)] = 1;
        return v;
    };
    for (const QString& instance : {u"blue:8080"_s, u"green:8081"_s}) {
        const bool blue = instance.startsWith(u"blue"_s);
        for (const QString& region : {u"eu-west"_s, u"asia-east"_s}) {
            const auto in = labels(instance, {{u"region"_s, region}});
            const bool asia = region == u"asia-east"_s;
            std::vector<double> reachable = constant(1);
            if (asia && blue)
                for (int k = kOutFrom; k <= kOutUntil; ++k)
                    reachable[std::size_t(k)] = 0;
            out.push_back({u"pulsco_region_reachable"_s, in, reachable});
            out.push_back(
                {u"pulsco_region_shed"_s, in,
                 asia ? during(blue ? kBlueShedFrom : kGreenShedFrom, kSteps) : constant(0)});
        }
    }
    return out;
}

QString yamlQuoted(const QString& s) {
    QString e = s;
    e.replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s);
    return u'"' + e + u'"';
}

struct Steps {
    int fired = -1;
    int resolved = -1;
};

}  // namespace

class TestRuleSteps : public QObject {
    Q_OBJECT
private slots:
    void promtoolAndTheEngineFireAtTheSameStep();
};

void TestRuleSteps::promtoolAndTheEngineFireAtTheSameStep() {
    const QString promtool = QStandardPaths::findExecutable(u"promtool"_s);
    QVERIFY2(!promtool.isEmpty(), "promtool not found: tools/install-deps.sh installs prometheus");
    const std::vector<Series> table = seriesTable();
    QTemporaryDir work;
    QVERIFY(work.isValid());

    // The series into a real Prometheus: OpenMetrics samples 30 minutes
    // back (inside the 5-minute lookback of nothing else), as blocks.
    const qint64 t0 = (QDateTime::currentSecsSinceEpoch() / kStepSeconds) * kStepSeconds - 30 * 60;
    QByteArray openMetrics;
    for (const Series& s : table)
        for (int k = 0; k <= kSteps; ++k)
            openMetrics += s.selector().toUtf8() + ' ' +
                           QByteArray::number(s.values[std::size_t(k)]) + ' ' +
                           QByteArray::number(t0 + qint64(k) * kStepSeconds) + '\n';
    openMetrics += "# EOF\n";
    const QString samples = work.filePath(u"series.om"_s);
    {
        QFile f(samples);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(openMetrics) == openMetrics.size());
    }
    PrometheusProcess prometheus;
    {
        QProcess p;
        p.start(promtool, {u"tsdb"_s, u"create-blocks-from"_s, u"openmetrics"_s, samples,
                           prometheus.tsdbPath()});
        QVERIFY(p.waitForFinished(60000));
        const QByteArray said = p.readAllStandardOutput() + p.readAllStandardError();
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, said.constData());
    }
    const QString started = prometheus.start(u"global:\n  scrape_interval: 15s\n"_s);
    QVERIFY2(started.isEmpty(), qPrintable(started));

    // The console's side: its dashboard queries over the range, one
    // snapshot per step, the shipped rules on them.
    PromAnswers answers;
    for (const PromQuerySpec& q : dashboardQueries(u"{job=\"pulsco\"}"_s)) {
        const QString path =
            u"/api/v1/query_range?query="_s +
            QString::fromLatin1(QUrl::toPercentEncoding(q.promql)) +
            u"&start=%1&end=%2&step=%3"_s.arg(t0).arg(t0 + kSteps * kStepSeconds).arg(kStepSeconds);
        const auto [status, body] = prometheus.get(path);
        PromQueryError error;
        answers[std::size_t(q.id)] = parsePromQueryResponse(body, status, q.promql, &error);
        QVERIFY2(answers[std::size_t(q.id)], qPrintable(error.message));
    }
    QVERIFY2(!answers[std::size_t(PromQueryId::RecentRequests)]->series.empty(),
             "Prometheus serves none of the backfilled series");
    // The console's shipped rules, whose export is the rule file promtool reads.
    const AlertRulesLoad loaded = loadAlertRulesFile(
        QStringLiteral(PULSCO_SOURCE_DIR "/resources/alerts/default-rules.json"));
    QVERIFY2(loaded.rules, qPrintable(loaded.error));
    AlertEngine engine(*loaded.rules);
    std::map<QString, Steps> steps;
    int step = 0;
    connect(&engine, &AlertEngine::transitioned, this, [&](const AlertTransition& t) {
        if (t.to == AlertState::Firing && steps[t.rule].fired < 0)
            steps[t.rule].fired = step;
        if (t.to == AlertState::Resolved && steps[t.rule].resolved < 0)
            steps[t.rule].resolved = step;
    });
    for (step = 0; step <= kSteps; ++step) {
        const PromBuild build =
            buildPromSnapshots(answers, double(t0 + step * kStepSeconds), double(t0), {});
        QVERIFY2(build.problems.isEmpty(), qPrintable(build.problems.join(u"; "_s)));
        QCOMPARE(build.parts.size(), 2u);
        std::vector<ColoredSnapshot> parts;
        for (const auto& [color, snapshot] : build.parts)
            parts.push_back({color, snapshot});
        const MetricsSnapshot merged = mergeServerSnapshots(parts);
        QCOMPARE(merged.timeSeconds, double(step * kStepSeconds));
        engine.evaluate(merged);
    }
    for (const QString& name : kCompared) {
        const Steps s = steps[name];
        qInfo("%s: the console's engine fires at step %d (%d s), resolves at step %d (%d s)",
              qPrintable(name), s.fired, s.fired * kStepSeconds, s.resolved,
              s.resolved * kStepSeconds);
        QVERIFY2(s.fired > kErrorsFrom - 1 && s.resolved > s.fired + 1,
                 qPrintable(name + u": never fired and resolved inside the series"_s));
    }
    // The engine's `for` is Prometheus' `for`: a minute after the triggers.
    QCOMPARE(steps[u"error-rate-high"_s].fired,
             steps[u"rollback-error-rate"_s].fired + 60 / kStepSeconds);
    // The outage pages at once, through blue's shed, until green sheds too
    // (then the minute's hold).
    QCOMPARE(steps[u"region-unreachable"_s].fired, kOutFrom);
    QCOMPARE(steps[u"region-unreachable"_s].resolved, kGreenShedFrom + 60 / kStepSeconds);

    // Prometheus' side: promtool on the shipped rule file, expecting what
    // the engine did at the steps around each change.
    QString test =
        u"rule_files:\n  - "_s + yamlQuoted(kRules) +
        u"\nevaluation_interval: %1s\ntests:\n  - interval: %1s\n    input_series:\n"_s.arg(
            kStepSeconds);
    for (const Series& s : table) {
        QStringList values;
        for (const double v : s.values)
            values << QString::number(v);
        test += u"      - series: "_s + yamlQuoted(s.selector()) + u"\n        values: "_s +
                yamlQuoted(values.join(u' ')) + u'\n';
    }
    test += u"    alert_rule_test:\n"_s;
    for (const QString& name : kCompared) {
        const AlertRule* rule = engine.rule(name);
        QVERIFY(rule);
        const auto expect = [&](int at, bool firing) {
            test += u"      - alertname: %1\n        eval_time: %2s\n"_s.arg(name).arg(
                at * kStepSeconds);
            if (!firing) {
                test += u"        exp_alerts: []\n"_s;
                return;
            }
            // The region check alerts per region, labelled with it.
            const QString region = name == u"region-unreachable"_s
                                       ? u"              region: asia-east\n"_s
                                       : QString();
            test += u"        exp_alerts:\n          - exp_labels:\n              severity: %1\n"
                    "              service: pulsco\n"_s.arg(toString(rule->severity)) +
                    region;
            test += u"            exp_annotations:\n"
                    "              summary: %1\n              runbook: %2\n"
                    "              pulsco_expr: %3\n"_s.arg(yamlQuoted(rule->summary),
                                                            yamlQuoted(rule->runbook),
                                                            yamlQuoted(rule->conditionText()));
        };
        const Steps s = steps[name];
        expect(s.fired - 1, false);
        expect(s.fired, true);
        expect(s.resolved - 1, true);
        expect(s.resolved, false);
    }
    const QString testFile = work.filePath(u"steps.test.yml"_s);
    {
        QFile f(testFile);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(test.toUtf8()) > 0);
    }
    QProcess p;
    p.start(promtool, {u"test"_s, u"rules"_s, testFile});
    QVERIFY(p.waitForFinished(60000));
    const QByteArray said = p.readAllStandardOutput() + p.readAllStandardError();
    QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0,
             qPrintable(QString::fromUtf8(said) + u"\n--- the test file:\n"_s + test));
    QVERIFY2(said.contains("SUCCESS"), said.constData());
}

QTEST_GUILESS_MAIN(TestRuleSteps)
#include "tst_rule_steps.moc"
