// The log histogram against exact answers computed from the raw samples.
#include "core/Histogram.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <vector>

using pulsco::Histogram;

namespace {

constexpr double kAccuracy = Histogram::kRelativeAccuracy;
// Floating-point slack on top of the 1 % guarantee (log/exp round-off).
constexpr double kSlack = 1e-9;

using Generator = std::function<double(std::mt19937_64&)>;

struct Distribution {
    const char* name;
    Generator draw;
};

std::vector<Distribution> distributions() {
    return {
        {"uniform 0..1000",
         [](std::mt19937_64& g) { return std::uniform_real_distribution<double>(0.0, 1000.0)(g); }},
        {"exponential mean 50ms",
         [](std::mt19937_64& g) { return std::exponential_distribution<double>(1.0 / 50.0)(g); }},
        {"lognormal wide",
         [](std::mt19937_64& g) { return std::lognormal_distribution<double>(0.0, 4.0)(g); }},
        {"pareto heavy tail",
         [](std::mt19937_64& g) {
             const double u = std::uniform_real_distribution<double>(1e-12, 1.0)(g);
             return 10.0 / std::pow(u, 1.0 / 1.2);
         }},
        {"bimodal ms",
         [](std::mt19937_64& g) {
             const bool slow = std::bernoulli_distribution(0.05)(g);
             return slow ? std::normal_distribution<double>(3000.0, 200.0)(g)
                         : std::abs(std::normal_distribution<double>(20.0, 5.0)(g)) + 0.1;
         }},
        {"constant", [](std::mt19937_64&) { return 42.5; }},
        {"integers 1..10",
         [](std::mt19937_64& g) {
             return static_cast<double>(std::uniform_int_distribution<int>(1, 10)(g));
         }},
    };
}

// The sample a rank-based quantile approximates: sorted[floor(q (n - 1))].
double exactQuantile(const std::vector<double>& sorted, double q) {
    const auto index = static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1));
    return sorted[index];
}

bool withinRelative(double estimate, double exact, double relative) {
    return std::abs(estimate - exact) <=
           relative * std::abs(exact) + kSlack * std::abs(exact) + 1e-300;
}

}  // namespace

class TestHistogram : public QObject {
    Q_OBJECT

private slots:
    void emptyHistogram();
    void exactAggregates();
    void quantilesWithinOnePercent_data();
    void quantilesWithinOnePercent();
    void bucketRepresentativeWithinOnePercent();
    void mergeEqualsRecordingEverything_data();
    void mergeEqualsRecordingEverything();
    void mergeWithEmpty();
    void cumulativeCountsBracketTheExactCount_data();
    void cumulativeCountsBracketTheExactCount();
    void cumulativeCountsEdges();
    void zeroAndNegativeValues();
    void nonFiniteValuesAreIgnored();
    void hugeRange();
    void weightedRecordEqualsRepeatedRecord();
    void rawRoundTrip();
    void fromRawTrimsZeroRuns();
    void clearResets();
};

void TestHistogram::emptyHistogram() {
    const Histogram h;
    QCOMPARE(h.count(), 0u);
    QCOMPARE(h.sum(), 0.0);
    QCOMPARE(h.min(), 0.0);
    QCOMPARE(h.max(), 0.0);
    QCOMPARE(h.mean(), 0.0);
    QCOMPARE(h.quantile(0.0), 0.0);
    QCOMPARE(h.quantile(0.5), 0.0);
    QCOMPARE(h.quantile(1.0), 0.0);
    const std::vector<std::uint64_t> expected{0, 0, 0};
    QCOMPARE(h.cumulativeCounts({0.0, 1.0, std::numeric_limits<double>::infinity()}), expected);
    const Histogram::Raw raw = h.raw();
    QCOMPARE(raw.count, 0u);
    QCOMPARE(raw.zeroCount, 0u);
    QVERIFY(raw.counts.empty());
    QVERIFY(h == Histogram());
}

void TestHistogram::exactAggregates() {
    Histogram h;
    const std::vector<double> values{3.5, 0.25, 1200.0, 7.0, 7.0};
    double sum = 0;
    for (double v : values) {
        h.record(v);
        sum += v;
    }
    QCOMPARE(h.count(), 5u);
    QCOMPARE(h.sum(), sum);
    QCOMPARE(h.min(), 0.25);
    QCOMPARE(h.max(), 1200.0);
    QCOMPARE(h.mean(), sum / 5.0);
    // The extremes are exact, not bucket representatives.
    QCOMPARE(h.quantile(0.0), 0.25);
    QCOMPARE(h.quantile(1.0), 1200.0);
    // Out-of-range q is clamped rather than undefined.
    QCOMPARE(h.quantile(-1.0), 0.25);
    QCOMPARE(h.quantile(2.0), 1200.0);
}

