// The live merge's evidence rules, without sockets: peaks come from the
// merged time series (the sum at each merge, then the maximum), never from
// the servers' own peaks added up; a server set of one environment gives
// that environment and a mixed set is refused naming each server; fault
// onsets move from each server's uptime clock onto the merged clock.
#include "net/live/MergedPeaks.h"
#include "net/live/ServerEnvironments.h"
#include "net/live/SnapshotMerge.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

// One server's snapshot at one moment, with its own running peaks as a
// server reports them.
struct ServerMoment {
    std::uint64_t players = 0;
    std::uint64_t searching = 0;
};

SnapshotPtr serverSnapshot(const ServerMoment& now, std::uint64_t ownPlayersPeak,
                           std::uint64_t ownDepthPeak) {
    auto s = std::make_shared<MetricsSnapshot>();
    s->environment = DeploymentEnvironment::Staging;
    s->playersOnline = now.players;
    s->total.tickets.searching = now.searching;
    s->concurrentPlayersPeak = ownPlayersPeak;
    s->queueDepthPeak = ownDepthPeak;
    return s;
}

SnapshotPtr clockSnapshot(double timeSeconds, double wallMs, double onset,
                          DeploymentEnvironment environment = DeploymentEnvironment::Staging) {
    auto s = std::make_shared<MetricsSnapshot>();
    s->environment = environment;
    s->timeSeconds = timeSeconds;
    s->wallTimeUnixMs = wallMs;
    if (onset >= 0)
        s->faultOnsetSeconds = onset;
    return s;
}

}  // namespace

class TestSnapshotMerge : public QObject {
    Q_OBJECT
private slots:
    void peaksComeFromTheMergedSeries_data();
    void peaksComeFromTheMergedSeries();
    void peaksStartAgainWithASession();
    void serverSetEnvironment_data();
    void serverSetEnvironment();
    void faultOnsetOnTheMergedClock_data();
    void faultOnsetOnTheMergedClock();
    void storeMaintenanceOfAServerSet_data();
    void storeMaintenanceOfAServerSet();
    void regionStateOfAServerSet_data();
    void regionStateOfAServerSet();
};

using Series = QList<ServerMoment>;  // one server's figures, moment by moment

void TestSnapshotMerge::peaksComeFromTheMergedSeries_data() {
    QTest::addColumn<Series>("blue");
    QTest::addColumn<Series>("green");
    QTest::addColumn<quint64>("playersPeak");
    QTest::addColumn<quint64>("depthPeak");
    // The case: each peaks at 600, at different moments. Their own
    // peaks add up to 1200; no more than 700 were ever there at once.
    QTest::addRow("peaks apart") << Series{{600, 300}, {100, 20}, {100, 20}}
                                 << Series{{100, 10}, {100, 10}, {600, 250}} << quint64(700)
                                 << quint64(310);
    // Together, the sum at that moment is the peak.
    QTest::addRow("peaks together")
        << Series{{100, 5}, {600, 300}, {50, 5}} << Series{{100, 5}, {600, 250}, {50, 5}}
        << quint64(1200) << quint64(550);
    QTest::addRow("one server") << Series{{10, 1}, {700, 40}, {300, 9}} << Series{} << quint64(700)
                                << quint64(40);
}

