// The canary judge in the plan and the step machine (issue 21, item 5):
// an analysis step's `judge:` reads and writes back, bad ones are refused
// with the field; a step judged on green's and blue's histograms since it
// began promotes a healthy green, rolls back a slower one with the metric
// and why, keeps every look's verdicts in the measurement, and waits
// (inconclusive looks) while there are too few observations to judge.
#include "rollout/CanarySamples.h"
#include "rollout/RolloutPlanJson.h"
#include "rollout/TrafficStepper.h"
#include "support/SampleHistograms.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

const QByteArray kSteps = R"([
  {"set_weight": 50},
  {"analysis": {"interval_s": 10, "count": 4, "failure_limit": 0,
    "judge": {"metrics": [
      {"metric": "api_latency_ms", "allowed_change_pct": 10, "critical": true},
      {"metric": "error_rate", "no_data": "ignore", "weight": 2}]}}},
  {"set_weight": 100}
])";

std::vector<TrafficStep> judgedSteps() {
    QString error;
    auto steps = trafficStepsFromJson(kSteps, u"steps.json"_s, &error);
    if (!steps)
        qFatal("%s", qPrintable(error));
    return *steps;
}

// Cumulative figures: each second adds `perSecond` requests a colour.
struct Traffic {
    std::mt19937_64 rng{5};
    MetricsSnapshot s;
    void run(double seconds, double greenMedian, int perSecond = 100) {
        for (int i = 0; i < int(seconds); ++i) {
            for (const WeightedValue& v : test::latencyHistogram(rng, perSecond, greenMedian, 0.3))
                s.green.apiLatencyMs.record(v.value, v.count);
            for (const WeightedValue& v : test::latencyHistogram(rng, perSecond, 5.0, 0.3))
                s.blue.apiLatencyMs.record(v.value, v.count);
            s.green.requestsTotal += std::uint64_t(perSecond);
            s.blue.requestsTotal += std::uint64_t(perSecond);
            s.timeSeconds += 1;
        }
    }
};

struct Run {
    RolloutState state = RolloutState::Healthy;
    QString reason;
    std::vector<StepperEffect> measured;
};

Run rollout(double greenMedian, int perSecond = 100) {
    TrafficStepper stepper(judgedSteps(), {});
    Traffic traffic;
    Run run;
    stepper.start(0);
    stepper.weightApplied(50, 0);
    for (int second = 0; second < 60 && stepper.state() == RolloutState::Progressing; ++second) {
        traffic.run(1, greenMedian, perSecond);
        for (const StepperEffect& e : stepper.update(traffic.s))
            if (e.kind == StepperEffect::Kind::Measured)
                run.measured.push_back(e);
        if (stepper.awaitingWeight())
            stepper.weightApplied(stepper.weight(), traffic.s.timeSeconds);
    }
    run.state = stepper.state();
    run.reason = stepper.lastReason();
    return run;
}

}  // namespace

class TestCanaryAnalysis : public QObject {
    Q_OBJECT
private slots:
    void judgeReadsAndWritesBack();
    void badJudgesAreRefused_data();
    void badJudgesAreRefused();
    void healthyGreenIsPromoted();
    void slowerGreenRollsBack();
    void tooFewObservationsWait();
};

