// The run time an analysis step's judge needs (rollout/DetectionTime),
// predicted before the step from the traffic so far, against what actually
// happens: seeded simulator rollouts with the regression the prediction is
// for (green's latency x1.2 against +20 %; green's errors +1 point), judged
// look by look as the step machine does. The prediction must land within a
// factor of three of the measured median: it is an estimate an operator
// plans with, not a promise.
#include "rollout/DetectionTime.h"

#include "core/CanaryWatch.h"
#include "rollout/CanarySamples.h"
#include "simulator/ScenarioJson.h"
#include "simulator/engine/SimulationEngine.h"

#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

constexpr double kWarmup = 120, kLookSeconds = 30;
constexpr int kLooks = 40;

Scenario baseline() {
    const ScenarioLoad load =
        loadScenarioFile(shippedScenarioPath(QStringLiteral("baseline-1000")));
    if (!load.scenario)
        qFatal("%s", qPrintable(load.error));
    return *load.scenario;
}

CanaryJudgeSpec judgeOf(const char* metric) {
    CanaryJudgeSpec judge;
    CanaryMetric m = *canaryMetricDefaults(QString::fromLatin1(metric));
    m.minSamples = 30;
    m.critical = true;
    judge.metrics.push_back(m);
    return judge;
}

// Seconds from the regression's start to the failing look, per seeded
// rollout (the step runs at 50 %); a rollout that never fails counts as the
// whole run.
double measuredMedianSeconds(const CanaryJudgeSpec& judge, const FaultSpec& regression,
                             int rollouts) {
    std::vector<double> seconds;
    for (int r = 0; r < rollouts; ++r) {
        Scenario scenario = baseline();
        scenario.seed = 500 + std::uint64_t(r);
        scenario.durationSeconds = kWarmup + kLooks * kLookSeconds + 10;
        SimulationEngine engine(scenario);
        engine.setTrafficWeight(50);
        engine.advanceTo(kWarmup);
        engine.injectFault(regression);
        const MetricsSnapshot start = engine.snapshot();
        CanaryWatch watch(judge.metrics, judge.bars, judge.alpha);
        double failedAt = kLooks * kLookSeconds;
        for (int k = 1; k <= kLooks; ++k) {
            engine.advanceTo(kWarmup + k * kLookSeconds);
            const MetricsSnapshot now = engine.snapshot();
            if (watch.look({canarySamples(judge.metrics[0], now, start)}).outcome ==
                CanaryOutcome::Fail) {
                failedAt = k * kLookSeconds;
                break;
            }
        }
        seconds.push_back(failedAt);
    }
    std::nth_element(seconds.begin(), seconds.begin() + rollouts / 2, seconds.end());
    return seconds[std::size_t(rollouts / 2)];
}

// What an operator sees before the rollout: blue alone has served for two
// minutes.
MetricsSnapshot beforeTheRollout() {
    Scenario scenario = baseline();
    scenario.seed = 42;
    SimulationEngine engine(scenario);
    engine.setTrafficWeight(0);
    engine.advanceTo(kWarmup);
    return engine.snapshot();
}

}  // namespace

