// The 60-second window the simulator and pulsco-matchd share: what is in
// it, what falls out, and that a gap or a reused slot never leaks old data.
#include "core/RecentWindow.h"

#include <QTest>

using namespace pulsco;

class TestRecentWindow : public QObject {
    Q_OBJECT
private slots:
    void countsOnlyTheLastSixtySeconds_data();
    void countsOnlyTheLastSixtySeconds();
    void reusedSlotStartsEmpty();
    void fillReplacesEarlierFigures();
    void clearForgetsEverything();
    void propertySumsMatchAReference();
};

void TestRecentWindow::countsOnlyTheLastSixtySeconds_data() {
    QTest::addColumn<qint64>("recordedAt");
    QTest::addColumn<qint64>("readAt");
    QTest::addColumn<bool>("inWindow");
    QTest::addRow("same second") << qint64(10) << qint64(10) << true;
    QTest::addRow("59 s before") << qint64(10) << qint64(69) << true;
    QTest::addRow("60 s before") << qint64(10) << qint64(70) << false;
    QTest::addRow("long gap") << qint64(10) << qint64(10'000) << false;
    QTest::addRow("in the future") << qint64(11) << qint64(10) << false;
    QTest::addRow("second zero") << qint64(0) << qint64(0) << true;
}

void TestRecentWindow::countsOnlyTheLastSixtySeconds() {
    QFETCH(qint64, recordedAt);
    QFETCH(qint64, readAt);
    QFETCH(bool, inWindow);
    RecentWindow w;
    w.recordRequest(recordedAt, 120.0, true);
    w.recordWait(recordedAt, 30.0);
    w.recordMatch(recordedAt);
    EnvironmentMetrics m;
    w.fill(m, readAt);
    const std::uint64_t n = inWindow ? 1 : 0;
    QCOMPARE(m.recentRequests, n);
    QCOMPARE(m.recentErrors, n);
    QCOMPARE(m.recentApiLatencyMs.count(), n);
    QCOMPARE(m.recentTicketWaitSeconds.count(), n);
    QCOMPARE(m.matchesPerMinute, double(n));
}

void TestRecentWindow::reusedSlotStartsEmpty() {
    // Second 5 and second 65 share a slot: the second must not inherit the first.
    RecentWindow w;
    w.recordRequest(5, 10.0, true);
    w.recordRequest(65, 20.0, false);
    EnvironmentMetrics m;
    w.fill(m, 65);
    QCOMPARE(m.recentRequests, std::uint64_t(1));
    QCOMPARE(m.recentErrors, std::uint64_t(0));
    QVERIFY(qAbs(m.recentApiLatencyMs.max() - 20.0) < 0.001);
}

void TestRecentWindow::fillReplacesEarlierFigures() {
    RecentWindow w;
    w.recordRequest(1, 10.0, false);
    EnvironmentMetrics m;
    m.recentRequests = 99;
    m.recentErrors = 7;
    m.recentApiLatencyMs.record(5000);
    m.matchesPerMinute = 42;
    w.fill(m, 1);
    QCOMPARE(m.recentRequests, std::uint64_t(1));
    QCOMPARE(m.recentErrors, std::uint64_t(0));
    QCOMPARE(m.recentApiLatencyMs.count(), std::uint64_t(1));
    QCOMPARE(m.matchesPerMinute, 0.0);
}

void TestRecentWindow::clearForgetsEverything() {
    RecentWindow w;
    for (int s = 0; s < 60; ++s)
        w.recordRequest(s, 1.0, false);
    w.clear();
    EnvironmentMetrics m;
    w.fill(m, 59);
    QCOMPARE(m.recentRequests, std::uint64_t(0));
}

void TestRecentWindow::propertySumsMatchAReference() {
    // Random seconds, moving forward with gaps: the window's sums equal a
    // brute-force count over (now - 60, now].
    std::uint32_t state = 12345;
    auto next = [&state] {
        state = state * 1664525u + 1013904223u;
        return state >> 8;
    };
    RecentWindow w;
    std::vector<std::pair<std::int64_t, bool>> all;  // second, failed
    std::int64_t now = 0;
    for (int i = 0; i < 5000; ++i) {
        now += std::int64_t(next() % 7 == 0 ? next() % 90 : next() % 2);
        const bool failed = next() % 5 == 0;
        w.recordRequest(now, 1.0, failed);
        all.emplace_back(now, failed);
        if (i % 50 != 0)
            continue;
        std::uint64_t requests = 0, errors = 0;
        for (const auto& [second, f] : all) {
            if (second > now - 60 && second <= now) {
                ++requests;
                errors += f ? 1 : 0;
            }
        }
        EnvironmentMetrics m;
        w.fill(m, now);
        QCOMPARE(m.recentRequests, requests);
        QCOMPARE(m.recentErrors, errors);
    }
}

QTEST_APPLESS_MAIN(TestRecentWindow)
#include "tst_recentwindow.moc"