void TestSnapshotMerge::peaksComeFromTheMergedSeries() {
    QFETCH(Series, blue);
    QFETCH(Series, green);
    QFETCH(quint64, playersPeak);
    QFETCH(quint64, depthPeak);
    MergedPeaks peaks;
    std::uint64_t blueOwn = 0, blueOwnDepth = 0, greenOwn = 0, greenOwnDepth = 0;
    MetricsSnapshot last;
    for (qsizetype t = 0; t < std::max(blue.size(), green.size()); ++t) {
        std::vector<ColoredSnapshot> parts;
        if (t < blue.size()) {
            blueOwn = std::max(blueOwn, blue[t].players);
            blueOwnDepth = std::max(blueOwnDepth, blue[t].searching);
            parts.push_back({Color::Blue, serverSnapshot(blue[t], blueOwn, blueOwnDepth)});
        }
        if (t < green.size()) {
            greenOwn = std::max(greenOwn, green[t].players);
            greenOwnDepth = std::max(greenOwnDepth, green[t].searching);
            parts.push_back({Color::Green, serverSnapshot(green[t], greenOwn, greenOwnDepth)});
        }
        MetricsSnapshot merged = mergeServerSnapshots(parts);
        // A single merge's peaks are its moment's sums, whatever the
        // servers' own peaks say.
        QCOMPARE(merged.concurrentPlayersPeak, merged.playersOnline);
        QCOMPARE(merged.queueDepthPeak, merged.total.tickets.searching);
        peaks.observe(merged);
        peaks.apply(merged);
        last = merged;
    }
    QCOMPARE(last.concurrentPlayersPeak, std::uint64_t(playersPeak));
    QCOMPARE(last.queueDepthPeak, std::uint64_t(depthPeak));
    QCOMPARE(peaks.concurrentPlayers(), std::uint64_t(playersPeak));
}

void TestSnapshotMerge::peaksStartAgainWithASession() {
    MergedPeaks peaks;
    peaks.observe(mergeServerSnapshots({{Color::Blue, serverSnapshot({900, 50}, 900, 50)}}));
    QCOMPARE(peaks.concurrentPlayers(), 900u);
    peaks.reset();
    peaks.observe(mergeServerSnapshots({{Color::Blue, serverSnapshot({30, 2}, 900, 50)}}));
    QCOMPARE(peaks.concurrentPlayers(), 30u);
    QCOMPARE(peaks.queueDepth(), 2u);
}

void TestSnapshotMerge::serverSetEnvironment_data() {
    QTest::addColumn<QList<int>>("environments");  // DeploymentEnvironment values
    QTest::addColumn<int>("expected");             // -1: refused
    QTest::addColumn<QString>("message");
    const int staging = int(DeploymentEnvironment::Staging);
    const int production = int(DeploymentEnvironment::Production);
    QTest::addRow("one staging") << QList<int>{staging} << staging << QString();
    QTest::addRow("all production")
        << QList<int>{production, production} << production << QString();
    QTest::addRow("staging and production")
        << QList<int>{staging, production} << -1
        << u"environment: the servers disagree: http://s0:8080 (staging), http://s1:8080 "
           "(production); one console watches one environment"_s;
    QTest::addRow("none") << QList<int>{} << -1 << u"environment: no server has reported one yet"_s;
}

void TestSnapshotMerge::serverSetEnvironment() {
    QFETCH(QList<int>, environments);
    QFETCH(int, expected);
    QFETCH(QString, message);
    std::vector<ServerEnvironment> servers;
    std::vector<ColoredSnapshot> parts;
    for (qsizetype i = 0; i < environments.size(); ++i) {
        const auto e = DeploymentEnvironment(environments[i]);
        servers.push_back({u"http://s%1:8080"_s.arg(i), e});
        parts.push_back({Color::Blue, clockSnapshot(1, 1, -1, e)});
    }
    QString error;
    const auto common = commonEnvironment(servers, &error);
    if (expected < 0) {
        QVERIFY(!common);
        QVERIFY2(error.startsWith(message), qPrintable(error));
        return;
    }
    QVERIFY2(common, qPrintable(error));
    QCOMPARE(int(*common), expected);
    QCOMPARE(int(mergeServerSnapshots(parts).environment), expected);
}

