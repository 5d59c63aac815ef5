// A recording as a console Source (simulator/ReplaySource, issue 20): it
// plays at the speed asked, pauses and steps, finishes with the replay's
// trace hash in the event log, restarts from the start, and refuses faults
// and weights with a reason.
#include "simulator/ReplaySource.h"

#include "bridge/QueueConfigJson.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

Recording recording(const QueueConfig& rules) {
    Recording r;
    r.header.server = "blue";
    r.header.regions = rules.regions;
    r.files << u"test.rec"_s;
    for (int i = 0; i < 60; ++i) {
        RecordedTicket t{i * 0.5, "blue-t" + std::to_string(i + 1), {"duel-1v1", {}}};
        PartyMember p;
        p.id = "p" + std::to_string(i);
        p.rating = {25.0 + i % 5, 4};
        p.pingMs.assign(rules.regions.size(), 40);
        t.request.players.push_back(p);
        r.events.push_back(t);
    }
    return r;
}

}  // namespace

class TestReplaySource : public QObject {
    Q_OBJECT
private slots:
    void playsPausesAndFinishes();
    void refusesFaultsAndWeights();
};

void TestReplaySource::playsPausesAndFinishes() {
    QString error;
    const auto rules = loadQueueConfig(u":/pulsco/queues.json"_s, &error);
    QVERIFY2(rules, qPrintable(error));
    ReplaySource source(u"/tmp/test.rec"_s, recording(*rules), *rules);
    QVERIFY(source.capabilities().speedControl);
    QVERIFY(!source.capabilities().scenarios && !source.capabilities().faults);
    QCOMPARE(source.displayName(), u"Replay · test.rec"_s);
    QSignalSpy snapshots(&source, &Source::snapshotReady);
    QSignalSpy events(&source, &Source::eventsReady);
    source.pause();
    source.start();
    QCOMPARE(source.state(), Source::State::Paused);
    QTest::qWait(300);
    const double at = source.latestSnapshot()->timeSeconds;
    QCOMPARE(at, 0.0);  // paused: nothing advances
    source.step();      // one second of the recording
    QCOMPARE(source.latestSnapshot()->timeSeconds, 1.0);
    QVERIFY(source.latestSnapshot()->total.tickets.created >= 2);
    source.setSpeed(0);  // as fast as it goes
    source.resume();
    QTRY_COMPARE_WITH_TIMEOUT(source.state(), Source::State::Stopped, 10000);
    const SnapshotPtr last = source.latestSnapshot();
    QCOMPARE(last->total.tickets.created, 60u);
    QCOMPARE(last->total.tickets.matched, 60u);
    QVERIFY(last->conservationOk);
    bool finished = false;
    for (const QList<QVariant>& batch : events)
        for (const LogEvent& e : *batch.first().value<LogEventBatch>())
            finished = finished || e.text.find("Replay finished: 60 arrivals, trace hash") == 0;
    QVERIFY(finished);
    // Again from the start.
    source.start();
    QCOMPARE(source.latestSnapshot()->total.tickets.created, 0u);
    QTRY_COMPARE_WITH_TIMEOUT(source.state(), Source::State::Stopped, 10000);
    QCOMPARE(source.latestSnapshot()->total.tickets.matched, 60u);
}

void TestReplaySource::refusesFaultsAndWeights() {
    QString error;
    const auto rules = loadQueueConfig(u":/pulsco/queues.json"_s, &error);
    ReplaySource source(u"x.rec"_s, recording(*rules), *rules);
    QSignalSpy failed(&source, &Source::commandFailed);
    source.injectFault(FaultSpec{});
    source.setTrafficWeight(50);
    QCOMPARE(failed.size(), 2);
    QVERIFY(failed[0][1].toString().contains(u"recorded traffic is what it was"_s));
    QVERIFY(failed[1][1].toString().contains(u"replayed as blue"_s));
}

QTEST_GUILESS_MAIN(TestReplaySource)
#include "tst_replaysource.moc"
