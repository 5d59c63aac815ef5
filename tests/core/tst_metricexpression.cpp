// The gate and alert expression language: grammar, metric names, evaluation.
#include "core/MetricCatalog.h"
#include "core/MetricExpression.h"

#include <QTest>

using namespace pulsco;
using namespace Qt::StringLiterals;

namespace {

// A snapshot with known figures: blue healthy, green failing.
MetricsSnapshot sampleSnapshot() {
    MetricsSnapshot s;
    s.timeSeconds = 600;
    s.playersOnline = 1000;
    s.concurrentPlayersPeak = 1200;
    s.playersInQueue = 150;
    s.conservationOk = true;
    s.integrity = IntegrityReport{};  // a completed audit that found nothing
    s.storeMaintenance = StoreMaintenanceReport{1, 2, 0, {}};
    for (int i = 1; i <= 100; ++i) {
        s.blue.recentApiLatencyMs.record(i);         // p95 ~ 95 ms
        s.green.recentApiLatencyMs.record(i * 100);  // p95 ~ 9500 ms
    }
    s.total.recentApiLatencyMs = s.blue.recentApiLatencyMs;
    s.total.recentApiLatencyMs.merge(s.green.recentApiLatencyMs);
    s.blue.recentRequests = 10000;
    s.blue.recentErrors = 5;
    s.green.recentRequests = 1000;
    s.blue.recentTicketsCreated = 1000;
    s.green.recentTicketsCreated = 100;
    s.green.recentErrors = 60;
    s.total.recentRequests = 11000;
    s.total.recentErrors = 65;
    s.total.requestsTotal = 100000;
    s.total.errorsTotal = 50;
    s.total.tickets.created = 400;
    s.total.tickets.expired = 4;
    s.total.queues = {{"ranked-5v5", 120, 120, 12.5, 30}, {"duel-1v1", 30, 30, 40.0, 80}};
    s.green.requestedWeightPercent = 10;
    s.ratingCorrelation = 0.8;  // a simulator's end-of-run figure
    // Ten days of record, down 30 s nine days ago and 10 s an hour ago.
    const double day = 86400;
    s.availability = AvailabilityHistory{
        0, 10 * day, {{0, day}, {day + 30, 10 * day - 3600}, {10 * day - 3590, 10 * day}}};
    return s;
}

}  // namespace

class TestMetricExpression : public QObject {
    Q_OBJECT
private slots:
    void evaluates_data();
    void evaluates();
    void refuses_data();
    void refuses();
    void noDataIsNotAPass();
    void uptimeReadsTheWindow_data();
    void uptimeReadsTheWindow();
    void listsMetrics();
    void catalogNamesAreUnique();
};

void TestMetricExpression::evaluates_data() {
    QTest::addColumn<QString>("expression");
    QTest::addColumn<double>("expected");
    QTest::addRow("p95 blue under bar") << "p(95)(blue.api_latency_ms) < 150" << 1.0;
    QTest::addRow("p95 green over bar") << "p(95)(green.api_latency_ms) < 150" << 0.0;
    QTest::addRow("p95 value within one percent")
        << "p(95)(blue.api_latency_ms) > 94 and p(95)(blue.api_latency_ms) < 96.5" << 1.0;
    QTest::addRow("rate errors percent") << "rate(blue.errors) < 0.1%" << 1.0;
    QTest::addRow("green rollback trigger")
        << "rate(green.errors) > 5% or p(95)(green.api_latency_ms) > 5000" << 1.0;
    QTest::addRow("max concurrent reads peak") << "max(concurrent_players) >= 1000" << 1.0;
    QTest::addRow("peak value") << "max(concurrent_players)" << 1200.0;
    QTest::addRow("uptime") << "uptime >= 99.9%" << 1.0;
    QTest::addRow("uptime is time up over time") << "uptime * 864000" << 864000.0 - 40;
    QTest::addRow("uptime history") << "uptime_history_s" << 864000.0;
    QTest::addRow("conservation") << "conservation == ok" << 1.0;
    QTest::addRow("not") << "not (conservation == fail)" << 1.0;
    QTest::addRow("migration round trips") << "migration_round_trips >= 1" << 1.0;
    QTest::addRow("verified backups") << "verified_backups" << 2.0;
    QTest::addRow("no restore drill yet") << "restore_drills >= 1" << 0.0;
    QTest::addRow("arithmetic precedence") << "1 + 2 * 3 - 4 / 2" << 5.0;
    QTest::addRow("unary minus") << "-(2 - 5)" << 3.0;
    QTest::addRow("queue depth sums queues") << "queue_depth" << 150.0;
    QTest::addRow("oldest wait is max") << "oldest_wait_s" << 40.0;
    QTest::addRow("error_rate alias") << "error_rate * 11000" << 65.0;
    QTest::addRow("expired rate") << "rate(tickets_expired)" << 0.01;
    QTest::addRow("count") << "count(green.api_latency_ms)" << 100.0;
    QTest::addRow("symbols and or") << "1 < 2 && !(3 < 2) || 0" << 1.0;
    QTest::addRow("weight set") << "green.requested_weight == 10" << 1.0;
    // Measured: green took 100 of the 1100 new tickets, whatever was set.
    QTest::addRow("traffic weight measured")
        << "green.traffic_weight > 9.09 and green.traffic_weight < 9.10" << 1.0;
    QTest::addRow("blue measured") << "blue.traffic_weight > 90.9" << 1.0;
    QTest::addRow("total measured") << "traffic_weight == 100" << 1.0;
    QTest::addRow("false or false") << "1 > 2 or 3 < 2" << 0.0;
    QTest::addRow("true and true") << "1 < 2 and 2 < 3" << 1.0;
    QTest::addRow("false and false") << "1 > 2 and 3 < 2" << 0.0;
    QTest::addRow("exponent") << "1.5e3 == 1500" << 1.0;
    // The limits (64 levels, 1000 tokens) are reached, not passed.
    QTest::addRow("64 parentheses") << QString(64, u'(') + u'7' + QString(64, u')') << 7.0;
    QTest::addRow("64 minus signs") << QString(64, u'-') + u'3' << 3.0;
    QTest::addRow("64 nots") << u"not "_s.repeated(64) + u"ok"_s << 1.0;
    QTest::addRow("1000 tokens") << u"-1"_s + u" + 1"_s.repeated(499) << 498.0;
}