void TestSnapshotMerge::faultOnsetOnTheMergedClock_data() {
    // Two servers: "old" (long uptime, the merged clock's basis) and
    // "young". Each: time_s, wall_ms, fault_onset_s (-1: none).
    QTest::addColumn<QList<double>>("old");
    QTest::addColumn<QList<double>>("young");
    QTest::addColumn<double>("expected");  // -1: none
    constexpr double W = 1.8e12;           // a wall clock in ms
    QTest::addRow("no fault") << QList<double>{1000, W, -1} << QList<double>{100, W, -1} << -1.0;
    QTest::addRow("on the basis server")
        << QList<double>{1000, W, 990} << QList<double>{100, W, -1} << 990.0;
    // Began 5 s ago on the young server: 5 s ago on the merged clock too,
    // not at 95 (the young server's own uptime).
    QTest::addRow("on the young server")
        << QList<double>{1000, W, -1} << QList<double>{100, W, 95} << 995.0;
    // The young server's snapshot is 2 s older than the basis': its fault
    // began 5 + 2 s before the basis' snapshot.
    QTest::addRow("sampled earlier")
        << QList<double>{1000, W, -1} << QList<double>{100, W - 2000, 95} << 993.0;
    QTest::addRow("earliest of two")
        << QList<double>{1000, W, 990} << QList<double>{100, W, 97} << 990.0;
    QTest::addRow("young one earlier")
        << QList<double>{1000, W, 998} << QList<double>{100, W, 90} << 990.0;
    // No wall clock: as if sampled together, only the age counts.
    QTest::addRow("no wall time") << QList<double>{1000, W, -1} << QList<double>{100, 0, 95}
                                  << 995.0;
}

void TestSnapshotMerge::faultOnsetOnTheMergedClock() {
    QFETCH(QList<double>, old);
    QFETCH(QList<double>, young);
    QFETCH(double, expected);
    // Order must not matter.
    for (bool youngFirst : {false, true}) {
        std::vector<ColoredSnapshot> parts{
            {Color::Blue, clockSnapshot(old[0], old[1], old[2])},
            {Color::Green, clockSnapshot(young[0], young[1], young[2])}};
        if (youngFirst)
            std::swap(parts[0], parts[1]);
        const MetricsSnapshot merged = mergeServerSnapshots(parts);
        QCOMPARE(merged.timeSeconds, old[0]);
        if (expected < 0) {
            QVERIFY(!merged.faultOnsetSeconds);
            continue;
        }
        QVERIFY(merged.faultOnsetSeconds);
        QVERIFY2(
            std::abs(*merged.faultOnsetSeconds - expected) < 1e-6,
            qPrintable(u"onset %1, expected %2"_s.arg(*merged.faultOnsetSeconds).arg(expected)));
    }
}

void TestSnapshotMerge::storeMaintenanceOfAServerSet_data() {
    // Per server: round trips, verified backups, restore drills; an empty
    // list: that server has not reported its store's log.
    QTest::addColumn<QList<int>>("blue");
    QTest::addColumn<QList<int>>("green");
    QTest::addColumn<QList<int>>("expected");  // empty: none
    QTest::addRow("neither reported") << QList<int>{} << QList<int>{} << QList<int>{};
    QTest::addRow("one server") << QList<int>{1, 2, 0} << QList<int>{} << QList<int>{1, 0, 0};
    // Every store needs its own verified backup: the least; one round trip
    // or drill anywhere is shown: the most. Never a sum (a shared database).
    QTest::addRow("both") << QList<int>{1, 2, 0} << QList<int>{0, 1, 1} << QList<int>{1, 1, 1};
    QTest::addRow("shared database")
        << QList<int>{2, 3, 1} << QList<int>{2, 3, 1} << QList<int>{2, 3, 1};
    QTest::addRow("green has no backup")
        << QList<int>{0, 4, 0} << QList<int>{0, 0, 0} << QList<int>{0, 0, 0};
}

