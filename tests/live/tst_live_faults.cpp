// LiveSource against a misbehaving server on real loopback sockets: for
// each way of misbehaving (garbage, wrong types, not HTTP, silence,
// trickling, a dropped connection, a reply or message over the 8 MiB cap;
// over HTTP polling and over the WebSocket) the source names the server
// and why, the event loop keeps turning while the server holds on, and
// data flows again, fault cleared, once the server turns good.
#include "MisbehavingServer.h"

#include "net/live/LiveSource.h"

#include <QSignalSpy>
#include <QTest>

using pulsco::LiveSource;
using pulsco::Source;
using Mode = MisbehavingServer::Mode;

Q_DECLARE_METATYPE(MisbehavingServer::Mode)

namespace {

QString problemOf(const LiveSource& source) {
    return source.servers().value(0).problem;
}

QStringList eventTexts(const QSignalSpy& spy, pulsco::LogEventKind kind) {
    QStringList out;
    for (const QList<QVariant>& args : spy) {
        const auto batch = args.at(0).value<pulsco::LogEventBatch>();
        for (const pulsco::LogEvent& e : *batch)
            if (e.kind == kind)
                out << QString::fromStdString(e.text);
    }
    return out;
}

}  // namespace

class TestLiveFaults : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void faultIsNamedAndRecovered_data();
    void faultIsNamedAndRecovered();
    void goodServerHasNoProblem();
    void badUpgradeFallsBackToPolling_data();
    void badUpgradeFallsBackToPolling();
    void adminAnswerOverCapIsRefused();
};

void TestLiveFaults::initTestCase() {
    qRegisterMetaType<pulsco::LogEventBatch>();
    qRegisterMetaType<pulsco::SnapshotPtr>();
}

void TestLiveFaults::faultIsNamedAndRecovered_data() {
    QTest::addColumn<Mode>("mode");
    QTest::addColumn<int>("targets");
    QTest::addColumn<bool>("push");
    QTest::addColumn<QString>("why");  // in the problem, after the server's URL

    using T = MisbehavingServer::Target;
    QTest::addRow("ws garbage") << Mode::GarbageBody << int(T::Events) << true
                                << u"/v1/events: invalid JSON"_s;
    QTest::addRow("ws wrong types")
        << Mode::WrongTypes << int(T::Events) << true << u"/v1/events: snapshot.time_s"_s;
    QTest::addRow("ws silent") << Mode::Silent << int(T::Events) << true
                               << u"/v1/events: no valid data for 3 s"_s;
    QTest::addRow("ws trickle") << Mode::Trickle << int(T::Events) << true
                                << u"/v1/events: no valid data for 3 s"_s;
    QTest::addRow("ws dropped mid-frame")
        << Mode::DropMidMessage << int(T::Events) << true << u"/v1/events: connection closed"_s;
    QTest::addRow("ws too large") << Mode::TooLarge << int(T::Events) << true
                                  << u"/v1/events: message larger than the 8 MiB cap"_s;
    QTest::addRow("info wrong types")
        << Mode::WrongTypes << int(T::Info) << true << u"/v1/info: color"_s;
    QTest::addRow("not http") << Mode::NotHttp << int(T::Info) << true << u"/v1/info: "_s;
    QTest::addRow("http garbage body")
        << Mode::GarbageBody << int(T::Stats) << false << u"/v1/stats: invalid JSON"_s;
    QTest::addRow("http wrong types")
        << Mode::WrongTypes << int(T::Stats) << false << u"/v1/stats: time_s"_s;
    QTest::addRow("http headers then silence")
        << Mode::Silent << int(T::Stats) << false << u"/v1/stats: no answer for 2 s"_s;
    QTest::addRow("http trickle") << Mode::Trickle << int(T::Stats) << false
                                  << u"/v1/stats: no complete reply within 5 s"_s;
    QTest::addRow("http dropped mid-body")
        << Mode::DropMidMessage << int(T::Stats) << false << u"/v1/stats: "_s;
    QTest::addRow("http too large") << Mode::TooLarge << int(T::Stats) << false
                                    << u"/v1/stats: reply larger than the 8 MiB cap"_s;
    QTest::addRow("http too large undeclared") << Mode::TooLargeUndeclared << int(T::Stats) << false
                                               << u"/v1/stats: reply larger than the 8 MiB cap"_s;
}

