// The alert state machine, data-driven: a rule, a series of (time, value)
// observations and operator commands, and the states and transitions they
// must produce. Plus the built-in checks and chart markers.
#include "drills/AlertEngine.h"

#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <limits>

using namespace pulsco;
using namespace Qt::StringLiterals;

namespace {

// A snapshot whose overall error rate is `errorRate` (1000 recent requests).
MetricsSnapshot snapshotAt(double t, double errorRate) {
    MetricsSnapshot s;
    s.timeSeconds = t;
    s.total.recentRequests = 1000;
    s.total.recentErrors = static_cast<std::uint64_t>(std::llround(errorRate * 1000));
    return s;
}

// The rule "rate(errors) > 5%". The hold defaults to 0 here so each row
// states the one it tests (the file default is kDefaultKeepFiringForSeconds).
AlertRule errorRule(double forSeconds, double keepFiringFor = 0) {
    AlertRule r;
    r.name = u"errors"_s;
    ExpressionError e;
    r.expression = MetricExpression::parse("rate(errors) > 5%", &e);
    r.forSeconds = forSeconds;
    r.keepFiringForSeconds = keepFiringFor;
    r.severity = AlertSeverity::Critical;
    r.summary = u"errors"_s;
    return r;
}

// A rate that hovers at the rule's 5 % threshold, as a steady surge
// measured over a moving window does: one sample every `step` seconds from
// `from` to `to` (inclusive), `run` samples at 5.5 %, then `run` at 4.5 %, ...
QList<QPointF> hover(double from, double to, double step, int run = 1) {
    QList<QPointF> series;
    int i = 0;
    for (double t = from; t <= to; t += step, ++i)
        series.append({t, (i / run) % 2 == 0 ? 0.055 : 0.045});
    return series;
}

QList<QPointF> steady(double from, double to, double step, double rate) {
    QList<QPointF> series;
    for (double t = from; t <= to; t += step)
        series.append({t, rate});
    return series;
}

}  // namespace

