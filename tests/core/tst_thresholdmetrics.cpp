// Scenario threshold names are shorthands for expressions over the one
// metric catalog: each one parses (scoped where it may be), reads the same
// figure the old per-name code read, and the docs list exactly the catalog.
#include "core/MetricCatalog.h"
#include "core/MetricExpression.h"
#include "core/ThresholdMetrics.h"

#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace pulsco;

namespace {

std::optional<double> evaluate(const std::string& text, const MetricsSnapshot& s) {
    ExpressionError error;
    const auto e = MetricExpression::parse(text, &error);
    if (!e)
        qFatal("%s: %s", text.c_str(), error.describe().c_str());
    const ExpressionValue v = e->evaluate(s);
    return v.hasValue ? std::optional<double>(v.value) : std::nullopt;
}

MetricsSnapshot runFigures() {
    MetricsSnapshot s;
    for (int i = 1; i <= 100; ++i) {
        s.green.apiLatencyMs.record(i);
        s.total.apiLatencyMs.record(i);
        s.total.recentApiLatencyMs.record(1000);
    }
    s.total.requestsTotal = 1000;
    s.total.errorsTotal = 3;
    s.green.requestsTotal = 100;
    s.green.errorsTotal = 2;
    s.total.tickets.created = 200;
    s.total.tickets.expired = 10;
    s.total.tickets.cancelled = 20;
    s.total.matchesTotal = 77;
    s.total.twoTeamMatches = 40;
    s.total.balancedMatches = 30;
    s.concurrentPlayersPeak = 1234;
    s.queueDepthPeak = 321;
    s.conservationOk = false;
    s.tickDurationMs.record(2.0);
    return s;
}

}  // namespace

class TestThresholdMetrics : public QObject {
    Q_OBJECT
private slots:
    void everyPatternParses();
    void readsTheRunsFigures_data();
    void readsTheRunsFigures();
    void noDataWhereTheRunHasNone_data();
    void noDataWhereTheRunHasNone();
    void scopedExpression();
    void docsListTheCatalog();
};

void TestThresholdMetrics::everyPatternParses() {
    QVERIFY(!thresholdMetrics().empty());
    for (const ThresholdMetric& m : thresholdMetrics()) {
        QVERIFY2(findThresholdMetric(m.name) == &m, std::string(m.name).c_str());
        std::vector<std::optional<Color>> scopes{std::nullopt};
        if (m.run.find('$') != std::string_view::npos)
            scopes.insert(scopes.end(), {Color::Blue, Color::Green});
        for (const auto scope : scopes) {
            for (std::string_view pattern : {m.run, m.recent}) {
                if (pattern.empty())
                    continue;
                ExpressionError error;
                const std::string text = pulsco::scopedExpression(pattern, scope);
                QVERIFY2(MetricExpression::parse(text, &error),
                         (text + ": " + error.describe()).c_str());
            }
        }
    }
    QVERIFY(!findThresholdMetric("api_latency_p95"));
}

void TestThresholdMetrics::readsTheRunsFigures_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("scope");  // -1 none, 1 green
    QTest::addColumn<double>("expected");
    // The run's figures are the since-start ones (`_all`), not the window's.
    QTest::addRow("p95 latency") << u"api_latency_p95_ms"_qs << -1 << 95.0;
    QTest::addRow("green p50 latency") << u"api_latency_p50_ms"_qs << 1 << 50.0;
    QTest::addRow("error rate") << u"error_rate"_qs << -1 << 0.003;
    QTest::addRow("green error rate") << u"error_rate"_qs << 1 << 0.02;
    QTest::addRow("expired") << u"expired_rate"_qs << -1 << 0.05;
    QTest::addRow("cancelled") << u"cancelled_rate"_qs << -1 << 0.1;
    QTest::addRow("matches") << u"matches_total"_qs << -1 << 77.0;
    QTest::addRow("balanced") << u"balanced_match_share"_qs << -1 << 0.75;
    QTest::addRow("players peak") << u"concurrent_players_peak"_qs << -1 << 1234.0;
    QTest::addRow("queue peak") << u"queue_depth_max"_qs << -1 << 321.0;
    QTest::addRow("conservation") << u"conservation_ok"_qs << -1 << 0.0;
    QTest::addRow("tick") << u"tick_p99_ms"_qs << -1 << 2.0;
}

void TestThresholdMetrics::readsTheRunsFigures() {
    QFETCH(QString, name);
    QFETCH(int, scope);
    QFETCH(double, expected);
    const ThresholdMetric* m = findThresholdMetric(name.toStdString());
    QVERIFY(m);
    const auto color = scope < 0 ? std::nullopt : std::optional(kColors[scope]);
    const auto v = evaluate(pulsco::scopedExpression(m->run, color), runFigures());
    QVERIFY(v.has_value());
    // Percentiles are within the histogram's 1 % relative error.
    QVERIFY2(qAbs(*v - expected) <= 0.011 * qAbs(expected), qPrintable(QString::number(*v)));
}

void TestThresholdMetrics::noDataWhereTheRunHasNone_data() {
    QTest::addColumn<QString>("name");
    QTest::addRow("no waits") << u"ticket_wait_p95_s"_qs;
    QTest::addRow("no rating correlation from live servers") << u"rating_correlation"_qs;
    QTest::addRow("blue had no requests") << u"api_latency_p99_ms"_qs;
}

void TestThresholdMetrics::noDataWhereTheRunHasNone() {
    QFETCH(QString, name);
    const ThresholdMetric* m = findThresholdMetric(name.toStdString());
    QVERIFY(m);
    MetricsSnapshot s = runFigures();
    s.total.apiLatencyMs.clear();
    QVERIFY(!evaluate(pulsco::scopedExpression(m->run, std::nullopt), s).has_value());
    s.ratingCorrelation = 0.9;
    QCOMPARE(evaluate("rating_correlation", s), std::optional<double>(0.9));
}

void TestThresholdMetrics::scopedExpression() {
    QCOMPARE(pulsco::scopedExpression("rate($errors_total)", Color::Green),
             std::string("rate(green.errors_total)"));
    QCOMPARE(pulsco::scopedExpression("p(95)($api_latency_ms)", std::nullopt),
             std::string("p(95)(api_latency_ms)"));
}

void TestThresholdMetrics::docsListTheCatalog() {
    // docs/expressions.md is the one list a reader sees: its metric table
    // and its threshold table name exactly what the code knows.
    QFile doc(QStringLiteral(PULSCO_SOURCE_DIR "/docs/expressions.md"));
    QVERIFY(doc.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(doc.readAll());
    QSet<QString> metricRows, thresholdRows;
    const QRegularExpression row(u"^\\| `([a-z0-9_]+)` \\| (histogram|counter|gauge|`)"_qs,
                                 QRegularExpression::MultilineOption);
    for (auto it = row.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        (m.captured(2) == u"`"_qs ? thresholdRows : metricRows).insert(m.captured(1));
    }
    QSet<QString> catalog, thresholds;
    for (const MetricInfo& m : MetricCatalog::all())
        catalog.insert(QString::fromLatin1(m.name.data(), qsizetype(m.name.size())));
    for (const ThresholdMetric& m : thresholdMetrics())
        thresholds.insert(QString::fromLatin1(m.name.data(), qsizetype(m.name.size())));
    QCOMPARE(metricRows, catalog);
    QCOMPARE(thresholdRows, thresholds);
}

QTEST_APPLESS_MAIN(TestThresholdMetrics)
#include "tst_thresholdmetrics.moc"