void TestHistogram::quantilesWithinOnePercent_data() {
    QTest::addColumn<int>("distribution");
    QTest::addColumn<int>("samples");
    const auto all = distributions();
    for (int d = 0; d < static_cast<int>(all.size()); ++d) {
        for (int samples : {1, 2, 17, 1000, 20000})
            QTest::addRow("%s, n=%d", all[d].name, samples) << d << samples;
    }
}

void TestHistogram::quantilesWithinOnePercent() {
    QFETCH(int, distribution);
    QFETCH(int, samples);
    const Distribution dist = distributions()[static_cast<std::size_t>(distribution)];
    const std::vector<double> qs{0.0,  0.001, 0.01, 0.1,  0.25,  0.5,
                                 0.75, 0.9,   0.95, 0.99, 0.999, 1.0};
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        std::mt19937_64 rng(seed * 7919 + static_cast<std::uint64_t>(distribution));
        Histogram h;
        std::vector<double> values;
        values.reserve(static_cast<std::size_t>(samples));
        for (int i = 0; i < samples; ++i) {
            const double v = dist.draw(rng);
            values.push_back(v);
            h.record(v);
        }
        std::sort(values.begin(), values.end());
        QCOMPARE(h.count(), static_cast<std::uint64_t>(samples));
        QCOMPARE(h.min(), values.front());
        QCOMPARE(h.max(), values.back());
        for (double q : qs) {
            const double exact = exactQuantile(values, q);
            const double estimate = h.quantile(q);
            if (!withinRelative(estimate, exact, kAccuracy))
                QFAIL(qPrintable(QStringLiteral("seed %1 q %2: estimate %3, exact %4")
                                     .arg(seed)
                                     .arg(q)
                                     .arg(estimate, 0, 'g', 17)
                                     .arg(exact, 0, 'g', 17)));
        }
    }
}

void TestHistogram::bucketRepresentativeWithinOnePercent() {
    std::mt19937_64 rng(99);
    std::uniform_real_distribution<double> exponent(-8.5, 15.0);
    for (int i = 0; i < 100000; ++i) {
        const double v = std::pow(10.0, exponent(rng));
        const int index = Histogram::bucketIndex(v);
        QVERIFY(withinRelative(Histogram::bucketValue(index), v, kAccuracy));
        // The bucket (upper(i-1), upper(i)] holds v, up to round-off.
        QVERIFY(v <= Histogram::bucketUpperBound(index) * (1 + kSlack));
        QVERIFY(v >= Histogram::bucketUpperBound(index - 1) * (1 - kSlack));
    }
}

void TestHistogram::mergeEqualsRecordingEverything_data() {
    QTest::addColumn<int>("parts");
    QTest::addRow("2 parts") << 2;
    QTest::addRow("3 parts") << 3;
    QTest::addRow("10 parts") << 10;
}

void TestHistogram::mergeEqualsRecordingEverything() {
    QFETCH(int, parts);
    const auto all = distributions();
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
        std::mt19937_64 rng(seed);
        const Distribution& dist = all[seed % all.size()];
        Histogram whole;
        std::vector<Histogram> pieces(static_cast<std::size_t>(parts));
        std::uniform_int_distribution<int> pick(0, parts - 1);
        for (int i = 0; i < 3000; ++i) {
            // Some exact zeros too, so the zero bucket merges as well.
            const double v = (i % 97 == 0) ? 0.0 : dist.draw(rng);
            whole.record(v);
            pieces[static_cast<std::size_t>(pick(rng))].record(v);
        }
        Histogram merged;
        for (const Histogram& piece : pieces)
            merged.merge(piece);
        const Histogram::Raw a = merged.raw();
        const Histogram::Raw b = whole.raw();
        QCOMPARE(a.zeroCount, b.zeroCount);
        QCOMPARE(a.firstIndex, b.firstIndex);
        QCOMPARE(a.counts, b.counts);
        QCOMPARE(a.count, b.count);
        QCOMPARE(a.min, b.min);
        QCOMPARE(a.max, b.max);
        // Only the sum depends on the order of additions.
        QVERIFY(std::abs(a.sum - b.sum) <= 1e-9 * std::abs(b.sum));
        for (double q : {0.01, 0.5, 0.99})
            QCOMPARE(merged.quantile(q), whole.quantile(q));
    }
}