class TestAlertEngine : public QObject {
    Q_OBJECT
private slots:
    void stateMachine_data() {
        QTest::addColumn<double>("forSeconds");
        QTest::addColumn<double>("keepFiringFor");
        // "t:rate" evaluates a snapshot; "ack" / "resolve" must succeed,
        // "!ack" / "!resolve" must be refused.
        QTest::addColumn<QStringList>("script");
        QTest::addColumn<QStringList>("states");  // state after each step
        QTest::addColumn<QStringList>("transitions");

        QTest::addRow("stays normal") << 0.0 << 0.0 << QStringList{u"0:0.01"_s, u"10:0.02"_s}
                                      << QStringList{u"normal"_s, u"normal"_s} << QStringList{};
        QTest::addRow("zero for fires at once")
            << 0.0 << 0.0 << QStringList{u"0:0.01"_s, u"10:0.2"_s}
            << QStringList{u"normal"_s, u"firing"_s}
            << QStringList{u"normal>pending@10"_s, u"pending>firing@10"_s};
        QTest::addRow("pending until for elapses")
            << 60.0 << 0.0 << QStringList{u"0:0.2"_s, u"30:0.2"_s, u"59:0.2"_s, u"60:0.2"_s}
            << QStringList{u"pending"_s, u"pending"_s, u"pending"_s, u"firing"_s}
            << QStringList{u"normal>pending@0"_s, u"pending>firing@60"_s};
        QTest::addRow("pending falls back to normal")
            << 60.0 << 0.0
            << QStringList{u"0:0.2"_s, u"30:0.01"_s, u"40:0.2"_s, u"99:0.2"_s, u"100:0.2"_s}
            << QStringList{u"pending"_s, u"normal"_s, u"pending"_s, u"pending"_s, u"firing"_s}
            << QStringList{u"normal>pending@0"_s, u"pending>normal@30"_s, u"normal>pending@40"_s,
                           u"pending>firing@100"_s};
        QTest::addRow("firing resolves when clear")
            << 0.0 << 0.0 << QStringList{u"0:0.2"_s, u"5:0.2"_s, u"9:0.0"_s}
            << QStringList{u"firing"_s, u"firing"_s, u"resolved"_s}
            << QStringList{u"normal>pending@0"_s, u"pending>firing@0"_s, u"firing>resolved@9"_s};
        QTest::addRow("resolved fires again as a new occurrence")
            << 0.0 << 0.0 << QStringList{u"0:0.2"_s, u"9:0.0"_s, u"20:0.3"_s}
            << QStringList{u"firing"_s, u"resolved"_s, u"firing"_s}
            << QStringList{u"normal>pending@0"_s, u"pending>firing@0"_s, u"firing>resolved@9"_s,
                           u"resolved>pending@20"_s, u"pending>firing@20"_s};
        QTest::addRow("ack only while firing, once")
            << 0.0 << 0.0 << QStringList{u"!ack"_s, u"0:0.2"_s, u"ack"_s, u"!ack"_s, u"5:0.2"_s}
            << QStringList{u"normal"_s, u"firing"_s, u"firing"_s, u"firing"_s, u"firing"_s}
            << QStringList{u"normal>pending@0"_s, u"pending>firing@0"_s};
        QTest::addRow("manual resolve, condition still there: fires again")
            << 0.0 << 0.0 << QStringList{u"0:0.2"_s, u"resolve"_s, u"3:0.2"_s}
            << QStringList{u"firing"_s, u"resolved"_s, u"firing"_s}
            << QStringList{u"normal>pending@0"_s, u"pending>firing@0"_s, u"firing>resolved@0"_s,
                           u"resolved>pending@3"_s, u"pending>firing@3"_s};
        QTest::addRow("manual resolve of a cleared condition stays resolved")
            << 30.0 << 0.0 << QStringList{u"0:0.2"_s, u"30:0.2"_s, u"resolve"_s, u"40:0.0"_s}
            << QStringList{u"pending"_s, u"firing"_s, u"resolved"_s, u"resolved"_s}
            << QStringList{u"normal>pending@0"_s, u"pending>firing@30"_s, u"firing>resolved@30"_s};
        QTest::addRow("resolve refused when normal")
            << 0.0 << 0.0 << QStringList{u"0:0.0"_s, u"!resolve"_s}
            << QStringList{u"normal"_s, u"normal"_s} << QStringList{};
        // keep_firing_for: clear for less than the hold stays firing, the
        // same occurrence; the hold restarts whenever the condition returns.
        QTest::addRow("hold keeps firing through a short clear")
            << 0.0 << 30.0 << QStringList{u"0:0.2"_s,  u"10:0.0"_s, u"30:0.2"_s,
                                          u"50:0.0"_s, u"79:0.0"_s, u"80:0.0"_s}
            << QStringList{u"firing"_s, u"firing"_s, u"firing"_s,
                           u"firing"_s, u"firing"_s, u"resolved"_s}
            << QStringList{u"normal>pending@0"_s, u"pending>firing@0"_s, u"firing>resolved@80"_s};
        QTest::addRow("manual resolve ends the hold and the acknowledgement")
            << 0.0 << 60.0 << QStringList{u"0:0.2"_s, u"ack"_s, u"resolve"_s, u"3:0.2"_s, u"ack"_s}
            << QStringList{u"firing"_s, u"firing"_s, u"resolved"_s, u"firing"_s, u"firing"_s}
            << QStringList{u"normal>pending@0"_s, u"pending>firing@0"_s, u"firing>resolved@0"_s,
                           u"resolved>pending@3"_s, u"pending>firing@3"_s};
        QTest::addRow("no data never fires")
            << 0.0 << 0.0 << QStringList{u"0:nodata"_s, u"10:nodata"_s}
            << QStringList{u"normal"_s, u"normal"_s} << QStringList{};
    }

    void stateMachine() {
        QFETCH(double, forSeconds);
        QFETCH(double, keepFiringFor);
        QFETCH(QStringList, script);
        QFETCH(QStringList, states);
        QFETCH(QStringList, transitions);
        AlertEngine engine({errorRule(forSeconds, keepFiringFor)});
        QStringList seen;
        connect(&engine, &AlertEngine::transitioned, this, [&](const AlertTransition& t) {
            seen.append(u"%1>%2@%3"_s.arg(toString(t.from), toString(t.to)).arg(t.timeSeconds));
        });
        for (qsizetype i = 0; i < script.size(); ++i) {
            const QString& step = script[i];
            if (step == u"ack" || step == u"!ack") {
                QCOMPARE(engine.acknowledge(u"errors"_s, u"ann"_s), step == u"ack");
            } else if (step == u"resolve" || step == u"!resolve") {
                QCOMPARE(engine.resolve(u"errors"_s, u"ann"_s, u"fixed"_s), step == u"resolve");
            } else {
                const double t = step.section(u':', 0, 0).toDouble();
                const QString v = step.section(u':', 1);
                MetricsSnapshot s = snapshotAt(t, v == u"nodata" ? 0 : v.toDouble());
                if (v == u"nodata")
                    s.total.recentRequests = 0;
                engine.evaluate(s);
            }
            QCOMPARE(toString(engine.state(u"errors"_s)), states[i]);
        }
        QCOMPARE(seen, transitions);
    }

