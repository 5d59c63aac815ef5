// The records pulsco-matchd keeps in memory: finished tickets and formed
// matches beyond the limits are forgotten oldest first, a record not yet on
// disk is never forgotten (it stops the trim), and a record read back from
// the store never replaces the one already in memory.
#include "net/server/InMemoryRecords.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

void addFinishedTicket(InMemoryRecords& r, qint64 seq, bool unwritten = false) {
    auto t = std::make_unique<TicketRecord>();
    t->seq = seq;
    t->coreId = TicketId(1000 + seq);
    r.linkCoreId(t->coreId, seq);
    TicketRecord& rec = r.addTicket(std::move(t));
    rec.state = TicketState::Matched;
    rec.unwritten = unwritten;
    r.ticketFinished(rec);
}

void addMatch(InMemoryRecords& r, qint64 seq, bool unwritten = false) {
    auto m = std::make_unique<MatchRecord>();
    m->seq = seq;
    m->unwritten = unwritten;
    r.addMatch(std::move(m));
}

}  // namespace

class TestInMemoryRecords : public QObject {
    Q_OBJECT
private slots:
    void trimKeepsTheNewest_data();
    void trimKeepsTheNewest();
    void searchingTicketsStay();
    void finishedTicketIsNoLongerSearching();
    void readBackNeverReplaces();
    void readBackIsForgottenInTurn();
    void ratings();
};

void TestInMemoryRecords::trimKeepsTheNewest_data() {
    QTest::addColumn<int>("records");
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("unwrittenAt");  // seq not on disk yet, 0 for none
    QTest::addColumn<QList<qint64>>("kept");
    QTest::addRow("under the limit") << 3 << 5 << 0 << QList<qint64>{1, 2, 3};
    QTest::addRow("oldest go") << 5 << 2 << 0 << QList<qint64>{4, 5};
    QTest::addRow("limit 0") << 3 << 0 << 0 << QList<qint64>{};
    QTest::addRow("unwritten oldest stops it") << 5 << 2 << 1 << QList<qint64>{1, 2, 3, 4, 5};
    QTest::addRow("unwritten in the middle") << 5 << 1 << 3 << QList<qint64>{3, 4, 5};
    QTest::addRow("unwritten among the kept") << 5 << 2 << 5 << QList<qint64>{4, 5};
}

void TestInMemoryRecords::trimKeepsTheNewest() {
    QFETCH(int, records);
    QFETCH(int, limit);
    QFETCH(int, unwrittenAt);
    QFETCH(QList<qint64>, kept);
    InMemoryRecords tickets;
    InMemoryRecords matches;
    for (qint64 seq = 1; seq <= records; ++seq) {
        addFinishedTicket(tickets, seq, seq == unwrittenAt);
        addMatch(matches, seq, seq == unwrittenAt);
    }
    tickets.setLimits(std::size_t(limit), 1000);
    matches.setLimits(1000, std::size_t(limit));
    for (qint64 seq = 1; seq <= records; ++seq) {
        QCOMPARE(tickets.ticket(seq) != nullptr, kept.contains(seq));
        QCOMPARE(matches.match(seq) != nullptr, kept.contains(seq));
    }
    QCOMPARE(tickets.tickets(), std::size_t(kept.size()));
    QCOMPARE(matches.matches(), std::size_t(kept.size()));

    // Once on disk, the next trim forgets it.
    if (unwrittenAt) {
        tickets.ticket(unwrittenAt)->unwritten = false;
        tickets.trim();
        QVERIFY(tickets.tickets() <= std::size_t(limit));
    }
}

void TestInMemoryRecords::searchingTicketsStay() {
    InMemoryRecords r;
    r.setLimits(0, 0);
    auto t = std::make_unique<TicketRecord>();
    t->seq = 1;
    r.addTicket(std::move(t));
    r.trim();
    // Only finished tickets count against the limit.
    QVERIFY(r.ticket(1));
}

void TestInMemoryRecords::finishedTicketIsNoLongerSearching() {
    InMemoryRecords r;
    auto t = std::make_unique<TicketRecord>();
    t->seq = 4;
    t->coreId = 77;
    r.linkCoreId(77, 4);
    TicketRecord& rec = r.addTicket(std::move(t));
    QCOMPARE(r.searching(77), &rec);
    r.ticketFinished(rec);
    QCOMPARE(r.searching(77), nullptr);
    QCOMPARE(rec.coreId, TicketId(0));
    QCOMPARE(r.ticket(4), &rec);
}

void TestInMemoryRecords::readBackNeverReplaces() {
    InMemoryRecords r;
    addMatch(r, 3);
    r.match(3)->winnerTeam = 1;  // a result reported while the read was under way
    MatchRecord stale;
    stale.seq = 3;
    QCOMPARE(r.adoptMatch(stale).winnerTeam, 1);

    addFinishedTicket(r, 8);
    TicketRecord readBack;
    readBack.seq = 8;
    readBack.state = TicketState::Expired;
    QCOMPARE(r.adoptTicket(readBack).state, TicketState::Matched);

    TicketRecord fresh;
    fresh.seq = 9;
    fresh.state = TicketState::Cancelled;
    QCOMPARE(r.adoptTicket(fresh).state, TicketState::Cancelled);
    QCOMPARE(r.tickets(), std::size_t(2));
}

void TestInMemoryRecords::readBackIsForgottenInTurn() {
    InMemoryRecords r;
    r.setLimits(1, 1);
    TicketRecord t;
    t.seq = 5;
    t.state = TicketState::Expired;
    r.adoptTicket(t);
    MatchRecord m;
    m.seq = 6;
    r.adoptMatch(m);
    addFinishedTicket(r, 10);
    addMatch(r, 11);
    r.trim();
    QVERIFY(!r.ticket(5));
    QVERIFY(!r.match(6));
    QVERIFY(r.ticket(10));
    QVERIFY(r.match(11));
}

void TestInMemoryRecords::ratings() {
    InMemoryRecords r;
    QVERIFY(!r.rating("p1").has_value());
    r.setRating("p1", Rating{30, 5});
    r.setRating("p1", Rating{31, 4});
    QCOMPARE(r.rating("p1")->mu, 31.0);
    QCOMPARE(r.ratings(), std::size_t(1));
}

QTEST_GUILESS_MAIN(TestInMemoryRecords)
#include "tst_inmemoryrecords.moc"
