// The recording line format (core/Recording.h, issue 20): every event and
// the header survive encode then decode; ids with any bytes round-trip
// through the escaping; malformed lines are refused with the field and why.
#include "core/Recording.h"

#include <QTest>

using namespace pulsco;

namespace {

PartyMember member(std::string id, double mu, std::vector<int> pings) {
    PartyMember m;
    m.id = std::move(id);
    m.rating = {mu, 4.5};
    m.pingMs = std::move(pings);
    return m;
}

}  // namespace

class TestRecording : public QObject {
    Q_OBJECT
private slots:
    void headerRoundTrips();
    void eventsRoundTrip();
    void escapingRoundTripsAnyBytes();
    void refusesMalformedLines_data();
    void refusesMalformedLines();
    void refusesOtherHeaders_data();
    void refusesOtherHeaders();
};

void TestRecording::headerRoundTrips() {
    RecordingHeader h;
    h.server = "green";
    h.environment = "staging";
    h.startedUnixMs = 1796420857806;
    h.pseudonymous = false;
    h.regions = {"eu-west", "us east"};
    h.part = 7;
    const std::string line = encodeRecordingHeader(h);
    QVERIFY(line.find("us%20east") != std::string::npos);
    std::string error;
    const auto back = decodeRecordingHeader(line, &error);
    QVERIFY2(back, error.c_str());
    QCOMPARE(*back, h);
}

void TestRecording::eventsRoundTrip() {
    RecordedTicket ticket{12.345, "blue-t17", {"ranked-5v5", {}}};
    ticket.request.players = {member("p1", 31.25, {30, kUnreachablePing, 120}),
                              member("a b|c,d%", 18.5, {0, 65534, 7})};
    const std::vector<RecordedEvent> events = {ticket, RecordedCancel{13.002, "blue-t17"},
                                               RecordedResult{45.5, "blue-m4", 1},
                                               RecordedGap{46, 120}};
    for (const RecordedEvent& e : events) {
        const std::string line = encodeRecordedEvent(e);
        QVERIFY2(line.find('\n') == std::string::npos, line.c_str());
        std::string error;
        const auto back = decodeRecordedEvent(line, 3, &error);
        QVERIFY2(back, (line + ": " + error).c_str());
        QCOMPARE(back->index(), e.index());
        QCOMPARE(timeOf(*back), timeOf(e));
        QCOMPARE(encodeRecordedEvent(*back), line);
    }
    const auto t =
        std::get<RecordedTicket>(*decodeRecordedEvent(encodeRecordedEvent(ticket), 3, nullptr));
    QCOMPARE(t.request.players[1].id, std::string("a b|c,d%"));
    QCOMPARE(t.request.players[0].pingMs[1], kUnreachablePing);
    QCOMPARE(t.request.players[0].rating.mu, 31.25);
}

void TestRecording::escapingRoundTripsAnyBytes() {
    std::string all;
    for (int c = 0; c < 256; ++c)
        all += char(c);
    const std::string escaped = recordingEscape(all);
    QVERIFY(escaped.find(' ') == std::string::npos && escaped.find('|') == std::string::npos);
    QCOMPARE(recordingUnescape(escaped), std::optional<std::string>(all));
    QVERIFY(!recordingUnescape("%4"));
    QVERIFY(!recordingUnescape("%zz"));
    QVERIFY(!recordingUnescape("a b"));
}

void TestRecording::refusesMalformedLines_data() {
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QByteArray>("says");
    QTest::newRow("unknown kind") << QByteArray("X 1.0 a") << QByteArray("\"X\" is not an event");
    QTest::newRow("truncated ticket")
        << QByteArray("T 1.000 blue-t1 duel-1v1") << QByteArray("with at least one member");
    QTest::newRow("truncated member") << QByteArray("T 1.000 blue-t1 duel-1v1 p1|25.000|8")
                                      << QByteArray("field 5 (member): must be id|mu|sigma|pings");
    QTest::newRow("pings") << QByteArray("T 1.000 blue-t1 duel-1v1 p1|25|8|30,40")
                           << QByteArray("needs one ping per region of the header (3), has 2");
    QTest::newRow("ping range") << QByteArray("T 1.000 blue-t1 duel-1v1 p1|25|8|30,40,70000")
                                << QByteArray("a ping must be milliseconds");
    QTest::newRow("sigma") << QByteArray("T 1.000 blue-t1 duel-1v1 p1|25|-1|30,40,50")
                           << QByteArray("sigma a number >= 0");
    QTest::newRow("time") << QByteArray("C -1 blue-t1") << QByteArray("field 2 (time)");
    QTest::newRow("time text") << QByteArray("C soon blue-t1") << QByteArray("field 2 (time)");
    QTest::newRow("cancel fields")
        << QByteArray("C 1.0") << QByteArray("must be \"C <time> <ticket>\"");
    QTest::newRow("bad escape") << QByteArray("C 1.0 blue%2") << QByteArray("field 3 (ticket)");
    QTest::newRow("winner") << QByteArray("R 1.0 blue-m1 x") << QByteArray("field 4 (winner team)");
    QTest::newRow("gap") << QByteArray("G 1.0 0") << QByteArray("field 3 (lost events)");
}

void TestRecording::refusesMalformedLines() {
    QFETCH(QByteArray, line);
    QFETCH(QByteArray, says);
    std::string error;
    QVERIFY(!decodeRecordedEvent(line.toStdString(), 3, &error));
    QVERIFY2(QByteArray::fromStdString(error).contains(says), error.c_str());
}

void TestRecording::refusesOtherHeaders_data() {
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QByteArray>("says");
    QTest::newRow("not a recording") << QByteArray("T 1.0 a b c") << QByteArray("not a recording");
    QTest::newRow("unknown version") << QByteArray("pulsco-recording 2 server=blue regions=eu")
                                     << QByteArray("format 2 is not one");
    QTest::newRow("no regions") << QByteArray("pulsco-recording 1 server=blue")
                                << QByteArray("regions is missing");
    QTest::newRow("part") << QByteArray("pulsco-recording 1 server=blue regions=eu part=0")
                          << QByteArray("part: must be an integer from 1 to 1000000");
    QTest::newRow("part past int")
        << QByteArray("pulsco-recording 1 server=blue regions=eu part=2997993480")
        << QByteArray("part: must be an integer from 1 to 1000000");
    QTest::newRow("key twice") << QByteArray("pulsco-recording 1 server=blue regions=eu regions=na")
                               << QByteArray("header regions: given twice");
    QTest::newRow("ids") << QByteArray("pulsco-recording 1 server=blue regions=eu ids=hashed")
                         << QByteArray("ids: must be pseudonymous or raw");
}

void TestRecording::refusesOtherHeaders() {
    QFETCH(QByteArray, line);
    QFETCH(QByteArray, says);
    std::string error;
    QVERIFY(!decodeRecordingHeader(line.toStdString(), &error));
    QVERIFY2(QByteArray::fromStdString(error).contains(says), error.c_str());
}

QTEST_GUILESS_MAIN(TestRecording)
#include "tst_recording.moc"
