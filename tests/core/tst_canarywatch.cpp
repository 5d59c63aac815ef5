// core/CanaryWatch: a step looked at 20 times. Healthy rollouts (the same
// release on both colours) rarely fail however often they are looked at;
// green 20 % slower fails in nearly every rollout, early; looks without
// data do not count; the time to detect shrinks with the change.
#include "core/CanaryWatch.h"
#include "support/SampleHistograms.h"

#include <QTest>

#include <map>

using namespace pulsco;

namespace {

// Adds n latencies of a colour to its running histogram.
void add(std::map<double, std::uint64_t>& into, std::mt19937_64& rng, int n, double median) {
    for (const WeightedValue& v : test::latencyHistogram(rng, n, median, 0.4))
        into[v.value] += v.count;
}

std::vector<WeightedValue> values(const std::map<double, std::uint64_t>& h) {
    std::vector<WeightedValue> out;
    for (const auto& [value, count] : h)
        out.push_back({value, count});
    return out;
}

struct Outcome {
    bool failed = false;
    int look = 0;  // the look that failed it
};

Outcome rollout(double greenMedian, std::uint64_t seed, int looks = 20, int perLook = 300) {
    CanaryMetric latency;
    latency.name = "api_latency_ms";
    latency.critical = true;
    CanaryWatch watch({latency});
    std::mt19937_64 rng(seed);
    std::map<double, std::uint64_t> green, blue;
    for (int k = 1; k <= looks; ++k) {
        add(green, rng, perLook, greenMedian);
        add(blue, rng, perLook, 5.0);
        CanarySamples s;
        s.green = values(green);
        s.blue = values(blue);
        if (watch.look({s}).outcome == CanaryOutcome::Fail)
            return {true, k};
    }
    return {};
}

}  // namespace

class TestCanaryWatch : public QObject {
    Q_OBJECT
private slots:
    void healthyRolloutsRarelyFail();
    void aSlowerGreenFailsEarly();
    void looksWithoutDataDoNotCount();
    void timeToDetect();
};

void TestCanaryWatch::healthyRolloutsRarelyFail() {
    int failed = 0;
    for (std::uint64_t seed = 1; seed <= 100; ++seed)
        failed += rollout(5.0, seed).failed;
    qInfo("A/A: %d of 100 rollouts failed over 20 looks", failed);
    QVERIFY(failed <= 5);
}

void TestCanaryWatch::aSlowerGreenFailsEarly() {
    int failed = 0, lookSum = 0;
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
        const Outcome o = rollout(6.0, 1000 + seed);
        failed += o.failed;
        lookSum += o.look;
    }
    qInfo("green +20 %%: %d of 50 rollouts failed, on look %.1f on average", failed,
          failed ? double(lookSum) / failed : 0.0);
    QVERIFY(failed >= 48);
    QVERIFY(double(lookSum) / failed <= 10);
}

void TestCanaryWatch::looksWithoutDataDoNotCount() {
    CanaryMetric errors;
    errors.name = "error_rate";
    errors.proportion = true;
    CanaryWatch watch({errors});
    CanarySamples few;
    few.greenTotal = few.blueTotal = 10;
    const CanaryStepJudgement j = watch.look({few});
    QCOMPARE(j.metrics[0].verdict, CanaryVerdict::NoData);
    QCOMPARE(watch.pValue(0), 1.0);
    CanarySamples bad;
    bad.greenEvents = 300;
    bad.greenTotal = 5000;
    bad.blueEvents = 50;
    bad.blueTotal = 5000;
    const CanaryStepJudgement second = watch.look({bad});
    QVERIFY(second.metrics[0].failed);
    QVERIFY2(second.metrics[0].why.find("always-valid p = ") != std::string::npos,
             second.metrics[0].why.c_str());
    QVERIFY(watch.pValue(0) < 0.05);
}

void TestCanaryWatch::timeToDetect() {
    CanaryMetric latency;
    CanaryWatch watch({latency});
    // Blue at 5 ms; a second of traffic gives the shift a variance of 0.4 ms^2.
    const auto at20 = watch.secondsToDetect(0, 5.0, 20, 0.4);
    const auto at40 = watch.secondsToDetect(0, 5.0, 40, 0.4);
    QVERIFY(at20 && at40);
    qInfo("to detect +20 %%: %.0f s, +40 %%: %.0f s", *at20, *at40);
    QVERIFY(*at40 < *at20);
    QVERIFY(!watch.secondsToDetect(0, 5.0, 10, 0.4));  // within the allowed 10 %: never
}

QTEST_GUILESS_MAIN(TestCanaryWatch)
#include "tst_canarywatch.moc"
