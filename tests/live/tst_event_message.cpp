// The /v1/events messages as the console reads them: what each type gives,
// and that a malformed one is refused naming the stream, the field and why.
#include "net/live/EventMessage.h"

#include <QTest>

using namespace pulsco;
using namespace Qt::StringLiterals;

class TestEventMessage : public QObject {
    Q_OBJECT
private slots:
    void reads_data();
    void reads();
    void refuses_data();
    void refuses();
    void snapshotIsReadWhole();
};

namespace {

const EventMessageContext kContext{u"http://127.0.0.1:8080/v1/events"_s, u"green"_s, 42.5, 1.8e12};

}  // namespace

void TestEventMessage::reads_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qulonglong>("seq");
    QTest::addColumn<QString>("logLine");  // "" = no event-log line
    QTest::addColumn<int>("kind");
    QTest::addRow("expired ticket")
        << QByteArray(R"({"seq": 13, "type": "ticket", "ticket_id": "t42", "state": "expired"})")
        << 13ULL << u"ticket t42 expired"_s << int(LogEventKind::Expiry);
    QTest::addRow("cancelled ticket")
        << QByteArray(R"({"seq": 2, "type": "ticket", "ticket_id": "t7", "state": "cancelled"})")
        << 2ULL << u"ticket t7 cancelled"_s << int(LogEventKind::Cancel);
    QTest::addRow("matched ticket is not logged")
        << QByteArray(
               R"({"seq": 3, "type": "ticket", "ticket_id": "t7", "state": "matched", "match_id": "m1"})")
        << 3ULL << QString() << 0;
    QTest::addRow("match")
        << QByteArray(
               R"({"seq": 14, "type": "match", "match": {"match_id": "m7", "queue": "duel-1v1",
            "region": "eu-west", "quality": 0.934, "teams": []}})")
        << 14ULL << u"duel-1v1 match m7 in eu-west, quality 0.93"_s << int(LogEventKind::Match);
    QTest::addRow("unknown type from a newer server")
        << QByteArray(R"({"seq": 9, "type": "rollout", "weight": 5})") << 9ULL << QString() << 0;
    QTest::addRow("keep-alive without type")
        << QByteArray(R"({"seq": 0})") << 0ULL << QString() << 0;
}

void TestEventMessage::reads() {
    QFETCH(QByteArray, text);
    QFETCH(qulonglong, seq);
    QFETCH(QString, logLine);
    QFETCH(int, kind);
    QString error;
    const auto m = parseEventMessage(text, kContext, &error);
    QVERIFY2(m, qPrintable(error));
    QCOMPARE(m->seq, seq);
    QVERIFY(!m->snapshot);
    QCOMPARE(m->event.has_value(), !logLine.isEmpty());
    if (m->event) {
        QCOMPARE(QString::fromStdString(m->event->text), logLine);
        QCOMPARE(int(m->event->kind), kind);
        QCOMPARE(m->event->color, std::string("green"));
        QCOMPARE(m->event->timeSeconds, 42.5);
        QCOMPARE(m->event->wallTimeUnixMs, 1.8e12);
    }
}

void TestEventMessage::refuses_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("error");  // after "http://127.0.0.1:8080/v1/events: "
    QTest::addRow("not JSON") << QByteArray("{\"seq\": 1,") << u"invalid JSON at offset"_s;
    QTest::addRow("an array") << QByteArray("[1]") << u"top level: must be a JSON object"_s;
    QTest::addRow("no seq") << QByteArray(R"({"type": "ticket"})") << u"seq: "_s;
    QTest::addRow("negative seq") << QByteArray(R"({"seq": -1})") << u"seq: "_s;
    QTest::addRow("seq a string") << QByteArray(R"({"seq": "7"})") << u"seq: "_s;
    QTest::addRow("type a number") << QByteArray(R"({"seq": 1, "type": 5})") << u"type: "_s;
    QTest::addRow("ticket without id")
        << QByteArray(R"({"seq": 1, "type": "ticket", "state": "expired"})") << u"ticket_id: "_s;
    QTest::addRow("ticket in an unknown state")
        << QByteArray(R"({"seq": 1, "type": "ticket", "ticket_id": "t1", "state": "lost"})")
        << u"state: "_s;
    QTest::addRow("match without its object")
        << QByteArray(R"({"seq": 1, "type": "match"})") << u"match: "_s;
    QTest::addRow("match quality out of range")
        << QByteArray(R"({"seq": 1, "type": "match", "match": {"match_id": "m1", "queue": "q",
                         "region": "r", "quality": 7}})")
        << u"match.quality: "_s;
    QTest::addRow("snapshot of the wrong schema")
        << QByteArray(R"({"seq": 1, "type": "snapshot", "snapshot": {"time_s": "soon"}})")
        << u"snapshot."_s;
}

void TestEventMessage::refuses() {
    QFETCH(QByteArray, text);
    QFETCH(QString, error);
    QString got;
    QVERIFY(!parseEventMessage(text, kContext, &got));
    QVERIFY2(got.startsWith(kContext.source + u": "_s + error), qPrintable(got));
}

void TestEventMessage::snapshotIsReadWhole() {
    QFile seed(QStringLiteral(PULSCO_SOURCE_DIR "/tests/fuzz/corpus/event_message/snapshot.json"));
    QVERIFY(seed.open(QIODevice::ReadOnly));
    QString error;
    const auto m = parseEventMessage(seed.readAll(), kContext, &error);
    QVERIFY2(m, qPrintable(error));
    QCOMPARE(m->seq, 12ULL);
    QVERIFY(m->snapshot);
    QVERIFY(!m->event);
    QVERIFY(m->snapshot->playersOnline > 0);
}

QTEST_GUILESS_MAIN(TestEventMessage)
#include "tst_event_message.moc"
