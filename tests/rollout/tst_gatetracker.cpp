// Gates: hold times on source time, no data never passes (and breaks a
// hold), passes latch, a regression is reported once; the value/bar split.
#include "rollout/GateTracker.h"

#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

RolloutPlan planWithGate(const QString& expression, double hold) {
    RolloutPlan plan;
    plan.name = u"t"_s;
    PlanPhase phase;
    phase.id = u"p1"_s;
    PlanSection section;
    section.id = u"p1.s"_s;
    ExpressionError error;
    auto parsed = MetricExpression::parse(expression.toStdString(), &error);
    if (!parsed)
        qFatal("%s", error.describe().c_str());
    section.items.push_back({u"p1.s.gate"_s, u"gated"_s, PlanGate{expression, *parsed, hold}});
    phase.sections.push_back(section);
    plan.phases.push_back(phase);
    return plan;
}

// NaN = no requests in the window (a percentile of nothing: no data).
MetricsSnapshot snapshotAt(double t, double p95) {
    MetricsSnapshot s;
    s.timeSeconds = t;
    if (!std::isnan(p95))
        s.total.recentApiLatencyMs.record(p95, 100);
    return s;
}

}  // namespace

class TestGateTracker : public QObject {
    Q_OBJECT
private slots:
    void holdTimes_data() {
        QTest::addColumn<double>("hold");
        QTest::addColumn<QList<double>>("times");
        QTest::addColumn<QList<double>>("values");
        QTest::addColumn<QString>("finalState");
        QTest::addColumn<double>("passedAt");  // -1: never
        const double nan = std::nan("");
        QTest::addRow("no hold passes at once")
            << 0.0 << QList<double>{0} << QList<double>{100} << u"passed"_s << 0.0;
        QTest::addRow("holding until the hold is done")
            << 60.0 << QList<double>{0, 30, 59} << QList<double>{100, 100, 100} << u"holding"_s
            << -1.0;
        QTest::addRow("passes after the hold")
            << 60.0 << QList<double>{0, 30, 60} << QList<double>{100, 100, 100} << u"passed"_s
            << 60.0;
        QTest::addRow("a breach restarts the hold")
            << 60.0 << QList<double>{0, 30, 40, 90, 100} << QList<double>{100, 200, 100, 100, 100}
            << u"passed"_s << 100.0;
        QTest::addRow("no data never passes")
            << 0.0 << QList<double>{0, 10, 20} << QList<double>{nan, nan, nan} << u"no data"_s
            << -1.0;
        QTest::addRow("no data breaks a hold")
            << 60.0 << QList<double>{0, 30, 40, 70, 99} << QList<double>{100, nan, 100, 100, 100}
            << u"holding"_s << -1.0;
        QTest::addRow("failing") << 0.0 << QList<double>{0, 10} << QList<double>{200, 300}
                                 << u"failing"_s << -1.0;
        QTest::addRow("a pass is latched")
            << 0.0 << QList<double>{0, 10} << QList<double>{100, 300} << u"passed"_s << 0.0;
        QTest::addRow("at the bar is not under it")
            << 0.0 << QList<double>{0} << QList<double>{150} << u"failing"_s << -1.0;
    }
    void holdTimes() {
        QFETCH(double, hold);
        QFETCH(QList<double>, times);
        QFETCH(QList<double>, values);
        QFETCH(QString, finalState);
        QFETCH(double, passedAt);
        const RolloutPlan plan = planWithGate(u"p(95)(api_latency_ms) < 150"_s, hold);
        GateTracker tracker(plan);
        QCOMPARE(tracker.size(), std::size_t(1));
        double passed = -1;
        for (qsizetype i = 0; i < times.size(); ++i)
            for (const GateTransition& t : tracker.evaluate(snapshotAt(times[i], values[i])))
                if (t.kind == GateTransition::Kind::Passed) {
                    QCOMPARE(passed, -1.0);  // once
                    passed = times[i];
                    QVERIFY(t.status.value.has_value());
                    QCOMPARE(t.status.barText, u"< 150"_s);
                }
        const GateStatus* s = tracker.status(u"p1.s.gate"_s);
        QVERIFY(s);
        QCOMPARE(gateStateName(s->state), finalState);
        QCOMPARE(passed, passedAt);
    }

    void regressionIsReportedOnceUntilItHoldsAgain() {
        const RolloutPlan plan = planWithGate(u"p(95)(api_latency_ms) < 150"_s, 0);
        GateTracker tracker(plan);
        int failed = 0, passed = 0;
        const QList<double> values{100, 200, 250, 100, 300};
        for (qsizetype i = 0; i < values.size(); ++i)
            for (const GateTransition& t : tracker.evaluate(snapshotAt(double(i), values[i])))
                (t.kind == GateTransition::Kind::Failed ? failed : passed)++;
        QCOMPARE(passed, 1);
        QCOMPARE(failed, 2);  // at 200, and again at 300 after holding at 100
        QVERIFY(!tracker.status(u"p1.s.gate"_s)->holdsNow);
    }

    void restoredPassStaysPassed() {
        const RolloutPlan plan = planWithGate(u"conservation == ok"_s, 3600);
        GateTracker tracker(plan);
        tracker.markPassed(u"p1.s.gate"_s);
        MetricsSnapshot s;
        s.conservationOk = true;
        QVERIFY(tracker.evaluate(s).empty());  // no second pass row
        QCOMPARE(tracker.status(u"p1.s.gate"_s)->state, GateStatus::State::Passed);
    }

    void splitsComparisons_data() {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("bar");
        QTest::addRow("p95") << u"p(95)(api_latency_ms) < 150"_s << u"p(95)(api_latency_ms)"_s
                             << u"< 150"_s;
        QTest::addRow(">=") << u"max(concurrent_players) >= 1000"_s << u"max(concurrent_players)"_s
                            << u">= 1000"_s;
        QTest::addRow("==") << u"conservation == ok"_s << u"conservation"_s << u"== ok"_s;
        QTest::addRow("and") << u"rate(errors) < 1% and conservation == ok"_s << QString()
                             << QString();
        QTest::addRow("&&") << u"rate(errors) < 1% && uptime > 0.9"_s << QString() << QString();
        QTest::addRow("none") << u"conservation"_s << QString() << QString();
    }
    void splitsComparisons() {
        QFETCH(QString, expression);
        QFETCH(QString, value);
        QFETCH(QString, bar);
        const auto split = splitComparison(expression);
        QCOMPARE(split.has_value(), !value.isEmpty());
        if (split) {
            QCOMPARE(split->valueText, value);
            QCOMPARE(split->barText, bar);
        }
    }
};

QTEST_GUILESS_MAIN(TestGateTracker)
#include "tst_gatetracker.moc"
