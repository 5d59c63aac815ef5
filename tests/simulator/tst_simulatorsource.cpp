// SimulatorSource on its worker thread: snapshots arrive in order (at most 10
// per wall second, by their own time stamps), pause stops simulated time, the
// speed reaches the snapshots, step moves one tick, a fault shows in the
// snapshot and in a LogEvent, bad commands fail. No assertion on how fast
// anything runs: that is tests/bench/simulator.
#include "simulator/SimulatorSource.h"

#include "ScenarioFixture.h"

#include <QSignalSpy>
#include <QTest>

using namespace pulsco;
using namespace Qt::StringLiterals;

class TestSimulatorSource : public QObject {
    Q_OBJECT

private:
    static SnapshotPtr lastOf(QSignalSpy& spy) { return spy.last().at(0).value<SnapshotPtr>(); }
    // Waits for a snapshot newer than the ones seen so far.
    static SnapshotPtr nextSnapshot(QSignalSpy& spy, int timeoutMs = 5000) {
        const qsizetype before = spy.count();
        if (!QTest::qWaitFor([&] { return spy.count() > before; }, timeoutMs))
            return {};
        return lastOf(spy);
    }

private slots:
    void describesItself() {
        SimulatorSource source(test::smallScenario());
        QCOMPARE(source.kind(), Source::Kind::Simulator);
        QCOMPARE(source.displayName(), u"Simulator · test-small"_s);
        const Source::Capabilities c = source.capabilities();
        QVERIFY(c.speedControl && c.faults && c.trafficWeight && c.scenarios);
        QCOMPARE(source.state(), Source::State::Stopped);
        QVERIFY(!source.latestSnapshot());
    }