void TestHistogram::mergeWithEmpty() {
    Histogram h;
    h.record(5.0);
    h.record(500.0);
    const Histogram before = h;
    h.merge(Histogram());
    QVERIFY(h == before);
    Histogram empty;
    empty.merge(before);
    QVERIFY(empty == before);

    // Disjoint ranges on either side grow the dense counts both ways.
    Histogram low;
    low.record(0.001);
    Histogram high;
    high.record(1e6);
    Histogram mid = before;
    mid.merge(low);
    mid.merge(high);
    QCOMPARE(mid.count(), 4u);
    QCOMPARE(mid.min(), 0.001);
    QCOMPARE(mid.max(), 1e6);
    QVERIFY(mid.raw().counts.front() != 0);
    QVERIFY(mid.raw().counts.back() != 0);

    // Only zeros on one side: the bucket range comes from the other side.
    Histogram zeros;
    zeros.record(0.0, 3);
    Histogram withZeros = before;
    withZeros.merge(zeros);
    QCOMPARE(withZeros.raw().counts, before.raw().counts);
    QCOMPARE(withZeros.raw().zeroCount, 3u);
    QCOMPARE(withZeros.min(), 0.0);
    Histogram intoZeros = zeros;
    intoZeros.merge(before);
    QVERIFY(intoZeros == withZeros);
}

void TestHistogram::cumulativeCountsBracketTheExactCount_data() {
    QTest::addColumn<int>("distribution");
    const auto all = distributions();
    for (int d = 0; d < static_cast<int>(all.size()); ++d)
        QTest::addRow("%s", all[d].name) << d;
}

void TestHistogram::cumulativeCountsBracketTheExactCount() {
    QFETCH(int, distribution);
    const Distribution dist = distributions()[static_cast<std::size_t>(distribution)];
    // Prometheus-style bounds, as /metrics uses them.
    const std::vector<double> bounds{0.005,
                                     0.01,
                                     0.025,
                                     0.05,
                                     0.1,
                                     0.25,
                                     0.5,
                                     1,
                                     2.5,
                                     5,
                                     10,
                                     25,
                                     42.5,
                                     50,
                                     100,
                                     250,
                                     500,
                                     1000,
                                     2500,
                                     5000,
                                     1e4,
                                     1e6,
                                     std::numeric_limits<double>::infinity()};
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        std::mt19937_64 rng(seed * 31 + static_cast<std::uint64_t>(distribution));
        Histogram h;
        std::vector<double> values;
        for (int i = 0; i < 5000; ++i) {
            values.push_back(dist.draw(rng));
            h.record(values.back());
        }
        std::sort(values.begin(), values.end());
        const auto counts = h.cumulativeCounts(bounds);
        QCOMPARE(counts.size(), bounds.size());
        auto countAtMost = [&](double bound) {
            return static_cast<std::uint64_t>(
                std::upper_bound(values.begin(), values.end(), bound) - values.begin());
        };
        for (std::size_t i = 0; i < bounds.size(); ++i) {
            // Everything within 1 % below the bound is counted; nothing more
            // than 1 % above it is.
            const std::uint64_t surelyIn = countAtMost(bounds[i] / (1 + kAccuracy) * (1 - kSlack));
            const std::uint64_t possiblyIn =
                countAtMost(bounds[i] / (1 - kAccuracy) * (1 + kSlack));
            QVERIFY2(counts[i] >= surelyIn && counts[i] <= possiblyIn,
                     qPrintable(QStringLiteral("bound %1: %2 not in [%3, %4]")
                                    .arg(bounds[i])
                                    .arg(counts[i])
                                    .arg(surelyIn)
                                    .arg(possiblyIn)));
            if (i > 0)
                QVERIFY(counts[i] >= counts[i - 1]);
        }
        QCOMPARE(counts.back(), h.count());
    }
}

void TestHistogram::cumulativeCountsEdges() {
    Histogram h;
    for (double v : {1.0, 2.0, 3.0, 100.0})
        h.record(v);
    // Below the minimum nothing, at or above the maximum everything: exact.
    const std::vector<std::uint64_t> expected{0, 0, 1, 2, 3, 4, 4};
    QCOMPARE(h.cumulativeCounts({-1.0, 0.5, 1.0, 2.0, 3.0, 100.0, 1e9}), expected);
    QCOMPARE(h.cumulativeCounts({}), std::vector<std::uint64_t>{});
}