void TestCanaryAnalysis::judgeReadsAndWritesBack() {
    const std::vector<TrafficStep> steps = judgedSteps();
    const AnalysisSpec& a = steps[1].analysis;
    QVERIFY(a.gates.empty());
    QVERIFY(a.judge);
    QCOMPARE(a.judge->metrics.size(), std::size_t(2));
    QCOMPARE(a.judge->metrics[0].name, std::string("api_latency_ms"));
    QVERIFY(a.judge->metrics[0].critical);
    QVERIFY(a.judge->metrics[1].proportion);
    QCOMPARE(a.judge->metrics[1].weight, 2.0);
    QCOMPARE(a.judge->bars.pass, 95.0);
    QCOMPARE(a.judge->alpha, 0.05);
    const QByteArray written = QJsonDocument(trafficStepsToJson(steps)).toJson();
    QString error;
    const auto again = trafficStepsFromJson(written, u"again.json"_s, &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(QJsonDocument(trafficStepsToJson(*again)).toJson(), written);
    // Match quality: a decrease is what is bad, unless the plan says otherwise.
    QCOMPARE(canaryMetricDefaults(u"match_quality"_s)->direction, CanaryDirection::DecreaseIsBad);
}

void TestCanaryAnalysis::badJudgesAreRefused_data() {
    QTest::addColumn<QByteArray>("judge");
    QTest::addColumn<QString>("says");
    QTest::newRow("unknown metric") << QByteArray(R"({"metrics": [{"metric": "p95"}]})")
                                    << u"steps[0].analysis.judge.metrics[0].metric: must be one "
                                       "of api_latency_ms"_s;
    QTest::newRow("twice")
        << QByteArray(R"({"metrics": [{"metric": "error_rate"}, {"metric": "error_rate"}]})")
        << u"metrics[1].metric: is judged twice in this step"_s;
    QTest::newRow("no metrics") << QByteArray(R"({"metrics": []})")
                                << u"judge.metrics: must list at least one metric"_s;
    QTest::newRow("bars upside down")
        << QByteArray(R"({"metrics": [{"metric": "error_rate"}], "pass_score": 70})")
        << u"judge.marginal_score: must not be above pass_score"_s;
    QTest::newRow("direction")
        << QByteArray(R"({"metrics": [{"metric": "error_rate", "direction": "up"}]})")
        << u"direction: must be one of increase, decrease, either"_s;
    QTest::newRow("unknown field")
        << QByteArray(R"({"metrics": [{"metric": "error_rate", "threshold": 1}]})")
        << u"threshold"_s;
}

void TestCanaryAnalysis::badJudgesAreRefused() {
    QFETCH(QByteArray, judge);
    QFETCH(QString, says);
    QString error;
    QVERIFY(!trafficStepsFromJson(R"([{"analysis": {"judge": )" + judge + "}}]", u"steps.json"_s,
                                  &error));
    QVERIFY2(error.contains(says), qPrintable(error));
    // Neither gates nor a judge: nothing to measure.
    QVERIFY(!trafficStepsFromJson(R"([{"analysis": {"count": 2}}])", u"steps.json"_s, &error));
    QVERIFY2(error.contains(u"must list at least one gate, or the step a judge"_s),
             qPrintable(error));
}

void TestCanaryAnalysis::healthyGreenIsPromoted() {
    const Run run = rollout(5.0);
    QCOMPARE(run.state, RolloutState::Promoted);
    QCOMPARE(run.measured.size(), std::size_t(4));
    for (const StepperEffect& m : run.measured) {
        QVERIFY(!m.failed);
        QVERIFY(m.judgement);
        QCOMPARE(m.judgement->metrics.size(), std::size_t(2));
        const QJsonObject audit = canaryJudgementToJson(*m.judgement);
        QCOMPARE(audit.value(u"outcome").toString(), u"pass"_s);
        QCOMPARE(audit.value(u"metrics").toArray().size(), 2);
    }
    // Each look counts from the step's start: observations grow.
    QVERIFY(run.measured.back().judgement->metrics[0].greenSamples >
            run.measured.front().judgement->metrics[0].greenSamples);
}

void TestCanaryAnalysis::slowerGreenRollsBack() {
    const Run run = rollout(6.0);  // green 20 % slower
    QCOMPARE(run.state, RolloutState::Degraded);
    QVERIFY(!run.measured.empty());
    QVERIFY(run.measured.back().failed);
    QVERIFY2(run.reason.contains(u"judge: score"_s) &&
                 run.reason.contains(u"a critical metric failed"_s) &&
                 run.reason.contains(u"api_latency_ms: green +"_s) &&
                 run.reason.contains(u"always-valid p = "_s),
             qPrintable(run.reason));
    const QJsonObject audit = canaryJudgementToJson(*run.measured.back().judgement);
    QCOMPARE(audit.value(u"outcome").toString(), u"fail"_s);
    QCOMPARE(audit.value(u"metrics").toArray().at(0).toObject().value(u"verdict").toString(),
             u"high"_s);
}

void TestCanaryAnalysis::tooFewObservationsWait() {
    // 5 requests a colour a second: 50 by the first look, under the
    // minimum of 100. That look is inconclusive, not a failure, and does
    // not count; the next ones judge and the step completes.
    const Run run = rollout(5.0, 5);
    QCOMPARE(run.state, RolloutState::Promoted);
    QVERIFY(run.measured.size() >= 5);
    QVERIFY(run.measured.front().inconclusive);
    QVERIFY(!run.measured.front().failed);
    QCOMPARE(run.measured.front().reason, u"inconclusive: no metric has enough observations yet"_s);
    QVERIFY(!run.measured.back().inconclusive);
    // No traffic at all: the step waits, it neither passes nor fails.
    const Run idle = rollout(5.0, 0);
    QCOMPARE(idle.state, RolloutState::Progressing);
    for (const StepperEffect& m : idle.measured)
        QVERIFY(m.inconclusive && !m.failed);
}

QTEST_GUILESS_MAIN(TestCanaryAnalysis)
#include "tst_canaryanalysis.moc"