    // No wall-clock rate is measured here (this suite also runs under TSan):
    // the cap of 10 snapshots a second is checked on the publication times
    // the worker stamps on each snapshot, which a slow machine can only
    // spread further apart.
    void snapshotsArriveInOrderAtMostTenPerSecond() {
        SimulatorSource source(test::smallScenario());
        QSignalSpy snapshots(&source, &Source::snapshotReady);
        QSignalSpy states(&source, &Source::stateChanged);
        source.setSpeed(0);
        source.start();
        QTRY_COMPARE_WITH_TIMEOUT(source.state(), Source::State::Running, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(snapshots.count() >= 5, 30000);
        // Sequence numbers rise by one; simulated time never goes back;
        // after the first (published at start) they are at least
        // kMinPublishIntervalMs apart (stamped in whole milliseconds).
        std::uint64_t sequence = 0;
        double time = -1;
        double wallMs = 0;
        for (const auto& args : snapshots) {
            const SnapshotPtr s = args.at(0).value<SnapshotPtr>();
            QVERIFY(s);
            if (sequence > 0) {
                QCOMPARE(s->sequence, sequence + 1);
                QVERIFY2(
                    s->wallTimeUnixMs - wallMs >= SimulatorSource::kMinPublishIntervalMs - 1,
                    qPrintable(u"snapshot %1 came %2 ms after the one before"_s.arg(s->sequence)
                                   .arg(s->wallTimeUnixMs - wallMs)));
            }
            sequence = s->sequence;
            wallMs = s->wallTimeUnixMs;
            QVERIFY(s->timeSeconds >= time);
            time = s->timeSeconds;
            QCOMPARE(s->source, std::string("simulator"));
            QCOMPARE(s->speed, 0.0);
            QVERIFY(s->conservationOk);
        }
        QCOMPARE(source.latestSnapshot(), lastOf(snapshots));
        QVERIFY(time > 0);  // simulated time moved
        QCOMPARE(states.count(), 2);
        QCOMPARE(states.at(0).at(0).value<Source::State>(), Source::State::Starting);
        QCOMPARE(states.at(1).at(0).value<Source::State>(), Source::State::Running);
        source.stop();
        QCOMPARE(source.state(), Source::State::Stopped);
    }

    void pauseStopsTimeAndStepMovesOneTick() {
        SimulatorSource source(test::smallScenario());
        QSignalSpy snapshots(&source, &Source::snapshotReady);
        source.setSpeed(50);
        source.start();
        QVERIFY(snapshots.wait(5000));
        source.pause();
        QTRY_COMPARE_WITH_TIMEOUT(source.state(), Source::State::Paused, 5000);
        SnapshotPtr paused = nextSnapshot(snapshots);
        QVERIFY(paused);
        QVERIFY(paused->paused);
        QTest::qWait(400);
        const SnapshotPtr later = source.latestSnapshot();
        QCOMPARE(later->timeSeconds, paused->timeSeconds);

        source.step();
        const SnapshotPtr stepped = nextSnapshot(snapshots);
        QVERIFY(stepped);
        QCOMPARE(stepped->timeSeconds, paused->timeSeconds + source.scenario().tickSeconds);

        source.resume();
        QTRY_COMPARE_WITH_TIMEOUT(source.state(), Source::State::Running, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(source.latestSnapshot()->timeSeconds > stepped->timeSeconds + 5,
                                 5000);
    }

    // The speed reaches the worker and its snapshots, and time moves at
    // either speed. How closely the pace follows the speed is a matter of
    // wall time, not asserted here.
    void speedReachesTheSnapshots() {
        SimulatorSource source(test::smallScenario());
        QSignalSpy snapshots(&source, &Source::snapshotReady);
        source.setSpeed(1);
        source.start();
        QVERIFY(snapshots.wait(10000));
        QCOMPARE(source.speed(), 1.0);
        QCOMPARE(source.latestSnapshot()->speed, 1.0);
        const double t0 = source.latestSnapshot()->timeSeconds;
        QTRY_VERIFY_WITH_TIMEOUT(source.latestSnapshot()->timeSeconds > t0, 10000);

        source.setSpeed(200);
        QCOMPARE(source.speed(), 200.0);
        QTRY_VERIFY_WITH_TIMEOUT(source.latestSnapshot()->speed == 200.0, 10000);
        const double t1 = source.latestSnapshot()->timeSeconds;
        QTRY_VERIFY_WITH_TIMEOUT(source.latestSnapshot()->timeSeconds > t1, 10000);
    }

    void faultShowsInSnapshotAndLog() {
        SimulatorSource source(test::smallScenario());
        QSignalSpy snapshots(&source, &Source::snapshotReady);
        QSignalSpy events(&source, &Source::eventsReady);
        source.setSpeed(20);
        source.start();
        QVERIFY(snapshots.wait(5000));
        FaultSpec fault;
        fault.kind = FaultKind::Latency;
        fault.latencyMs = 400;
        fault.share = 1.0;
        fault.target = FaultTarget::Green;
        source.injectFault(fault);
        QTRY_VERIFY_WITH_TIMEOUT(!source.latestSnapshot()->activeFaults.empty(), 5000);
        QVERIFY(QString::fromStdString(source.latestSnapshot()->activeFaults.front())
                    .contains(u"latency"_s));

        auto logged = [&](LogEventKind kind, const QString& needle) {
            for (const auto& args : events) {
                const LogEventBatch batch = args.at(0).value<LogEventBatch>();
                for (const LogEvent& e : *batch)
                    if (e.kind == kind && QString::fromStdString(e.text).contains(needle) &&
                        e.wallTimeUnixMs > 0)
                        return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(logged(LogEventKind::FaultStart, u"latency"_s), 5000);

        source.clearFaults();
        QTRY_VERIFY_WITH_TIMEOUT(source.latestSnapshot()->activeFaults.empty(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(logged(LogEventKind::FaultEnd, u"latency"_s), 5000);
    }

    void trafficWeightRoutesToGreen() {
        SimulatorSource source(test::smallScenario());
        QSignalSpy snapshots(&source, &Source::snapshotReady);
        source.setSpeed(0);
        source.setTrafficWeight(100);
        source.start();
        QTRY_VERIFY_WITH_TIMEOUT(
            source.latestSnapshot() && source.latestSnapshot()->green.tickets.created > 50, 10000);
        QCOMPARE(source.latestSnapshot()->green.requestedWeightPercent.value_or(-1), 100);
        source.rollback();
        QTRY_COMPARE_WITH_TIMEOUT(
            source.latestSnapshot()->green.requestedWeightPercent.value_or(-1), 0, 5000);
        const std::uint64_t blueBefore = source.latestSnapshot()->blue.tickets.created;
        QTRY_VERIFY_WITH_TIMEOUT(source.latestSnapshot()->blue.tickets.created > blueBefore + 20,
                                 10000);
    }

    void badCommandsFail() {
        SimulatorSource source(test::smallScenario());
        QSignalSpy failed(&source, &Source::commandFailed);
        source.setTrafficWeight(140);
        QCOMPARE(failed.count(), 1);
        FaultSpec bad;
        bad.kind = FaultKind::ErrorRate;
        bad.share = 2.0;
        source.injectFault(bad);
        QCOMPARE(failed.count(), 2);
        QVERIFY(failed.last().at(1).toString().contains(u"share"_s));
        FaultSpec outage;
        outage.kind = FaultKind::RegionOutage;
        outage.region = "mars-1";
        source.injectFault(outage);
        QCOMPARE(failed.count(), 3);
        QVERIFY(failed.last().at(1).toString().contains(u"mars-1"_s));
        source.setSpeed(-1);
        QCOMPARE(failed.count(), 4);
    }

    void destructorJoinsARunningWorker() {
        auto source = std::make_unique<SimulatorSource>(test::smallScenario());
        QSignalSpy snapshots(source.get(), &Source::snapshotReady);
        source->setSpeed(0);
        source->start();
        QVERIFY(snapshots.wait(5000));
        source.reset();  // must not hang or crash
        QVERIFY(true);
    }
};

QTEST_GUILESS_MAIN(TestSimulatorSource)
#include "tst_simulatorsource.moc"