    // Issue 23: a rate hovering at the threshold fired and resolved ~20
    // times in three minutes and lost its acknowledgement at every firing.
    // With the hold it fires once, resolves once (a hold after it is last
    // clear), and the acknowledgement survives the hover. The rows without a
    // hold show the flapping the test would catch.
    void hoverAtTheThreshold_data() {
        QTest::addColumn<double>("forSeconds");
        QTest::addColumn<double>("keepFiringFor");
        QTest::addColumn<QList<QPointF>>("series");  // (time, error rate)
        QTest::addColumn<double>("ackAt");           // acknowledged at the first step >= this
        QTest::addColumn<int>("firings");
        QTest::addColumn<int>("resolutions");
        QTest::addColumn<double>("lastResolvedAt");  // NaN: still firing at the end
        QTest::addColumn<bool>("ackHeld");  // every firing step after ackAt is acknowledged
        const double nan = std::numeric_limits<double>::quiet_NaN();

        const QList<QPointF> surge = hover(0, 180, 5) + steady(185, 300, 5, 0.0);
        QTest::addRow("hover 3 min, hold 60: one firing, resolved 60 s after the last clear")
            << 0.0 << 60.0 << surge << 10.0 << 1 << 1 << 245.0 << true;
        QTest::addRow("hover 3 min, default hold")
            << 0.0 << kDefaultKeepFiringForSeconds << surge << 10.0 << 1 << 1 << 245.0 << true;
        QTest::addRow("hover 3 min, no hold: flaps (the old behaviour)")
            << 0.0 << 0.0 << surge << 10.0 << 19 << 19 << 185.0 << false;
        QTest::addRow("hover with for_s 10: pending never completes between dips")
            << 10.0 << 60.0 << surge << 10.0 << 0 << 0 << nan << true;
        const QList<QPointF> slow = hover(0, 175, 5, 4) + steady(180, 300, 5, 0.0);  // 20 s dips
        QTest::addRow("20 s dips, hold 60")
            << 0.0 << 60.0 << slow << 10.0 << 1 << 1 << 240.0 << true;
        QTest::addRow("20 s dips, for_s 10, hold 60")
            << 10.0 << 60.0 << slow << 10.0 << 1 << 1 << 240.0 << true;
        // Each dip outlasts the hold: it resolves each time, but comes back
        // within the hold after resolving, so the acknowledgement stays.
        QTest::addRow("20 s dips, hold 10: flaps, acknowledgement kept")
            << 0.0 << 10.0 << slow << 10.0 << 5 << 5 << 190.0 << true;
        QTest::addRow("still hovering at the end: still firing, still acknowledged")
            << 0.0 << 60.0 << hover(0, 300, 5) << 10.0 << 1 << 0 << nan << true;
        // Back within the hold after resolving: a new firing that keeps the
        // acknowledgement; back after longer than the hold: a new one needed.
        QTest::addRow("returns soon after resolving: acknowledgement kept")
            << 0.0 << 60.0
            << (steady(0, 30, 5, 0.2) + steady(35, 100, 5, 0.0) + steady(120, 150, 5, 0.2)) << 10.0
            << 2 << 1 << 95.0 << true;
        QTest::addRow("returns long after resolving: acknowledgement ends")
            << 0.0 << 60.0
            << (steady(0, 30, 5, 0.2) + steady(35, 200, 5, 0.0) + steady(205, 230, 5, 0.2)) << 10.0
            << 2 << 1 << 95.0 << false;
    }

