// Totals of environments: how blue + green (and several servers) add up.
#include "core/MetricsSnapshot.h"

#include <QTest>

using namespace pulsco;

class TestMetricsSnapshot : public QObject {
    Q_OBJECT
private slots:
    void mergeSumsCountersAndMergesHistograms();
};

void TestMetricsSnapshot::mergeSumsCountersAndMergesHistograms() {
    EnvironmentMetrics blue, green, total;
    blue.tickets = {10, 6, 1, 1, 2};
    green.tickets = {5, 2, 2, 0, 1};
    blue.errorsByCode["503"] = 3;
    green.errorsByCode["503"] = 1;
    green.errorsByCode["timeout"] = 2;
    for (int i = 1; i <= 100; ++i) {
        blue.recentApiLatencyMs.record(i);
        green.recentApiLatencyMs.record(1000 + i);
    }
    blue.queues = {{"ranked-5v5", 4, 4, 12.0, 7}};
    green.queues = {{"ranked-5v5", 1, 2, 30.0, 1}, {"duel-1v1", 2, 2, 5.0, 3}};

    mergeInto(total, blue);
    mergeInto(total, green);

    QCOMPARE(total.tickets.created, 15u);
    QCOMPARE(total.tickets.searching, 3u);
    QCOMPARE(total.errorsByCode.at("503"), 4u);
    QCOMPARE(total.errorsByCode.at("timeout"), 2u);
    // Bucket-wise: the median of the union lies between the two groups.
    QCOMPARE(total.recentApiLatencyMs.count(), 200u);
    QVERIFY(total.recentApiLatencyMs.quantile(0.5) <= 101);
    QVERIFY(total.recentApiLatencyMs.quantile(0.95) > 1000);
    QCOMPARE(total.queues.size(), std::size_t(2));
    QCOMPARE(total.queues[0].depth, 5u);
    QCOMPARE(total.queues[0].oldestWaitSeconds, 30.0);
    QCOMPARE(total.queues[0].matchesTotal, 8u);
    QCOMPARE(total.queues[1].name, std::string("duel-1v1"));
}

QTEST_GUILESS_MAIN(TestMetricsSnapshot)
#include "tst_metricssnapshot.moc"