void TestMetricExpression::evaluates() {
    QFETCH(QString, expression);
    QFETCH(double, expected);
    ExpressionError error;
    const auto e = MetricExpression::parse(expression.toStdString(), &error);
    QVERIFY2(e, error.describe().c_str());
    const ExpressionValue v = e->evaluate(sampleSnapshot());
    QVERIFY2(v.hasValue, v.noDataReason.c_str());
    QVERIFY2(qAbs(v.value - expected) < 1e-9, qPrintable(QString::number(v.value)));
}

void TestMetricExpression::refuses_data() {
    QTest::addColumn<QString>("expression");
    QTest::addColumn<int>("position");
    QTest::addColumn<QString>("message");
    QTest::addRow("empty") << "" << 0 << "expected a number, a metric or '(' at the end";
    QTest::addRow("unknown metric")
        << "p(95)(api_latency) < 1" << 6 << "unknown metric 'api_latency'";
    QTest::addRow("histogram bare")
        << "api_latency_ms < 150" << 0 << "'api_latency_ms' is a histogram";
    QTest::addRow("missing paren")
        << "p(95)(api_latency_ms < 150" << 21 << "expected ')' before '<'";
    QTest::addRow("percentile range")
        << "p(150)(api_latency_ms) < 1" << 2 << "percentile must be from 0 to 100";
    QTest::addRow("p without metric")
        << "p(95) < 150" << 6 << "expected '(' and a histogram metric";
    QTest::addRow("chained comparison") << "1 < 2 < 3" << 6 << "comparisons do not chain";
    QTest::addRow("bad scope") << "rate(red.errors) < 1" << 5 << "unknown scope 'red'";
    QTest::addRow("rate of gauge") << "rate(queue_depth) < 1" << 5 << "rate() takes errors";
    QTest::addRow("trailing") << "uptime >= 99% 5" << 14 << "unexpected '5'";
    QTest::addRow("bad char") << "uptime >= $5" << 10 << "unexpected character '$'";
    QTest::addRow("unscoped metric with scope")
        << "green.players_online > 1" << 0 << "'players_online' has no blue/green scope";
    QTest::addRow("p of counter") << "p(95)(errors) > 1" << 6 << "'errors' is not a histogram";
    // Deep nesting used to recurse until the stack ran out (found by
    // fuzz_metric_expression); the inputs here are far past the limits so
    // that they would crash any build without them.
    QTest::addRow("parentheses too deep")
        << QString(1'000'000, u'(') + u'1' << 64 << "nested more than 64 levels deep";
    QTest::addRow("not too deep") << u"not "_s.repeated(100'000) + u"ok"_s << 256
                                  << "nested more than 64 levels deep";
    QTest::addRow("minus too deep")
        << QString(1'000'000, u'-') + u'1' << 64 << "nested more than 64 levels deep";
    QTest::addRow("too many tokens")
        << u"1"_s + u"+1"_s.repeated(1'000'000) << 1000 << "longer than 1000 tokens";
}

void TestMetricExpression::refuses() {
    QFETCH(QString, expression);
    QFETCH(int, position);
    QFETCH(QString, message);
    ExpressionError error;
    QVERIFY(!MetricExpression::parse(expression.toStdString(), &error));
    QVERIFY2(QString::fromStdString(error.message).startsWith(message), error.describe().c_str());
    QCOMPARE(int(error.position), position);
    QVERIFY(error.describe().starts_with("at " + std::to_string(position) + ": "));
}

void TestMetricExpression::noDataIsNotAPass() {
    MetricsSnapshot empty;
    const auto e = MetricExpression::parse("p(95)(api_latency_ms) < 150", nullptr);
    QVERIFY(e);
    const ExpressionValue v = e->evaluate(empty);
    QVERIFY(!v.hasValue);
    QVERIFY(!v.truthy());
    QVERIFY(v.noDataReason.find("api_latency_ms") != std::string::npos);
    // 'or' still fires on the side that has data; 'and' fails on a false side.
    const auto trigger =
        MetricExpression::parse("p(95)(api_latency_ms) > 5000 or conservation == fail", nullptr);
    MetricsSnapshot broken;
    broken.conservationOk = false;
    QVERIFY(trigger->evaluate(broken).truthy());
    const auto both =
        MetricExpression::parse("p(95)(api_latency_ms) < 150 and conservation == fail", nullptr);
    const ExpressionValue b = both->evaluate(empty);
    QVERIFY(b.hasValue);
    QCOMPARE(b.value, 0.0);
    const auto div = MetricExpression::parse("1 / (2 - 2)", nullptr);
    QVERIFY(!div->evaluate(empty).hasValue);
}

void TestMetricExpression::listsMetrics() {
    const auto e = MetricExpression::parse(
        "rate(green.errors) > 5% or p(95)(green.api_latency_ms) > 5000 or rate(green.errors) > 1",
        nullptr);
    QVERIFY(e);
    QVERIFY(e->isComparison());
    const std::vector<std::string> expected{"green.errors", "green.api_latency_ms"};
    QCOMPARE(e->metrics(), expected);
    QVERIFY(!MetricExpression::parse("1 + 2", nullptr)->isComparison());
}

void TestMetricExpression::catalogNamesAreUnique() {
    const auto& all = MetricCatalog::all();
    QVERIFY(!all.empty());
    for (std::size_t i = 0; i < all.size(); ++i) {
        QVERIFY(!all[i].description.empty());
        for (std::size_t j = i + 1; j < all.size(); ++j)
            QVERIFY(all[i].name != all[j].name);
        // Every catalogued name is readable from a snapshot.
        const MetricsSnapshot s = sampleSnapshot();
        const bool readable = MetricCatalog::histogram(s, "", all[i].name) ||
                              MetricCatalog::value(s, "", all[i].name).has_value();
        // requested_weight is a colour's (total has no weight set of its own).
        QVERIFY2(readable || all[i].name == "error_rate" || all[i].name == "requested_weight",
                 std::string(all[i].name).c_str());
    }
}

// `uptime` over a window: down time inside it over the part of it the
// record covers; `uptime_history_s` that covered part.
void TestMetricExpression::uptimeReadsTheWindow_data() {
    QTest::addColumn<double>("window");
    QTest::addColumn<double>("uptime");
    QTest::addColumn<double>("history");
    const double day = 86400;
    QTest::addRow("last 30 min: all up") << 1800.0 << 1.0 << 1800.0;
    QTest::addRow("last 2 h: 10 s down") << 7200.0 << (7200.0 - 10) / 7200 << 7200.0;
    QTest::addRow("last 7 days: 10 s down") << 7 * day << (7 * day - 10) / (7 * day) << 7 * day;
    QTest::addRow("20 days: the 10 days on record")
        << 20 * day << (10 * day - 40) / (10 * day) << 10 * day;
}

void TestMetricExpression::uptimeReadsTheWindow() {
    QFETCH(double, window);
    QFETCH(double, uptime);
    QFETCH(double, history);
    const MetricsSnapshot s = sampleSnapshot();
    ExpressionError error;
    const auto up = MetricExpression::parse("uptime", &error);
    const auto covered = MetricExpression::parse("uptime_history_s", &error);
    QVERIFY(up && covered);
    const ExpressionValue u = up->evaluate(s, window);
    const ExpressionValue h = covered->evaluate(s, window);
    QVERIFY(u.hasValue && h.hasValue);
    QVERIFY2(qAbs(u.value - uptime) < 1e-12, qPrintable(QString::number(u.value, 'g', 12)));
    QCOMPARE(h.value, history);
    // Without a record there is no figure, never a pass.
    MetricsSnapshot none = s;
    none.availability.reset();
    const ExpressionValue missing = up->evaluate(none, window);
    QVERIFY(!missing.hasValue);
    QCOMPARE(QString::fromStdString(missing.noDataReason), u"no availability history"_s);
}

QTEST_GUILESS_MAIN(TestMetricExpression)
#include "tst_metricexpression.moc"