void TestSnapshotMerge::storeMaintenanceOfAServerSet() {
    QFETCH(QList<int>, blue);
    QFETCH(QList<int>, green);
    QFETCH(QList<int>, expected);
    const auto part = [](Color color, const QList<int>& counts, double at) {
        SnapshotPtr s = clockSnapshot(10, 1, -1);
        if (!counts.isEmpty()) {
            auto m = std::make_shared<MetricsSnapshot>(*s);
            m->storeMaintenance = StoreMaintenanceReport{
                std::uint64_t(counts[0]),
                std::uint64_t(counts[1]),
                std::uint64_t(counts[2]),
                {{"restore_drill", at, "pulsco-matchd restore b", true, "restored b"}}};
            s = m;
        }
        return ColoredSnapshot{color, s};
    };
    const MetricsSnapshot merged =
        mergeServerSnapshots({part(Color::Blue, blue, 200), part(Color::Green, green, 100)});
    if (expected.isEmpty()) {
        QVERIFY(!merged.storeMaintenance);
        return;
    }
    QVERIFY(merged.storeMaintenance);
    QCOMPARE(int(merged.storeMaintenance->migrationRoundTrips), expected[0]);
    QCOMPARE(int(merged.storeMaintenance->verifiedBackups), expected[1]);
    QCOMPARE(int(merged.storeMaintenance->restoreDrills), expected[2]);
    // Each run named by its server, oldest first.
    const auto& latest = merged.storeMaintenance->latest;
    QCOMPARE(int(latest.size()), int(!blue.isEmpty()) + int(!green.isEmpty()));
    if (!green.isEmpty())
        QCOMPARE(QString::fromStdString(latest.front().command),
                 u"green: pulsco-matchd restore b"_s);
    if (!blue.isEmpty())
        QCOMPARE(QString::fromStdString(latest.back().command), u"blue: pulsco-matchd restore b"_s);
}

// A region is reachable for the service only when every server reaches
// it, and shed only when every server sheds it: one server still taking its
// tickets keeps it paging.
void TestSnapshotMerge::regionStateOfAServerSet_data() {
    QTest::addColumn<QList<bool>>("reachable");
    QTest::addColumn<QList<bool>>("shed");
    QTest::addColumn<bool>("mergedReachable");
    QTest::addColumn<bool>("mergedShed");
    QTest::addRow("one server shed") << QList<bool>{false} << QList<bool>{true} << false << true;
    QTest::addRow("both shed") << QList<bool>{false, false} << QList<bool>{true, true} << false
                               << true;
    QTest::addRow("one of two shed")
        << QList<bool>{false, false} << QList<bool>{true, false} << false << false;
    QTest::addRow("second of two shed")
        << QList<bool>{false, false} << QList<bool>{false, true} << false << false;
    QTest::addRow("one of two out")
        << QList<bool>{true, false} << QList<bool>{false, false} << false << false;
    QTest::addRow("none out") << QList<bool>{true, true} << QList<bool>{false, false} << true
                              << false;
}

void TestSnapshotMerge::regionStateOfAServerSet() {
    QFETCH(QList<bool>, reachable);
    QFETCH(QList<bool>, shed);
    QFETCH(bool, mergedReachable);
    QFETCH(bool, mergedShed);
    std::vector<ColoredSnapshot> parts;
    for (qsizetype i = 0; i < reachable.size(); ++i) {
        auto s = std::make_shared<MetricsSnapshot>(*clockSnapshot(1, 1, -1));
        s->regions["asia-east"].reachable = reachable[i];
        s->regions["asia-east"].shed = shed[i];
        parts.push_back({i == 0 ? Color::Blue : Color::Green, s});
    }
    const MetricsSnapshot merged = mergeServerSnapshots(parts);
    QCOMPARE(merged.regions.at("asia-east").reachable, mergedReachable);
    QCOMPARE(merged.regions.at("asia-east").shed, mergedShed);
}

QTEST_GUILESS_MAIN(TestSnapshotMerge)
#include "tst_snapshot_merge.moc"
