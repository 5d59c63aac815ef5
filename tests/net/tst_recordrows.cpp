// How the service's records become store rows and come back from them: the
// state names, a finished ticket's update (wait rounded to ms), a match's
// row (its detail is the API's match JSON), and records rebuilt from rows
// read back, including rows the current config no longer fits.
#include "net/server/RecordRows.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

Q_DECLARE_METATYPE(TicketState)

class TestRecordRows : public QObject {
    Q_OBJECT
private slots:
    void stateNames_data();
    void stateNames();
    void ticketStateUpdate_data();
    void ticketStateUpdate();
    void ticketFromRow_data();
    void ticketFromRow();
    void matchRowRoundTrip();
};

void TestRecordRows::stateNames_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("known");
    QTest::addColumn<TicketState>("state");
    QTest::addRow("searching") << u"searching"_s << true << TicketState::Searching;
    QTest::addRow("matched") << u"matched"_s << true << TicketState::Matched;
    QTest::addRow("expired") << u"expired"_s << true << TicketState::Expired;
    QTest::addRow("cancelled") << u"cancelled"_s << true << TicketState::Cancelled;
    QTest::addRow("case matters") << u"Matched"_s << false << TicketState::Searching;
    QTest::addRow("empty") << QString() << false << TicketState::Searching;
}

void TestRecordRows::stateNames() {
    QFETCH(QString, name);
    QFETCH(bool, known);
    QFETCH(TicketState, state);
    const auto parsed = stateFromName(name);
    QCOMPARE(parsed.has_value(), known);
    if (known) {
        QCOMPARE(*parsed, state);
        QCOMPARE(stateName(state), name);
    }
}

void TestRecordRows::ticketStateUpdate_data() {
    QTest::addColumn<double>("waitSeconds");
    QTest::addColumn<qint64>("waitMs");
    QTest::addRow("zero") << 0.0 << qint64(0);
    QTest::addRow("rounds down") << 1.2344 << qint64(1234);
    QTest::addRow("rounds up") << 1.2345 << qint64(1235);
    QTest::addRow("long") << 3600.0 << qint64(3600000);
}

void TestRecordRows::ticketStateUpdate() {
    QFETCH(double, waitSeconds);
    TicketRecord t;
    t.seq = 42;
    t.state = TicketState::Matched;
    t.matchSeq = 7;
    t.waitSeconds = waitSeconds;
    const UpdateTicketState u = pulsco::ticketStateUpdate(t, 99);
    QCOMPARE(u.seq, qint64(42));
    QCOMPARE(u.state, u"matched"_s);
    QCOMPARE(u.matchSeq, qint64(7));
    QTEST(u.waitMs, "waitMs");
    QCOMPARE(u.updatedMs, qint64(99));
}

void TestRecordRows::ticketFromRow_data() {
    QTest::addColumn<QString>("queue");
    QTest::addColumn<QString>("state");
    QTest::addColumn<int>("queueIndex");
    QTest::addColumn<TicketState>("expected");
    QTest::addRow("second queue, matched") << u"duo"_s << u"matched"_s << 1 << TicketState::Matched;
    QTest::addRow("first queue, cancelled")
        << u"solo"_s << u"cancelled"_s << 0 << TicketState::Cancelled;
    QTest::addRow("queue gone reads as the first")
        << u"removed"_s << u"expired"_s << 0 << TicketState::Expired;
    QTest::addRow("unknown state reads as expired")
        << u"duo"_s << u"lost"_s << 1 << TicketState::Expired;
}

void TestRecordRows::ticketFromRow() {
    QFETCH(QString, queue);
    QFETCH(QString, state);
    QueueConfig config;
    config.regions = {"eu"};
    config.queues.resize(2);
    config.queues[0].name = "solo";
    config.queues[1].name = "duo";
    TicketRow row;
    row.seq = 12;
    row.queue = queue;
    row.state = state;
    row.matchSeq = 3;
    row.createdMs = 1700000000000;
    row.waitMs = 2500;
    const TicketRecord t = pulsco::ticketFromRow(row, config);
    QCOMPARE(t.seq, qint64(12));
    QTEST(t.queue, "queueIndex");
    QTEST(t.state, "expected");
    QCOMPARE(t.matchSeq, qint64(3));
    QCOMPARE(t.createdUnixMs, qint64(1700000000000));
    QCOMPARE(t.waitSeconds, 2.5);
    QCOMPARE(t.coreId, TicketId(0));
}

void TestRecordRows::matchRowRoundTrip() {
    MatchRecord m;
    m.seq = 5;
    m.queue = u"duo"_s;
    m.region = u"eu"_s;
    m.createdUnixMs = 1700000000123;
    m.quality = 0.75;
    m.team0WinProbability = 0.4;
    m.worstPingMs = 61;
    m.skillSpread = 3.5;
    m.teams.resize(2);
    m.teams[0] = {{"a", "b"}, {Rating{30, 2}, Rating{20, 3}}, {10, 11}, 50};
    m.teams[1] = {{"c", "d"}, {Rating{26, 1}, Rating{24, 4}}, {12}, 49.5};
    m.winnerTeam = 1;
    const MatchRow row = matchRow(m);
    QCOMPARE(row.seq, qint64(5));
    QCOMPARE(row.queue, u"duo"_s);
    QCOMPARE(row.region, u"eu"_s);
    QCOMPARE(row.createdMs, qint64(1700000000123));
    QCOMPARE(QJsonDocument::fromJson(row.detail).object().value(u"match_id").toString(), u"m5"_s);

    MatchRow readBack = row;
    readBack.winnerTeam = 0;  // the column, not the detail, holds the result
    const MatchRecord back = matchFromRow(readBack);
    QCOMPARE(back.seq, m.seq);
    QCOMPARE(back.queue, m.queue);
    QCOMPARE(back.region, m.region);
    QCOMPARE(back.createdUnixMs, m.createdUnixMs);
    QCOMPARE(back.quality, m.quality);
    QCOMPARE(back.team0WinProbability, m.team0WinProbability);
    QCOMPARE(back.worstPingMs, m.worstPingMs);
    QCOMPARE(back.skillSpread, m.skillSpread);
    QCOMPARE(back.winnerTeam, 0);
    QCOMPARE(back.teams.size(), m.teams.size());
    for (std::size_t i = 0; i < m.teams.size(); ++i) {
        QCOMPARE(back.teams[i].players, m.teams[i].players);
        QCOMPARE(back.teams[i].tickets, m.teams[i].tickets);
        QCOMPARE(back.teams[i].strength, m.teams[i].strength);
        for (std::size_t p = 0; p < m.teams[i].players.size(); ++p) {
            QCOMPARE(back.teams[i].ratingsAtMatch[p].mu, m.teams[i].ratingsAtMatch[p].mu);
            QCOMPARE(back.teams[i].ratingsAtMatch[p].sigma, m.teams[i].ratingsAtMatch[p].sigma);
        }
    }
}

QTEST_GUILESS_MAIN(TestRecordRows)
#include "tst_recordrows.moc"
