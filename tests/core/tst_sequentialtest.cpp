// core/SequentialTest: the mSPRT keeps one false-alarm budget over many
// looks where a fixed test re-run at each look does not (both on the same
// simulated healthy rollouts), still finds a real regression, and the time
// to detect answers as it should (more traffic or a bigger change: sooner).
#include "core/SequentialTest.h"

#include <QTest>

#include <cmath>
#include <random>

using namespace pulsco;

namespace {

struct Rates {
    double fixed = 0;       // a one-sided 5 % z-test re-run at every look
    double sequential = 0;  // the mSPRT at alpha 5 %
    double medianLook = 0;  // of the mSPRT's rejections
};

// `runs` rollouts of `looks` looks, `perLook` unit-variance observations
// added to each colour's running mean per look; `change` is the true
// excess. Estimate: the running mean difference, variance 2 / n.
Rates simulate(double change, int runs, int looks, int perLook, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> noise(0, 1);
    int fixedAlarms = 0, sequentialAlarms = 0;
    std::vector<int> rejectedAt;
    for (int r = 0; r < runs; ++r) {
        AlwaysValidTest test(0.05, 0.3);
        double sumDifference = 0;
        bool fixedFired = false;
        for (int k = 1; k <= looks; ++k) {
            // The difference of two means of perLook draws each: variance 2 / perLook.
            sumDifference += change * perLook + noise(rng) * std::sqrt(2.0 * perLook);
            const double n = double(k * perLook);
            const double estimate = sumDifference / n;
            const double variance = 2.0 / n;
            fixedFired = fixedFired || estimate / std::sqrt(variance) > 1.6448536269514722;
            if (!test.rejected() && test.look(estimate, variance))
                rejectedAt.push_back(k);
        }
        fixedAlarms += fixedFired;
        sequentialAlarms += test.rejected();
    }
    Rates out;
    out.fixed = double(fixedAlarms) / runs;
    out.sequential = double(sequentialAlarms) / runs;
    if (!rejectedAt.empty()) {
        std::nth_element(rejectedAt.begin(), rejectedAt.begin() + rejectedAt.size() / 2,
                         rejectedAt.end());
        out.medianLook = rejectedAt[rejectedAt.size() / 2];
    }
    return out;
}

}  // namespace

class TestSequentialTest : public QObject {
    Q_OBJECT
private slots:
    void oneBudgetForEveryLook();
    void findsARealRegression();
    void pValueOnlyFalls();
    void timeToDetect();
    void varianceFromAnInterval();
};

void TestSequentialTest::oneBudgetForEveryLook() {
    // 2000 healthy rollouts looked at 40 times.
    const Rates r = simulate(0, 2000, 40, 200, 20261205);
    qInfo("false alarms over 40 looks: fixed test %.1f %%, mSPRT %.1f %%", r.fixed * 100,
          r.sequential * 100);
    QVERIFY2(r.fixed > 0.15, "a fixed test re-run at each look inflates false alarms");
    // 5 % budget; 2000 runs give a standard error of 0.5 points.
    QVERIFY(r.sequential <= 0.05 + 0.015);
}

void TestSequentialTest::findsARealRegression() {
    const Rates r = simulate(0.2, 500, 40, 200, 7);
    qInfo("a real excess of 0.2 sd: found in %.1f %% of rollouts, median look %.0f",
          r.sequential * 100, r.medianLook);
    QVERIFY(r.sequential >= 0.95);
    QVERIFY(r.medianLook >= 1 && r.medianLook <= 20);
}

void TestSequentialTest::pValueOnlyFalls() {
    AlwaysValidTest test(0.05, 0.5);
    QCOMPARE(test.pValue(), 1.0);
    test.look(0.4, 0.04);
    const double first = test.pValue();
    QVERIFY(first < 1);
    test.look(-1, 0.04);  // within the margin: no evidence, but no forgetting
    QCOMPARE(test.pValue(), first);
    test.look(2, 0.01);
    QVERIFY(test.rejected());
    test.look(0, 1);
    QVERIFY(test.rejected());
    QCOMPARE(test.looks(), 4);
    QCOMPARE(msprtPValue(0, 0.1, 0.25), 1.0);  // no excess, no evidence
}

void TestSequentialTest::timeToDetect() {
    const auto t = secondsToDetect(0.5, 10.0, 0.05, 0.5);
    QVERIFY(t.has_value());
    QVERIFY(msprtPValue(0.5, 10.0 / *t, 0.25) <= 0.05);
    QVERIFY(msprtPValue(0.5, 10.0 / (*t * 0.95), 0.25) > 0.05);
    // A bigger change, or more traffic (less variance per second): sooner.
    QVERIFY(*secondsToDetect(1.0, 10.0, 0.05, 0.5) < *t);
    QVERIFY(*secondsToDetect(0.5, 2.0, 0.05, 0.5) < *t);
    // Nothing to detect, or not within a day.
    QVERIFY(!secondsToDetect(0, 10.0, 0.05, 0.5));
    QVERIFY(!secondsToDetect(1e-6, 10.0, 0.05, 0.5));
}

void TestSequentialTest::varianceFromAnInterval() {
    QVERIFY(std::fabs(varianceFromInterval(-1.959963984540054, 1.959963984540054, 0.95) - 1) <
            1e-12);
    QVERIFY(std::fabs(varianceFromInterval(0, 2 * 2.5758293035489, 0.99) - 1) < 1e-9);
}

QTEST_GUILESS_MAIN(TestSequentialTest)
#include "tst_sequentialtest.moc"