void TestLiveFaults::faultIsNamedAndRecovered() {
    QFETCH(Mode, mode);
    QFETCH(int, targets);
    QFETCH(bool, push);
    QFETCH(QString, why);

    MisbehavingServer server;
    QVERIFY(server.listenOnLoopback());
    server.mode = mode;
    server.targets = targets;
    LiveSource source({{server.url(), {}, {}}});
    source.setPushAllowed(push);
    QSignalSpy events(&source, &Source::eventsReady);

    // The event loop must keep turning while the server holds on.
    int ticks = 0;
    QTimer heartbeat;
    connect(&heartbeat, &QTimer::timeout, this, [&ticks] { ++ticks; });
    heartbeat.start(20);
    source.start();

    const QString expected = server.url() + why;
    // Generous: 8 MiB over loopback while the whole suite runs on two cores
    // once took 24 s (CI rehearsal at 189aa5b); the check is that the fault
    // is named, not how fast.
    QTRY_VERIFY2_WITH_TIMEOUT(
        problemOf(source).startsWith(expected),
        qPrintable(u"problem: \""_s + problemOf(source) + u"\", wanted \""_s + expected + u'"'),
        45000);
    QVERIFY(!source.latestOf(server.url()));
    QVERIFY(source.state() != Source::State::Running);
    QTRY_VERIFY_WITH_TIMEOUT(
        eventTexts(events, pulsco::LogEventKind::Error).join(u'\n').contains(expected), 5000);
    // The loop keeps turning while the server goes on misbehaving (the
    // heartbeat fires again; the fault is still reported, not lost).
    const int atDetection = ticks;
    QTRY_VERIFY2(ticks >= atDetection + 3, "the event loop stalled while the server misbehaved");
    QVERIFY2(!problemOf(source).isEmpty(), "the fault was forgotten while the server is still bad");

    // The server turns good: data flows again and the fault clears by itself.
    server.mode = Mode::Good;
    QTRY_VERIFY_WITH_TIMEOUT(source.latestOf(server.url()) && problemOf(source).isEmpty() &&
                                 source.state() == Source::State::Running,
                             15000);
    QTRY_VERIFY_WITH_TIMEOUT(eventTexts(events, pulsco::LogEventKind::Info)
                                 .contains(server.url() + u": receiving data again"_s),
                             5000);
    const int before = ticks;
    QTRY_VERIFY(ticks > before);
    source.stop();
}

void TestLiveFaults::goodServerHasNoProblem() {
    // The baseline: a well-behaved server gives data and no problem, by push.
    MisbehavingServer server;
    QVERIFY(server.listenOnLoopback());
    LiveSource source({{server.url(), {}, {}}});
    QSignalSpy snapshots(&source, &Source::snapshotReady);
    source.start();
    QTRY_VERIFY_WITH_TIMEOUT(snapshots.size() >= 3, 5000);
    QCOMPARE(problemOf(source), QString());
    QCOMPARE(source.servers().value(0).mode, pulsco::LiveServerLink::Mode::Push);
    QCOMPARE(source.state(), Source::State::Running);
}

void TestLiveFaults::badUpgradeFallsBackToPolling_data() {
    QTest::addColumn<Mode>("mode");
    QTest::addRow("garbage instead of 101") << Mode::NotHttp;
    QTest::addRow("upgrade never answered") << Mode::NoUpgradeAnswer;
}

void TestLiveFaults::badUpgradeFallsBackToPolling() {
    // A proxy that mangles or swallows the WebSocket upgrade but passes plain
    // HTTP: the console polls instead (Qt 6.4 has no handshake timeout: the
    // 3 s staleness check gives up on the upgrade), and data flows without
    // a standing fault.
    QFETCH(Mode, mode);
    MisbehavingServer server;
    QVERIFY(server.listenOnLoopback());
    server.mode = mode;
    server.targets = MisbehavingServer::Events;
    LiveSource source({{server.url(), {}, {}}});
    QSignalSpy snapshots(&source, &Source::snapshotReady);
    source.start();
    QTRY_VERIFY_WITH_TIMEOUT(snapshots.size() >= 2, 10000);
    QCOMPARE(source.servers().value(0).mode, pulsco::LiveServerLink::Mode::Polling);
    QCOMPARE(problemOf(source), QString());
    QCOMPARE(source.state(), Source::State::Running);
}

void TestLiveFaults::adminAnswerOverCapIsRefused() {
    MisbehavingServer server;
    QVERIFY(server.listenOnLoopback());
    server.hugeAdminAnswers = true;
    LiveSource source({{server.url(), u"a-token-for-this-test"_s, {}}});
    QSignalSpy failed(&source, &Source::commandFailed);
    source.start();
    QTRY_VERIFY_WITH_TIMEOUT(!source.servers().value(0).color.isEmpty(), 5000);
    source.clearFaults();
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
    const QString reason = failed.at(0).at(1).toString();
    QVERIFY2(reason == server.url() + u"/v1/admin/faults: answer larger than the 8 MiB cap"_s,
             qPrintable(reason));
}

QTEST_GUILESS_MAIN(TestLiveFaults)
#include "tst_live_faults.moc"
