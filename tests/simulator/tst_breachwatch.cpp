// The simulator's live threshold checks: a bar is logged when it breaks on
// the last 60 s and again when it holds, once per change, scoped to its
// colour; a window without data keeps the last state. And the event log
// buffer: off by default, capped, the rest counted.
#include "simulator/engine/BreachWatch.h"
#include "simulator/engine/EventLogBuffer.h"

#include <QTest>

using namespace pulsco;
using namespace pulsco::sim;

namespace {

Threshold bar(const std::string& metric, const std::string& text) {
    std::string why;
    auto t = parseThreshold(metric, text, &why);
    if (!t)
        qFatal("%s: %s", metric.c_str(), why.c_str());
    return *t;
}

MetricsSnapshot window(std::uint64_t requests, std::uint64_t errors, bool green = false) {
    MetricsSnapshot s;
    EnvironmentMetrics& env = green ? s.green : s.blue;
    env.recentRequests = requests;
    env.recentErrors = errors;
    s.total.recentRequests = requests;
    s.total.recentErrors = errors;
    return s;
}

}  // namespace

class TestBreachWatch : public QObject {
    Q_OBJECT
private slots:
    void logsChangesOnly_data();
    void logsChangesOnly();
    void scopedBarNamesItsColour();
    void barsWithoutALiveFigureAreNotChecked();
    void resetJudgesAfresh();
    void logBuffer();
};

void TestBreachWatch::logsChangesOnly_data() {
    QTest::addColumn<QList<int>>("errorsPerThousand");  // one check each
    QTest::addColumn<QStringList>("expected");          // "B" breach, "I" holds again
    QTest::addRow("steady ok") << QList<int>{0, 5, 9} << QStringList{};
    QTest::addRow("breaks once") << QList<int>{0, 20, 30, 40} << QStringList{u"B"_qs};
    QTest::addRow("breaks and recovers") << QList<int>{20, 0} << QStringList{u"B"_qs, u"I"_qs};
    QTest::addRow("flaps") << QList<int>{20, 0, 20} << QStringList{u"B"_qs, u"I"_qs, u"B"_qs};
    // No requests: no data, the state stands (no "holds again" from silence).
    QTest::addRow("silence") << QList<int>{20, -1, -1} << QStringList{u"B"_qs};
}

void TestBreachWatch::logsChangesOnly() {
    QFETCH(QList<int>, errorsPerThousand);
    QFETCH(QStringList, expected);
    const std::vector<Threshold> bars{bar("error_rate", "<0.01")};
    BreachWatch watch(&bars);
    QStringList seen;
    for (int e : errorsPerThousand) {
        const MetricsSnapshot s = e < 0 ? window(0, 0) : window(1000, std::uint64_t(e));
        for (const BreachChange& c : watch.check(s)) {
            seen << (c.kind == LogEventKind::Breach ? u"B"_qs : u"I"_qs);
            QVERIFY(!c.color.has_value());
        }
    }
    QCOMPARE(seen, expected);
}

void TestBreachWatch::scopedBarNamesItsColour() {
    const std::vector<Threshold> bars{bar("green.error_rate", "<0.01")};
    BreachWatch watch(&bars);
    QVERIFY(watch.check(window(1000, 50, false)).empty());  // blue's errors are not green's
    const auto changes = watch.check(window(1000, 50, true));
    QCOMPARE(changes.size(), std::size_t(1));
    QCOMPARE(changes[0].color, std::optional<Color>(Color::Green));
    QCOMPARE(QString::fromStdString(changes[0].text),
             u"threshold broken: green.error_rate 0.05 over the last minute (bar <0.01)"_qs);
}

void TestBreachWatch::barsWithoutALiveFigureAreNotChecked() {
    // expired_rate is judged at the end of the run only.
    const std::vector<Threshold> bars{bar("expired_rate", "<0.01")};
    BreachWatch watch(&bars);
    MetricsSnapshot s;
    s.total.tickets.created = 10;
    s.total.tickets.expired = 10;
    QVERIFY(watch.check(s).empty());
}

void TestBreachWatch::resetJudgesAfresh() {
    const std::vector<Threshold> bars{bar("error_rate", "<0.01")};
    BreachWatch watch(&bars);
    QCOMPARE(watch.check(window(1000, 20)).size(), std::size_t(1));
    QVERIFY(watch.check(window(1000, 20)).empty());
    watch.reset();
    QCOMPARE(watch.check(window(1000, 20)).size(), std::size_t(1));
}

void TestBreachWatch::logBuffer() {
    EventLogBuffer log;
    QVERIFY(!log.on());
    log.push(LogEvent{});
    QVERIFY(log.take().empty());
    QCOMPARE(log.dropped(), std::uint64_t(0));
    log.enable(2);
    for (int i = 0; i < 5; ++i)
        log.push(LogEvent{});
    QCOMPARE(log.take().size(), std::size_t(2));
    QCOMPARE(log.dropped(), std::uint64_t(3));
    log.push(LogEvent{});
    QCOMPARE(log.take().size(), std::size_t(1));
}

QTEST_APPLESS_MAIN(TestBreachWatch)
#include "tst_breachwatch.moc"