    void hoverAtTheThreshold() {
        QFETCH(double, forSeconds);
        QFETCH(double, keepFiringFor);
        QFETCH(QList<QPointF>, series);
        QFETCH(double, ackAt);
        QFETCH(int, firings);
        QFETCH(int, resolutions);
        QFETCH(double, lastResolvedAt);
        QFETCH(bool, ackHeld);
        AlertEngine engine({errorRule(forSeconds, keepFiringFor)});
        QSignalSpy transitions(&engine, &AlertEngine::transitioned);
        QSignalSpy acks(&engine, &AlertEngine::acknowledged);
        bool acked = false, heldThroughout = true;
        for (const QPointF& p : series) {
            engine.evaluate(snapshotAt(p.x(), p.y()));
            const AlertStatus* s = engine.status(u"errors"_s);
            if (!acked && p.x() >= ackAt && s->state == AlertState::Firing)
                acked = engine.acknowledge(u"errors"_s, u"ann"_s);
            else if (acked && s->state == AlertState::Firing && !s->acknowledged)
                heldThroughout = false;
        }
        int fired = 0, resolved = 0;
        double resolvedAt = std::numeric_limits<double>::quiet_NaN();
        for (const QList<QVariant>& args : transitions) {
            const auto t = args.at(0).value<AlertTransition>();
            fired += t.to == AlertState::Firing;
            if (t.to == AlertState::Resolved) {
                ++resolved;
                resolvedAt = t.timeSeconds;
            }
        }
        QCOMPARE(fired, firings);
        QCOMPARE(resolved, resolutions);
        if (std::isnan(lastResolvedAt))
            QVERIFY(std::isnan(resolvedAt));
        else
            QCOMPARE(resolvedAt, lastResolvedAt);
        if (firings > 0) {
            QVERIFY(acked);
            QCOMPARE(heldThroughout, ackHeld);
            // One acknowledgement, never asked for again while it holds.
            if (ackHeld)
                QCOMPARE(acks.count(), 1);
            QCOMPARE(int(engine.markers().size()), firings);
        }
    }

    void acknowledgementNeedsAName_data() {
        QTest::addColumn<QString>("who");
        QTest::addColumn<bool>("accepted");
        QTest::addRow("empty") << QString() << false;
        QTest::addRow("blank") << u"   "_s << false;
        QTest::addRow("named") << u" ann "_s << true;
    }

    void acknowledgementNeedsAName() {
        QFETCH(QString, who);
        QFETCH(bool, accepted);
        AlertEngine engine({errorRule(0)});
        QSignalSpy acks(&engine, &AlertEngine::acknowledged);
        engine.evaluate(snapshotAt(0, 0.2));
        QCOMPARE(engine.acknowledge(u"errors"_s, who), accepted);
        QCOMPARE(engine.status(u"errors"_s)->acknowledged, accepted);
        QCOMPARE(acks.count(), accepted ? 1 : 0);
        if (accepted) {
            QCOMPARE(engine.status(u"errors"_s)->acknowledgedBy, u"ann"_s);
            QCOMPARE(acks.at(0).at(0).value<AlertTransition>().who, u"ann"_s);
        }
    }

    void acknowledgementBelongsToOneOccurrence() {
        AlertEngine engine({errorRule(0)});
        QSignalSpy acks(&engine, &AlertEngine::acknowledged);
        engine.evaluate(snapshotAt(0, 0.2));
        engine.evaluate(snapshotAt(12, 0.2));
        QVERIFY(engine.acknowledge(u"errors"_s, u"ann"_s));
        QCOMPARE(acks.count(), 1);
        const AlertStatus* s = engine.status(u"errors"_s);
        QVERIFY(s->acknowledged);
        QCOMPARE(s->acknowledgedBy, u"ann"_s);
        QCOMPARE(s->acknowledgedAt, 12.0);
        QCOMPARE(s->occurrence, 1);
        engine.evaluate(snapshotAt(20, 0));
        engine.evaluate(snapshotAt(30, 0.2));
        s = engine.status(u"errors"_s);
        QCOMPARE(s->occurrence, 2);
        QVERIFY(!s->acknowledged);  // a new occurrence needs its own ack
        QVERIFY(engine.acknowledge(u"errors"_s, u"bob"_s));
    }

