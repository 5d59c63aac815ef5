// core/CanaryJudge: one judgement of green against blue. A real regression
// beyond the allowed change fails its metric (High); noise and changes
// within the allowance pass; a change in the harmless direction is named
// and passes; too few observations are NoData under each policy; critical
// metrics fail the step alone; the score and its bars; nothing judged is
// not a pass.
#include "core/CanaryJudge.h"
#include "support/SampleHistograms.h"

#include <QTest>

using namespace pulsco;

namespace {

CanaryMetric latency(double allowedPct = 10) {
    CanaryMetric m;
    m.name = "api_latency_ms";
    m.allowedChangePct = allowedPct;
    return m;
}

CanaryMetric errors() {
    CanaryMetric m;
    m.name = "error_rate";
    m.proportion = true;
    return m;
}

CanarySamples distributions(double greenMedian, double blueMedian, int n = 4000,
                            std::uint64_t seed = 1) {
    std::mt19937_64 rng(seed);
    CanarySamples s;
    s.green = test::latencyHistogram(rng, n, greenMedian, 0.3);
    s.blue = test::latencyHistogram(rng, n, blueMedian, 0.3);
    return s;
}

CanarySamples rates(std::uint64_t ge, std::uint64_t gn, std::uint64_t be, std::uint64_t bn) {
    CanarySamples s;
    s.greenEvents = ge;
    s.greenTotal = gn;
    s.blueEvents = be;
    s.blueTotal = bn;
    return s;
}

bool says(const CanaryMetricJudgement& j, const char* text) {
    return j.why.find(text) != std::string::npos;
}

}  // namespace

class TestCanaryJudge : public QObject {
    Q_OBJECT
private slots:
    void verdicts();
    void noDataPolicies();
    void scoreAndCriticalMetrics();
    void nothingJudgedIsNotAPass();
    void weightedMedian_();
};

void TestCanaryJudge::verdicts() {
    // Green 20 % slower: a real shift, beyond 10 %.
    auto j = judgeCanary({latency()}, {distributions(6.0, 5.0)}).metrics[0];
    QCOMPARE(j.verdict, CanaryVerdict::High);
    QVERIFY(j.failed);
    QVERIFY(j.low > 0);
    QVERIFY2(j.changePct > 12 && j.changePct < 28, j.why.c_str());
    QVERIFY2(says(j, "beyond the allowed 10 %"), j.why.c_str());

    // The same release: no change told apart from chance.
    j = judgeCanary({latency()}, {distributions(5.0, 5.0, 4000, 2)}).metrics[0];
    QCOMPARE(j.verdict, CanaryVerdict::Pass);
    QVERIFY(!j.failed);
    QVERIFY2(says(j, "told apart from chance") || says(j, "within the allowed"), j.why.c_str());

    // 4 % slower on many requests: real, but within 10 %.
    j = judgeCanary({latency()}, {distributions(5.2, 5.0, 60000, 3)}).metrics[0];
    QCOMPARE(j.verdict, CanaryVerdict::Pass);
    QVERIFY(j.low > 0);
    QVERIFY2(says(j, "within the allowed 10 %"), j.why.c_str());

    // Faster: Low, which is no harm when an increase is what is bad...
    j = judgeCanary({latency()}, {distributions(4.0, 5.0)}).metrics[0];
    QCOMPARE(j.verdict, CanaryVerdict::Low);
    QVERIFY(!j.failed);
    QVERIFY2(says(j, "a decrease is not bad here"), j.why.c_str());
    // ... and fails when either direction is bad.
    CanaryMetric both = latency();
    both.direction = CanaryDirection::EitherIsBad;
    QVERIFY(judgeCanary({both}, {distributions(4.0, 5.0)}).metrics[0].failed);

    // Errors: 3 % against 1 %.
    j = judgeCanary({errors()}, {rates(90, 3000, 30, 3000)}).metrics[0];
    QCOMPARE(j.verdict, CanaryVerdict::High);
    QVERIFY(j.failed);
    QCOMPARE(j.blueLevel, 0.01);
    // No errors on either side: nothing differs.
    j = judgeCanary({errors()}, {rates(0, 3000, 0, 3000)}).metrics[0];
    QCOMPARE(j.verdict, CanaryVerdict::Pass);
    QCOMPARE(j.change, 0.0);
    // Errors from zero: relative change has no meaning, any real change is beyond.
    j = judgeCanary({errors()}, {rates(40, 3000, 0, 3000)}).metrics[0];
    QCOMPARE(j.verdict, CanaryVerdict::High);
    QVERIFY2(says(j, "from zero to"), j.why.c_str());
}

