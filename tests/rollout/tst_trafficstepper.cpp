// The step machine, transition by transition (data-driven scripts).
#include "rollout/TrafficStepper.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

MetricExpression expr(const char* text) {
    ExpressionError error;
    auto e = MetricExpression::parse(text, &error);
    if (!e)
        qFatal("%s", error.describe().c_str());
    return *e;
}

// set 10 -> pause 30 s -> analysis (errors < 1 %, every 10 s x 3, no failure
// allowed) -> set 100.
std::vector<TrafficStep> steps() {
    TrafficStep w10;
    w10.weight = 10;
    TrafficStep pause;
    pause.kind = TrafficStep::Kind::Pause;
    pause.pauseSeconds = 30;
    TrafficStep analysis;
    analysis.kind = TrafficStep::Kind::Analysis;
    analysis.analysis.gates.push_back(expr("rate(green.errors) < 1%"));
    analysis.analysis.intervalSeconds = 10;
    analysis.analysis.count = 3;
    analysis.analysis.failureLimit = 0;
    TrafficStep w100;
    w100.weight = 100;
    return {w10, pause, analysis, w100};
}

std::vector<PlanTrigger> triggers() {
    return {{u"Error rate > 5%"_s, expr("rate(green.errors) > 5%")},
            {u"Data inconsistency"_s, expr("conservation == fail")}};
}

MetricsSnapshot snapshot(double t, double errorPercent, int weight, bool conservation = true) {
    MetricsSnapshot s;
    s.timeSeconds = t;
    s.conservationOk = conservation;
    s.green.requestedWeightPercent = weight;
    s.green.recentRequests = 1000;
    s.green.recentErrors = static_cast<std::uint64_t>(errorPercent * 10);
    return s;
}

}  // namespace

class TestTrafficStepper : public QObject {
    Q_OBJECT
private slots:
    // Script: "command@time[:arg]" separated by ';'. snap arg = green error %
    // (or "bad" for a conservation failure); applied arg = weight.
    void transitions_data() {
        QTest::addColumn<QString>("script");
        QTest::addColumn<QString>("state");
        QTest::addColumn<int>("weight");
        QTest::addColumn<int>("step");
        QTest::addRow("not started") << u""_s << u"Healthy"_s << 0 << -1;
        QTest::addRow("waits for the weight")
            << u"start@0;snap@100:0"_s << u"Progressing"_s << 10 << 0;
        QTest::addRow("weight in effect, pausing")
            << u"start@0;applied@1:10;snap@20:0"_s << u"Progressing"_s << 10 << 1;
        QTest::addRow("pause over, analysing")
            << u"start@0;applied@1:10;snap@31:0;snap@41:0"_s << u"Progressing"_s << 10 << 2;
        QTest::addRow("happy path promotes")
            << u"start@0;applied@1:10;snap@31:0;snap@41:0;snap@51:0;snap@61:0;applied@62:100"_s
            << u"Promoted"_s << 100 << 4;
        QTest::addRow("error trigger rolls back")
            << u"start@0;applied@1:10;snap@5:6"_s << u"Degraded"_s << 0 << 1;
        QTest::addRow("five percent is not over five")
            << u"start@0;applied@1:10;snap@5:5"_s << u"Progressing"_s << 10 << 1;
        QTest::addRow("conservation trigger")
            << u"start@0;applied@1:10;snap@5:bad"_s << u"Degraded"_s << 0 << 1;
        QTest::addRow("analysis failure rolls back")
            << u"start@0;applied@1:10;snap@31:0;snap@41:2"_s << u"Degraded"_s << 0 << 2;
        QTest::addRow("operator pause stops the clock")
            << u"start@0;applied@1:10;pause@2;snap@100:0;resume@100;snap@120:0"_s
            << u"Progressing"_s << 10 << 1;
        QTest::addRow("paused still watches triggers")
            << u"start@0;applied@1:10;pause@2;snap@3:7"_s << u"Degraded"_s << 0 << 1;
        QTest::addRow("promote skips the rest")
            << u"start@0;applied@1:10;promote@5"_s << u"Promoted"_s << 100 << 4;
        QTest::addRow("abort") << u"start@0;abort@3"_s << u"Degraded"_s << 0 << 0;
        QTest::addRow("rollback after promotion")
            << u"start@0;applied@1:10;promote@2;applied@3:100;rollback@4"_s << u"Degraded"_s << 0
            << 4;
        QTest::addRow("no triggers before the start") << u"snap@1:50"_s << u"Healthy"_s << 0 << -1;
        QTest::addRow("resume needs a pause")
            << u"start@0;resume@1"_s << u"Progressing"_s << 10 << 0;
    }
    void transitions() {
        QFETCH(QString, script);
        QFETCH(QString, state);
        QFETCH(int, weight);
        QFETCH(int, step);
        TrafficStepper stepper(steps(), triggers());
        for (const QString& command : script.split(u';', Qt::SkipEmptyParts)) {
            const QString name = command.section(u'@', 0, 0);
            const QString rest = command.section(u'@', 1);
            const double t = rest.section(u':', 0, 0).toDouble();
            const QString arg = rest.section(u':', 1);
            if (name == u"start")
                stepper.start(t);
            else if (name == u"applied")
                stepper.weightApplied(arg.toInt(), t);
            else if (name == u"snap")
                stepper.update(snapshot(t, arg == u"bad" ? 0 : arg.toDouble(),
                                        stepper.awaitingWeight() ? 0 : stepper.weight(),
                                        arg != u"bad"));
            else if (name == u"pause")
                stepper.pause(t);
            else if (name == u"resume")
                stepper.resume(t);
            else if (name == u"promote")
                stepper.promote(t);
            else if (name == u"abort")
                stepper.abort(t, u"test"_s);
            else if (name == u"rollback")
                stepper.rollback(t, u"test"_s);
            else
                QFAIL(qPrintable(command));
        }
        QCOMPARE(rolloutStateName(stepper.state()), state);
        QCOMPARE(stepper.weight(), weight);
        QCOMPARE(stepper.currentStep(), step);
    }

    void rollbackEffectCarriesTheCause() {
        TrafficStepper stepper(steps(), triggers());
        stepper.start(0);
        stepper.weightApplied(10, 1);
        const StepperEffects fx = stepper.update(snapshot(2, 9, 10));
        QCOMPARE(fx.size(), std::size_t(2));
        QCOMPARE(fx[0].kind, StepperEffect::Kind::Rollback);
        QCOMPARE(fx[0].weight, 0);
        QVERIFY(fx[0].reason.contains(u"Error rate > 5%"_s));
        QCOMPARE(fx[1].kind, StepperEffect::Kind::StateChanged);
        QCOMPARE(fx[1].state, RolloutState::Degraded);
        QVERIFY(stepper.awaitingWeight());  // until blue carries everything
    }

    void restoreResumesTheStep() {
        TrafficStepper stepper(steps(), triggers());
        stepper.restore(RolloutState::Progressing, 2, 10, 500);
        QVERIFY(stepper.awaitingWeight());
        stepper.weightApplied(10, 501);
        QCOMPARE(stepper.currentStep(), 2);  // an analysis step is not skipped by the weight
        for (double t : {510.0, 520.0, 530.0})
            stepper.update(snapshot(t, 0, 10));
        QCOMPARE(stepper.currentStep(), 3);
        QCOMPARE(stepper.weight(), 100);
    }
};

QTEST_GUILESS_MAIN(TestTrafficStepper)
#include "tst_trafficstepper.moc"