void TestHistogram::zeroAndNegativeValues() {
    Histogram h;
    h.record(0.0);
    h.record(0.0);
    h.record(-5.0);
    h.record(1e-12);  // below minTrackable: counted as zero
    h.record(10.0);
    QCOMPARE(h.count(), 5u);
    QCOMPARE(h.raw().zeroCount, 4u);
    QCOMPARE(h.min(), -5.0);
    QCOMPARE(h.max(), 10.0);
    QCOMPARE(h.sum(), 5.0 + 1e-12);
    QCOMPARE(h.quantile(0.0), -5.0);
    QCOMPARE(h.quantile(0.5), 0.0);
    QCOMPARE(h.quantile(1.0), 10.0);

    Histogram zeros;
    for (int i = 0; i < 3; ++i)
        zeros.record(0.0);
    zeros.record(10.0);
    const std::vector<std::uint64_t> expected{3, 3, 4};
    QCOMPARE(zeros.cumulativeCounts({0.0, 5.0, std::numeric_limits<double>::infinity()}), expected);
    QCOMPARE(zeros.quantile(0.5), 0.0);

    Histogram negatives;
    negatives.record(-3.0);
    negatives.record(-1.0);
    // Clamped to the exact range, so never outside [min, max].
    QCOMPARE(negatives.quantile(0.0), -3.0);
    QVERIFY(negatives.quantile(0.5) >= -3.0 && negatives.quantile(0.5) <= -1.0);
}

void TestHistogram::nonFiniteValuesAreIgnored() {
    Histogram h;
    h.record(std::numeric_limits<double>::quiet_NaN());
    h.record(std::numeric_limits<double>::infinity());
    h.record(-std::numeric_limits<double>::infinity());
    QCOMPARE(h.count(), 0u);
    h.record(2.0);
    h.record(std::numeric_limits<double>::quiet_NaN());
    QCOMPARE(h.count(), 1u);
    QCOMPARE(h.sum(), 2.0);
    QCOMPARE(h.quantile(std::numeric_limits<double>::quiet_NaN()), 0.0);
}

void TestHistogram::hugeRange() {
    Histogram h;
    std::vector<double> values;
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> exponent(-8.0, 300.0);
    for (int i = 0; i < 20000; ++i) {
        values.push_back(std::pow(10.0, exponent(rng)));
        h.record(values.back());
    }
    values.push_back(1e-8);
    h.record(1e-8);
    values.push_back(1.7e308);
    h.record(1.7e308);
    std::sort(values.begin(), values.end());
    QCOMPARE(h.min(), 1e-8);
    QCOMPARE(h.max(), 1.7e308);
    for (double q : {0.0, 0.001, 0.1, 0.5, 0.9, 0.999, 1.0})
        QVERIFY(withinRelative(h.quantile(q), exactQuantile(values, q), kAccuracy));
    // The dense range spans every bucket between the extremes, no more.
    const Histogram::Raw raw = h.raw();
    QCOMPARE(raw.firstIndex, Histogram::bucketIndex(1e-8));
    QCOMPARE(raw.firstIndex + static_cast<int>(raw.counts.size()) - 1,
             Histogram::bucketIndex(1.7e308));
}

void TestHistogram::weightedRecordEqualsRepeatedRecord() {
    Histogram weighted;
    Histogram repeated;
    weighted.record(3.0, 4);
    weighted.record(0.0, 2);
    weighted.record(9.0, 0);  // a zero count records nothing
    for (int i = 0; i < 4; ++i)
        repeated.record(3.0);
    repeated.record(0.0);
    repeated.record(0.0);
    QVERIFY(weighted == repeated);
    QCOMPARE(weighted.max(), 3.0);
}

void TestHistogram::rawRoundTrip() {
    std::mt19937_64 rng(5);
    for (int round = 0; round < 50; ++round) {
        Histogram h;
        const int n = std::uniform_int_distribution<int>(0, 500)(rng);
        for (int i = 0; i < n; ++i)
            h.record(std::lognormal_distribution<double>(1.0, 3.0)(rng));
        const Histogram copy = Histogram::fromRaw(h.raw());
        QVERIFY(copy == h);
        QCOMPARE(copy.quantile(0.9), h.quantile(0.9));
    }
}

void TestHistogram::fromRawTrimsZeroRuns() {
    Histogram h;
    h.record(1.0);
    h.record(2.0);
    Histogram::Raw raw = h.raw();
    raw.counts.insert(raw.counts.begin(), 3, 0);
    raw.firstIndex -= 3;
    raw.counts.push_back(0);
    QVERIFY(Histogram::fromRaw(raw) == h);

    Histogram::Raw onlyZeros;
    onlyZeros.zeroCount = 2;
    onlyZeros.count = 2;
    onlyZeros.counts = {0, 0};
    onlyZeros.firstIndex = 17;
    Histogram zeros;
    zeros.record(0.0, 2);
    QVERIFY(Histogram::fromRaw(onlyZeros) == zeros);
}

void TestHistogram::clearResets() {
    Histogram h;
    h.record(12.0);
    h.record(0.0);
    h.clear();
    QVERIFY(h == Histogram());
    h.record(4.0);
    QCOMPARE(h.min(), 4.0);
    QCOMPARE(h.max(), 4.0);
}

QTEST_APPLESS_MAIN(TestHistogram)
#include "tst_histogram.moc"
