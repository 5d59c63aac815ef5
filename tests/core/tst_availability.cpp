// Availability as time (core/Availability.h): the figure over a window, the
// intersection of several servers' records, downtime seen from outside.
#include "core/Availability.h"

#include <QRandomGenerator>
#include <QTest>

using namespace pulsco;

namespace {

using Spans = std::vector<UpSpan>;

AvailabilityHistory history(double from, double now, Spans up) {
    AvailabilityHistory h{from, now, std::move(up)};
    normalize(h);
    return h;
}

double upTime(const AvailabilityHistory& h) {
    double t = 0;
    for (const UpSpan& s : h.up)
        t += s.length();
    return t;
}

bool sortedDisjointInside(const AvailabilityHistory& h) {
    for (std::size_t i = 0; i < h.up.size(); ++i) {
        if (!(h.up[i].to > h.up[i].from) || h.up[i].from < h.fromSeconds ||
            h.up[i].to > h.nowSeconds)
            return false;
        if (i > 0 && h.up[i].from <= h.up[i - 1].to)
            return false;
    }
    return true;
}

AvailabilityHistory randomHistory(QRandomGenerator& rng, double from, double now) {
    Spans spans;
    const int n = rng.bounded(0, 12);
    for (int i = 0; i < n; ++i) {
        const double a = from + rng.generateDouble() * (now - from);
        spans.push_back({a, a + rng.generateDouble() * (now - from) / 4});
    }
    return history(from, now, std::move(spans));
}

}  // namespace

class TestAvailability : public QObject {
    Q_OBJECT
private slots:
    void figureOverAWindow_data() {
        QTest::addColumn<double>("window");
        QTest::addColumn<double>("history");
        QTest::addColumn<double>("up");
        // On record from 100 to 1100; down 300-400 (a restart) and 1050-1100
        // (no heartbeat since).
        QTest::addRow("whole record") << 0.0 << 1000.0 << 850.0;
        QTest::addRow("last 100 s") << 100.0 << 100.0 << 50.0;
        QTest::addRow("last 500 s") << 500.0 << 500.0 << 450.0;
        QTest::addRow("window longer than the record") << 5000.0 << 1000.0 << 850.0;
    }
    void figureOverAWindow() {
        QFETCH(double, window);
        QFETCH(double, history);
        QFETCH(double, up);
        const AvailabilityHistory h = ::history(100, 1100, {{100, 300}, {400, 1050}});
        const AvailabilityFigure f = availabilityOver(h, window);
        QCOMPARE(f.historySeconds, history);
        QCOMPARE(f.upSeconds, up);
        QCOMPARE(f.ratio(), up / history);
        QCOMPARE(f.coversWindow(), window == 0 || history >= window);
    }

    void emptyRecordHasNoRatio() {
        const AvailabilityFigure f = availabilityOver(history(50, 50, {}), 60);
        QVERIFY(!f.hasRatio());
        QVERIFY(!f.coversWindow());
    }

    void normalizeJoinsAndClips() {
        const AvailabilityHistory h =
            history(10, 100, {{50, 60}, {0, 20}, {55, 70}, {70, 80}, {90, 200}, {30, 30}});
        QVERIFY(h.up == (Spans{{10, 20}, {50, 80}, {90, 100}}));
    }

    void intersectionIsWhenBothWereUp() {
        const AvailabilityHistory blue = history(0, 100, {{0, 40}, {50, 100}});
        const AvailabilityHistory green = history(20, 90, {{20, 45}, {60, 90}});
        const AvailabilityHistory both = intersectAvailability(blue, green);
        QCOMPARE(both.fromSeconds, 20.0);  // what both know
        QCOMPARE(both.nowSeconds, 90.0);   // the older record's end
        QVERIFY(both.up == (Spans{{20, 40}, {60, 90}}));
    }

    void downSeenFromOutsideIsRemoved() {
        AvailabilityHistory h = history(0, 100, {{0, 100}});
        subtractDown(h, {{90, 95}, {10, 20}, {15, 25}, {99, 150}, {40, 40}});
        QVERIFY(h.up == (Spans{{0, 10}, {25, 90}, {95, 99}}));
        QCOMPARE(h.nowSeconds, 100.0);
    }

    void trimKeepsTheLastStretch() {
        AvailabilityHistory h = history(0, 100, {{0, 30}, {60, 100}});
        trimHistory(h, 50);
        QCOMPARE(h.fromSeconds, 50.0);
        QVERIFY(h.up == (Spans{{60, 100}}));
    }

    // Properties over random records: a ratio in [0, 1]; the intersection
    // up no longer than either part over the same stretch; removing
    // downtime never adds up time; every result sorted, disjoint, inside.
    void properties() {
        QRandomGenerator rng(20261203);
        for (int round = 0; round < 2000; ++round) {
            const AvailabilityHistory a = randomHistory(rng, 0, 1000);
            const AvailabilityHistory b = randomHistory(rng, rng.bounded(0, 500), 1000);
            QVERIFY(sortedDisjointInside(a));
            const double window = rng.bounded(0, 1500);
            const AvailabilityFigure f = availabilityOver(a, window);
            QVERIFY(f.upSeconds >= 0 && f.upSeconds <= f.historySeconds + 1e-9);
            if (f.hasRatio())
                QVERIFY(f.ratio() >= 0 && f.ratio() <= 1 + 1e-12);
            const AvailabilityHistory both = intersectAvailability(a, b);
            QVERIFY(sortedDisjointInside(both));
            const AvailabilityHistory aOnB = history(both.fromSeconds, both.nowSeconds, a.up);
            const AvailabilityHistory bOnA = history(both.fromSeconds, both.nowSeconds, b.up);
            QVERIFY(upTime(both) <= upTime(aOnB) + 1e-9);
            QVERIFY(upTime(both) <= upTime(bOnA) + 1e-9);
            AvailabilityHistory cut = a;
            subtractDown(cut, randomHistory(rng, 0, 1000).up);
            QVERIFY(sortedDisjointInside(cut));
            QVERIFY(upTime(cut) <= upTime(a) + 1e-9);
            // Intersecting with itself changes nothing.
            QVERIFY(intersectAvailability(a, a) == a);
        }
    }
};

QTEST_GUILESS_MAIN(TestAvailability)
#include "tst_availability.moc"