class TestDetectionTime : public QObject {
    Q_OBJECT

private slots:
    void predictionMatchesSeededRollouts_data() {
        QTest::addColumn<QString>("metric");
        QTest::addColumn<int>("kind");  // FaultKind
        QTest::addColumn<double>("amount");
        QTest::addColumn<QString>("regression");
        QTest::addRow("latency x1.2")
            << u"api_latency_ms"_s << int(FaultKind::LatencyFactor) << 1.2 << u"+20 %"_s;
        QTest::addRow("errors +1 point")
            << u"error_rate"_s << int(FaultKind::ErrorRate) << 0.01 << u"+1 point"_s;
    }
    void predictionMatchesSeededRollouts() {
        QFETCH(QString, metric);
        QFETCH(int, kind);
        QFETCH(double, amount);
        QFETCH(QString, regression);
        const CanaryJudgeSpec judge = judgeOf(qPrintable(metric));
        const std::vector<DetectionEstimate> predicted =
            estimateDetection(judge, 50, beforeTheRollout());
        QCOMPARE(predicted.size(), std::size_t(1));
        QCOMPARE(predicted[0].metric, metric);
        QCOMPARE(predicted[0].regression, regression);
        QVERIFY2(predicted[0].seconds, qPrintable(predicted[0].why));

        FaultSpec fault;
        fault.kind = FaultKind(kind);
        fault.target = FaultTarget::Green;
        if (fault.kind == FaultKind::LatencyFactor)
            fault.multiplier = amount;
        else
            fault.share = amount;
        const double measured = measuredMedianSeconds(judge, fault, 41);
        qInfo("%s: predicted %.0f s, measured median %.0f s (looks every %.0f s)",
              qPrintable(metric), *predicted[0].seconds, measured, kLookSeconds);
        QVERIFY2(measured < kLooks * kLookSeconds, "the regression was not detected at all");
        QVERIFY2(*predicted[0].seconds > measured / 3 && *predicted[0].seconds < measured * 3,
                 qPrintable(
                     u"predicted %1 s, measured %2 s"_s.arg(*predicted[0].seconds).arg(measured)));
    }

    // Less traffic for green takes longer; a busier split is quicker.
    void lessGreenTrafficTakesLonger() {
        const MetricsSnapshot now = beforeTheRollout();
        const CanaryJudgeSpec judge = judgeOf("api_latency_ms");
        const auto at10 = estimateDetection(judge, 10, now)[0].seconds;
        const auto at50 = estimateDetection(judge, 50, now)[0].seconds;
        QVERIFY(at10 && at50);
        QVERIFY2(*at10 > 2 * *at50,
                 qPrintable(u"%1 s at 10 %, %2 s at 50 %"_s.arg(*at10).arg(*at50)));
    }

    void saysWhyThereIsNoEstimate() {
        const CanaryJudgeSpec judge = judgeOf("api_latency_ms");
        const MetricsSnapshot now = beforeTheRollout();
        QCOMPARE(estimateDetection(judge, 0, now)[0].why, u"green gets no traffic at this step"_s);
        QCOMPARE(estimateDetection(judge, 100, now)[0].why,
                 u"blue gets no traffic at this step: nothing to compare with"_s);
        QCOMPARE(estimateDetection(judge, 50, MetricsSnapshot{})[0].why, u"no traffic seen yet"_s);
        CanaryJudgeSpec demanding = judge;
        demanding.metrics[0].minSamples = 100000000;
        const DetectionEstimate e = estimateDetection(demanding, 50, now)[0];
        QVERIFY(!e.seconds);
        QVERIFY2(e.why.startsWith(u"only "_s) &&
                     e.why.endsWith(u" observations so far (the judge needs 100000000 per "
                                    "colour)"_s),
                 qPrintable(e.why));
    }

    void stepWeightAndWords() {
        std::vector<TrafficStep> steps(4);
        steps[0].kind = TrafficStep::Kind::SetWeight;
        steps[0].weight = 10;
        steps[1].kind = TrafficStep::Kind::Analysis;
        steps[2].kind = TrafficStep::Kind::SetWeight;
        steps[2].weight = 50;
        steps[3].kind = TrafficStep::Kind::Analysis;
        QCOMPARE(weightAtStep(steps, 0), 0);
        QCOMPARE(weightAtStep(steps, 1), 10);
        QCOMPARE(weightAtStep(steps, 3), 50);
        QCOMPARE(durationWords(42.4), u"42 s"_s);
        QCOMPARE(durationWords(100), u"1 min 40 s"_s);
        QCOMPARE(durationWords(180), u"3 min"_s);
        QCOMPARE(durationWords(7500), u"2 h 5 min"_s);
    }
};

QTEST_GUILESS_MAIN(TestDetectionTime)
#include "tst_detectiontime.moc"