void TestCanaryJudge::noDataPolicies() {
    const CanarySamples few = rates(1, 40, 2, 500);
    for (const auto& [policy, failed, counted] : {std::tuple{CanaryNoData::Ignore, false, false},
                                                  std::tuple{CanaryNoData::Pass, false, true},
                                                  std::tuple{CanaryNoData::Fail, true, true}}) {
        CanaryMetric m = errors();
        m.noData = policy;
        const CanaryStepJudgement step = judgeCanary({m, latency()}, {few, distributions(5, 5)});
        const CanaryMetricJudgement& j = step.metrics[0];
        QCOMPARE(j.verdict, CanaryVerdict::NoData);
        QCOMPARE(j.failed, failed);
        QVERIFY2(says(j, "green has 40 observations, blue 500: fewer than the minimum 100"),
                 j.why.c_str());
        QCOMPARE(step.score, !counted ? 100.0 : failed ? 50.0 : 100.0);
    }
}

void TestCanaryJudge::scoreAndCriticalMetrics() {
    // Five metrics, the one that fails weighs 1 of 5: 80, marginal.
    std::vector<CanaryMetric> metrics(5, latency());
    std::vector<CanarySamples> samples(5, distributions(5.0, 5.0, 4000, 9));
    samples[4] = distributions(7.0, 5.0);
    CanaryStepJudgement step = judgeCanary(metrics, samples);
    QCOMPARE(step.score, 80.0);
    QCOMPARE(step.outcome, CanaryOutcome::Marginal);
    QVERIFY(!step.criticalFailed);
    // Weighed 4 of 8: 50, fail.
    metrics[4].weight = 4;
    step = judgeCanary(metrics, samples);
    QCOMPARE(step.score, 50.0);
    QCOMPARE(step.outcome, CanaryOutcome::Fail);
    // Critical: fails the step alone, whatever the score.
    metrics[4].weight = 0.01;
    metrics[4].critical = true;
    step = judgeCanary(metrics, samples);
    QVERIFY(step.score > 99);
    QVERIFY(step.criticalFailed);
    QCOMPARE(step.outcome, CanaryOutcome::Fail);
    // Every metric passing: pass.
    samples[4] = distributions(5.0, 5.0, 4000, 11);
    QCOMPARE(judgeCanary(metrics, samples).outcome, CanaryOutcome::Pass);
}

void TestCanaryJudge::nothingJudgedIsNotAPass() {
    const CanaryStepJudgement step = judgeCanary({errors()}, {rates(0, 10, 0, 10)});
    QCOMPARE(step.metrics[0].verdict, CanaryVerdict::NoData);
    QCOMPARE(step.score, 0.0);
    QCOMPARE(step.outcome, CanaryOutcome::Fail);
}

void TestCanaryJudge::weightedMedian_() {
    QCOMPARE(weightedMedian({}), 0.0);
    QCOMPARE(weightedMedian({{3, 1}, {1, 1}, {2, 1}}), 2.0);
    QCOMPARE(weightedMedian({{1, 2}, {5, 2}}), 1.0);  // the lower middle
    QCOMPARE(weightedMedian({{1, 1}, {5, 10}}), 5.0);
}

QTEST_GUILESS_MAIN(TestCanaryJudge)
#include "tst_canaryjudge.moc"
