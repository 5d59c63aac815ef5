// Gates: hold times on source time, no data never passes (and breaks a
// hold), passes latch, a regression is reported once; the value/bar split;
// evidence from an environment the item does not name is shown and never
// ticks; a sample below the minimum is no data.
#include "rollout/GateTracker.h"

#include <QTest>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

MetricExpression parsed(const QString& text) {
    ExpressionError error;
    auto e = MetricExpression::parse(text.toStdString(), &error);
    if (!e)
        qFatal("%s", error.describe().c_str());
    return *e;
}

RolloutPlan
planWithGate(const QString& expression, double hold,
             std::vector<DeploymentEnvironment> environments = {DeploymentEnvironment::Staging},
             const QString& minSample = {}) {
    RolloutPlan plan;
    plan.name = u"t"_s;
    PlanPhase phase;
    phase.id = u"p1"_s;
    PlanSection section;
    section.id = u"p1.s"_s;
    PlanGate gate{expression, parsed(expression), hold, std::move(environments), std::nullopt};
    if (!minSample.isEmpty())
        gate.minSample = parsed(minSample);
    section.items.push_back({u"p1.s.gate"_s, u"gated"_s, gate});
    phase.sections.push_back(section);
    plan.phases.push_back(phase);
    return plan;
}

// NaN = no requests in the window (a percentile of nothing: no data).
MetricsSnapshot snapshotAt(double t, double p95,
                           DeploymentEnvironment environment = DeploymentEnvironment::Staging) {
    MetricsSnapshot s;
    s.timeSeconds = t;
    s.environment = environment;
    if (!std::isnan(p95)) {
        s.total.recentApiLatencyMs.record(p95, 100);
        s.total.recentRequests = 100;
    }
    return s;
}