    void markersSpanFireAndClear() {
        AlertEngine engine({errorRule(0)});
        QSignalSpy changed(&engine, &AlertEngine::markerChanged);
        engine.evaluate(snapshotAt(100, 0.2));
        QCOMPARE(engine.markers().size(), std::size_t(1));
        QCOMPARE(engine.markers()[0].firedAt, 100.0);
        QVERIFY(std::isnan(engine.markers()[0].clearedAt));
        engine.evaluate(snapshotAt(160, 0.0));
        QCOMPARE(engine.markers()[0].clearedAt, 160.0);
        QCOMPARE(changed.count(), 2);
        QVERIFY(engine.markers()[0].severity == AlertSeverity::Critical);
    }

    void firingListsMostSevereFirst() {
        AlertRule warn = errorRule(0);
        warn.name = u"warn"_s;
        warn.severity = AlertSeverity::Warning;
        AlertRule crit = errorRule(0);
        crit.name = u"crit"_s;
        AlertEngine engine({warn, crit});
        engine.evaluate(snapshotAt(0, 0.2));
        QCOMPARE(engine.firing(), (QStringList{u"crit"_s, u"warn"_s}));
    }

    void matcherStallCheck() {
        AlertRule r;
        r.name = u"stall"_s;
        r.check = AlertCheck::MatcherStalled;
        r.forSeconds = 0;
        r.keepFiringForSeconds = 0;  // this tests the check's own clear, not the hold
        r.summary = u"stall"_s;
        AlertEngine engine({r});
        MetricsSnapshot s;
        s.blue.tickets.searching = MatcherStallDetector::kMinSearching;
        for (int t = 0; t <= 120; t += 5) {
            s.timeSeconds = t;
            if (t <= 30)
                s.blue.matchesTotal += 3;  // matching until t = 30
            engine.evaluate(s);
            const bool expectStalled = t - 30 >= MatcherStallDetector::kQuietSeconds;
            QCOMPARE(engine.state(u"stall"_s) == AlertState::Firing, expectStalled);
        }
        QVERIFY(engine.status(u"stall"_s)->detail.startsWith(u"blue: no match"_s));
        // A few tickets that cannot form a match yet are not a stall.
        s.blue.tickets.searching = MatcherStallDetector::kMinSearching - 1;
        s.timeSeconds = 121;
        engine.evaluate(s);
        QVERIFY(engine.state(u"stall"_s) == AlertState::Resolved);
        s.blue.tickets.searching = MatcherStallDetector::kMinSearching;
        // An empty queue is not a stall, and restarts the quiet period.
        s.timeSeconds = 125;
        engine.evaluate(s);
        QVERIFY(engine.state(u"stall"_s) == AlertState::Firing);
        s.blue.tickets.searching = 0;
        s.timeSeconds = 130;
        engine.evaluate(s);
        QVERIFY(engine.state(u"stall"_s) == AlertState::Resolved);
    }

    void regionCheck() {
        AlertRule r;
        r.name = u"region"_s;
        r.check = AlertCheck::RegionUnreachable;
        r.summary = u"region"_s;
        r.keepFiringForSeconds = 0;
        AlertEngine engine({r});
        MetricsSnapshot s;
        s.regions["eu-west"].reachable = true;
        s.regions["asia-east"].reachable = false;
        engine.evaluate(s);
        QVERIFY(engine.state(u"region"_s) == AlertState::Firing);
        QCOMPARE(engine.status(u"region"_s)->detail, u"unreachable: asia-east"_s);

        // Shed by an operator: out of service on purpose, no longer paging,
        // and the detail says why; another region going out still pages.
        s.regions["asia-east"].shed = true;
        engine.evaluate(s);
        QVERIFY(engine.state(u"region"_s) == AlertState::Resolved);
        s.regions["eu-west"].reachable = false;
        engine.evaluate(s);
        QVERIFY(engine.state(u"region"_s) == AlertState::Firing);
        QCOMPARE(engine.status(u"region"_s)->detail,
                 u"unreachable: eu-west; shed, not paging: asia-east"_s);
    }

    void valueIsShownWithItsUnit() {
        AlertRule r = errorRule(0);
        ExpressionError e;
        r.value = MetricExpression::parse("rate(errors)", &e);
        r.valueUnit = u"%"_s;
        AlertEngine engine({r});
        engine.evaluate(snapshotAt(0, 0.25));
        QCOMPARE(engine.status(u"errors"_s)->detail, u"25 %"_s);
    }
};

QTEST_GUILESS_MAIN(TestAlertEngine)
#include "tst_alertengine.moc"