int countOf(const std::vector<GateTransition>& transitions, GateTransition::Kind kind) {
    return int(std::count_if(transitions.begin(), transitions.end(),
                             [kind](const GateTransition& t) { return t.kind == kind; }));
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

    // Issue 23: every console restart and source switch wrote "gate_failed
    // ... no longer holds" with value "no data". Only a failing figure on
    // evidence that counts is a regression; no data (NaN here) never is.
    void noDataIsNeverARegression_data() {
        QTest::addColumn<QString>(
            "start");  // "restart": restored pass; "switch": live pass, new source
        QTest::addColumn<QList<double>>("values");
        QTest::addColumn<int>("regressions");
        QTest::addRow("restart, no data, then holds")
            << u"restart"_s << QList<double>{qQNaN(), qQNaN(), 100} << 0;
        QTest::addRow("restart, no data only") << u"restart"_s << QList<double>{qQNaN()} << 0;
        QTest::addRow("restart, no data, then fails")
            << u"restart"_s << QList<double>{qQNaN(), 200} << 1;
        QTest::addRow("switch, no data") << u"switch"_s << QList<double>{qQNaN(), qQNaN()} << 0;
        QTest::addRow("switch, fails, no data, fails")
            << u"switch"_s << QList<double>{200, qQNaN(), 250} << 1;
    }
    void noDataIsNeverARegression() {
        QFETCH(QString, start);
        QFETCH(QList<double>, values);
        QFETCH(int, regressions);
        const RolloutPlan plan = planWithGate(u"p(95)(api_latency_ms) < 150"_s, 0);
        GateTracker tracker(plan);
        double t = 0;
        if (start == u"restart"_s) {
            tracker.markPassed(u"p1.s.gate"_s);
        } else {
            QCOMPARE(countOf(tracker.evaluate(snapshotAt(t++, 100)), GateTransition::Kind::Passed),
                     1);
            tracker.resetHolds();
            t = 0;  // the new source's clock
        }
        int failed = 0;
        for (double v : values)
            failed += countOf(tracker.evaluate(snapshotAt(t++, v)), GateTransition::Kind::Failed);
        QCOMPARE(failed, regressions);
        QVERIFY(tracker.status(u"p1.s.gate"_s)->state == GateStatus::State::Passed);
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

    // The first complaint: a simulator run ticked production items.
    void rehearsalEvidenceIsShownAndNeverTicks() {
        const RolloutPlan plan =
            planWithGate(u"p(95)(api_latency_ms) < 150"_s, 60, {DeploymentEnvironment::Production});
        GateTracker tracker(plan);
        int metElsewhere = 0;
        for (double t = 0; t <= 300; t += 10) {
            const auto out = tracker.evaluate(snapshotAt(t, 40, DeploymentEnvironment::Rehearsal));
            QCOMPARE(countOf(out, GateTransition::Kind::Passed), 0);
            metElsewhere += countOf(out, GateTransition::Kind::MetElsewhere);
        }
        QCOMPARE(metElsewhere, 1);  // once per hold, not per snapshot
        const GateStatus* s = tracker.status(u"p1.s.gate"_s);
        QCOMPARE(s->state, GateStatus::State::MetElsewhere);
        QVERIFY(!s->latched);
        QVERIFY(!s->counts);
        QCOMPARE(s->value, std::optional<double>(40));  // the figures are shown
        QCOMPARE(gateElsewhereNote(*s, *plan.phases[0].sections[0].items[0].gate),
                 u"rehearsal evidence: counts only in production"_s);
        // Staging is not production either.
        tracker.resetHolds();
        for (double t = 0; t <= 120; t += 10)
            QCOMPARE(countOf(tracker.evaluate(snapshotAt(t, 40, DeploymentEnvironment::Staging)),
                             GateTransition::Kind::Passed),
                     0);
        // Production evidence ticks it, after its own hold.
        tracker.resetHolds();
        int passed = 0;
        for (double t = 0; t <= 60; t += 10)
            passed +=
                countOf(tracker.evaluate(snapshotAt(t, 40, DeploymentEnvironment::Production)),
                        GateTransition::Kind::Passed);
        QCOMPARE(passed, 1);
        QVERIFY(tracker.status(u"p1.s.gate"_s)->latched);
        // A rehearsal failing afterwards writes no regression on the production item.
        QCOMPARE(countOf(tracker.evaluate(snapshotAt(70, 900, DeploymentEnvironment::Rehearsal)),
                         GateTransition::Kind::Failed),
                 0);
        QCOMPARE(countOf(tracker.evaluate(snapshotAt(80, 900, DeploymentEnvironment::Production)),
                         GateTransition::Kind::Failed),
                 1);
    }

    void minimumSample_data() {
        QTest::addColumn<int>("requests");
        QTest::addColumn<QString>("state");
        QTest::addRow("idle: the console's own polling") << 0 << u"no data"_s;
        QTest::addRow("a handful") << 12 << u"no data"_s;
        QTest::addRow("one short") << 999 << u"no data"_s;
        QTest::addRow("enough") << 1000 << u"passed"_s;
    }
    void minimumSample() {
        QFETCH(int, requests);
        QFETCH(QString, state);
        const RolloutPlan plan =
            planWithGate(u"p(95)(api_latency_ms) < 150"_s, 30, {DeploymentEnvironment::Staging},
                         u"requests >= 1000"_s);
        GateTracker tracker(plan);
        for (double t = 0; t <= 60; t += 5) {
            MetricsSnapshot s = snapshotAt(t, 0.2);
            s.total.recentRequests = std::uint64_t(requests);
            tracker.evaluate(s);
        }
        const GateStatus* s = tracker.status(u"p1.s.gate"_s);
        QCOMPARE(gateStateName(s->state), state);
        if (state == u"no data"_s) {
            QCOMPARE(s->noDataReason, u"sample too small: needs requests >= 1000"_s);
            QCOMPARE(s->value, std::optional<double>(0.2));  // the figure is still shown
        }
    }

    void sourceSwapForgetsTheOldSourcesFigures() {
        const RolloutPlan plan =
            planWithGate(u"p(95)(api_latency_ms) < 150"_s, 60, {DeploymentEnvironment::Production});
        GateTracker tracker(plan);
        for (double t = 0; t <= 90; t += 10)
            tracker.evaluate(snapshotAt(t, 40, DeploymentEnvironment::Rehearsal));
        QCOMPARE(tracker.status(u"p1.s.gate"_s)->state, GateStatus::State::MetElsewhere);
        tracker.resetHolds();
        const GateStatus* s = tracker.status(u"p1.s.gate"_s);
        QCOMPARE(s->state, GateStatus::State::NoData);
        QVERIFY(!s->value);
        QVERIFY(!s->environment);
        QCOMPARE(s->heldSeconds, 0.0);
    }

    // "99.9 % uptime maintained for 7 days": availability over the hold,
    // held for as much of it as the server's record covers. The record is
    // the server's, so a console restart (a new tracker) loses nothing, and
    // less than 7 days of record never passes whatever its ratio.
    void uptimeHoldsOnTheServersRecord_data() {
        QTest::addColumn<double>("recordDays");
        QTest::addColumn<double>("downSeconds");  // in the last 7 days
        QTest::addColumn<QString>("state");
        QTest::addColumn<double>("heldDays");
        QTest::addRow("2 days, all up: holding") << 2.0 << 0.0 << u"holding"_s << 2.0;
        QTest::addRow("7 days, 5 min down: passed") << 7.0 << 300.0 << u"passed"_s << 7.0;
        QTest::addRow("30 days, 5 min down in the last 7: passed")
            << 30.0 << 300.0 << u"passed"_s << 7.0;
        QTest::addRow("7 days, 11 min down: failing") << 7.0 << 660.0 << u"failing"_s << 0.0;
    }
    void uptimeHoldsOnTheServersRecord() {
        QFETCH(double, recordDays);
        QFETCH(double, downSeconds);
        QFETCH(QString, state);
        QFETCH(double, heldDays);
        const double day = 86400;
        const RolloutPlan plan =
            planWithGate(u"uptime >= 99.9%"_s, 7 * day, {DeploymentEnvironment::Production});
        const double now = 1.8e9;  // Unix seconds
        MetricsSnapshot s;
        s.timeSeconds = 120;  // the console has watched two minutes
        s.environment = DeploymentEnvironment::Production;
        s.availability = AvailabilityHistory{
            now - recordDays * day,
            now,
            {{now - recordDays * day, now - day}, {now - day + downSeconds, now}}};
        for (int restart = 0; restart < 2; ++restart) {
            GateTracker tracker(plan);  // a console restart is a new tracker
            const auto transitions = tracker.evaluate(s);
            const GateStatus* status = tracker.status(u"p1.s.gate"_s);
            QCOMPARE(gateStateName(status->state), state);
            QCOMPARE(status->heldSeconds, heldDays * day);
            QCOMPARE(countOf(transitions, GateTransition::Kind::Passed), state == u"passed"_s);
        }
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
