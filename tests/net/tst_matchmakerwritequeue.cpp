// The durability queue of the matchmaker's writes, against a recording fake
// of the store: one chunk in flight at a time, refused records rebuilt from
// memory and sent again with the next tick's writes, and the count behind
// pulsco_store_unwritten_updates, which must stay up while a retry is in
// flight and drop only once the rows are on disk.
#include "net/server/MatchmakerWriteQueue.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

// What the queue handed to the "store", in order, with their callbacks.
struct FakeStore {
    struct Group {
        std::vector<StoreWrite> writes;
        MatchmakerWriteQueue::Done done;
    };
    std::vector<Group> groups;  // submitted, not answered yet
    int flushes = 0;

    std::size_t writesInFlight() const {
        std::size_t n = 0;
        for (const Group& g : groups)
            n += g.writes.size();
        return n;
    }
    // Answers every group submitted so far (the queue may submit more from
    // inside the callbacks; those wait for the next call).
    void answerAll(bool ok) {
        std::vector<Group> now = std::move(groups);
        groups.clear();
        for (Group& g : now)
            if (g.done)
                g.done(ok, ok ? QString() : u"disk full"_s);
    }
};

struct Fixture {
    InMemoryRecords records;
    FakeStore store;
    MatchmakerWriteQueue queue{records,
                               [this](std::vector<StoreWrite> w, MatchmakerWriteQueue::Done d) {
                                   store.groups.push_back({std::move(w), std::move(d)});
                               },
                               [this] { ++store.flushes; }, [] { return qint64(1234); }};

    // A finished ticket in memory and the update a tick would queue for it.
    UpdateTicketState finishedTicket(qint64 seq) {
        auto t = std::make_unique<TicketRecord>();
        t->seq = seq;
        t->state = TicketState::Matched;
        t->matchSeq = 1;
        records.addTicket(std::move(t));
        return UpdateTicketState{seq, u"matched"_s, 1, 0, 1};
    }
    InsertMatch formedMatch(qint64 seq) {
        auto m = std::make_unique<MatchRecord>();
        m->seq = seq;
        m->queue = u"q"_s;
        records.addMatch(std::move(m));
        MatchRow row;
        row.seq = seq;
        return InsertMatch{row};
    }
};

std::vector<StoreWrite> ticketUpdates(Fixture& f, qint64 first, int count) {
    std::vector<StoreWrite> writes;
    for (qint64 seq = first; seq < first + count; ++seq)
        writes.push_back(f.finishedTicket(seq));
    return writes;
}

}  // namespace

class TestMatchmakerWriteQueue : public QObject {
    Q_OBJECT
private slots:
    void oneChunkInFlight_data();
    void oneChunkInFlight();
    void writtenRecordsLoseTheirMarks();
    void refusedRecordsCountUntilOnDisk();
    void retryGoesBeforeTheNextTicksWrites();
    void finalAttemptIsTheLast();
    void queuedAfterWaitsForEarlierChunks();
    void forgottenRecordsAreNotRetried();
};

void TestMatchmakerWriteQueue::oneChunkInFlight_data() {
    QTest::addColumn<int>("writes");
    QTest::addColumn<int>("chunks");
    QTest::addRow("none") << 0 << 0;
    QTest::addRow("one") << 1 << 1;
    QTest::addRow("exactly one chunk") << int(MatchmakerWriteQueue::kChunk) << 1;
    QTest::addRow("one more than a chunk") << int(MatchmakerWriteQueue::kChunk) + 1 << 2;
    QTest::addRow("three chunks") << int(3 * MatchmakerWriteQueue::kChunk) << 3;
}

void TestMatchmakerWriteQueue::oneChunkInFlight() {
    QFETCH(int, writes);
    QFETCH(int, chunks);
    Fixture f;
    f.queue.queue(ticketUpdates(f, 1, writes));
    int seen = 0;
    std::size_t total = 0;
    while (!f.store.groups.empty()) {
        ++seen;
        QVERIFY(f.store.writesInFlight() <= MatchmakerWriteQueue::kChunk);
        QCOMPARE(f.queue.queuedWrites(), std::size_t(writes) - total - f.store.writesInFlight());
        QVERIFY(!f.queue.idle());
        total += f.store.writesInFlight();
        f.store.answerAll(true);
    }
    QCOMPARE(seen, chunks);
    QCOMPARE(total, std::size_t(writes));
    QVERIFY(f.queue.idle());
    QCOMPARE(f.queue.queuedWrites(), std::size_t(0));
}

void TestMatchmakerWriteQueue::writtenRecordsLoseTheirMarks() {
    Fixture f;
    std::vector<StoreWrite> writes = ticketUpdates(f, 1, 2);
    writes.push_back(f.formedMatch(7));
    f.queue.queue(std::move(writes));
    // Not on disk yet: memory must keep them.
    QVERIFY(f.records.ticket(1)->unwritten);
    QVERIFY(f.records.match(7)->unwritten);
    f.store.answerAll(true);
    QVERIFY(!f.records.ticket(1)->unwritten);
    QVERIFY(!f.records.ticket(2)->unwritten);
    QVERIFY(!f.records.match(7)->unwritten);
    QCOMPARE(f.queue.refusedRecords(), std::size_t(0));
}

void TestMatchmakerWriteQueue::refusedRecordsCountUntilOnDisk() {
    Fixture f;
    std::vector<StoreWrite> writes = ticketUpdates(f, 1, 3);
    writes.push_back(f.formedMatch(9));
    f.queue.queue(std::move(writes));
    f.store.answerAll(false);
    QCOMPARE(f.queue.refusedRecords(), std::size_t(4));
    QVERIFY(f.records.ticket(2)->refused);
    QVERIFY(f.records.ticket(2)->unwritten);

    // The next tick sends them again; while that retry is in flight they are
    // still not on disk, so the count must not drop (it read 0 here once).
    f.queue.queue({});
    QCOMPARE(f.store.writesInFlight(), std::size_t(4));
    QCOMPARE(f.queue.refusedRecords(), std::size_t(4));

    // Refused again: still four, not eight.
    f.store.answerAll(false);
    QCOMPARE(f.queue.refusedRecords(), std::size_t(4));

    f.queue.queue({});
    f.store.answerAll(true);
    QCOMPARE(f.queue.refusedRecords(), std::size_t(0));
    QVERIFY(!f.records.ticket(2)->refused);
    QVERIFY(!f.records.match(9)->unwritten);
    QVERIFY(f.queue.idle());
}

void TestMatchmakerWriteQueue::retryGoesBeforeTheNextTicksWrites() {
    Fixture f;
    std::vector<StoreWrite> first;
    first.push_back(f.formedMatch(1));
    f.records.match(1)->winnerTeam = 1;  // a result reported while it was not on disk
    f.queue.queue(std::move(first));
    f.store.answerAll(false);

    f.queue.queue(ticketUpdates(f, 5, 1));
    QCOMPARE(f.store.groups.size(), std::size_t(1));
    const std::vector<StoreWrite>& sent = f.store.groups.front().writes;
    QCOMPARE(sent.size(), std::size_t(3));
    // The rebuilt match row, its result (which updated nothing on disk), then
    // the new tick's update.
    QVERIFY(std::holds_alternative<InsertMatch>(sent[0]));
    QCOMPARE(std::get<InsertMatch>(sent[0]).row.seq, qint64(1));
    QVERIFY(std::holds_alternative<SetMatchResult>(sent[1]));
    QCOMPARE(std::get<SetMatchResult>(sent[1]).winnerTeam, 1);
    QCOMPARE(std::get<SetMatchResult>(sent[1]).resultMs, qint64(1234));
    QVERIFY(std::holds_alternative<UpdateTicketState>(sent[2]));
    QCOMPARE(std::get<UpdateTicketState>(sent[2]).seq, qint64(5));
}

void TestMatchmakerWriteQueue::finalAttemptIsTheLast() {
    Fixture f;
    f.queue.queue(ticketUpdates(f, 1, 2));
    f.store.answerAll(false);
    f.queue.writeUnwrittenNow();
    QCOMPARE(f.store.writesInFlight(), std::size_t(2));
    f.store.answerAll(false);
    QCOMPARE(f.queue.refusedRecords(), std::size_t(2));
    // Shutting down: later ticks do not try them again.
    f.queue.queue({});
    QVERIFY(f.store.groups.empty());
    QCOMPARE(f.queue.refusedRecords(), std::size_t(2));
}

void TestMatchmakerWriteQueue::queuedAfterWaitsForEarlierChunks() {
    Fixture f;
    int calls = 0;
    bool lastOk = true;
    const auto done = [&](bool ok, const QString&) {
        ++calls;
        lastOk = ok;
    };
    // Nothing in flight: it goes at once, and hears how it went.
    f.queue.queueAfter({SetMatchResult{1, 0, 1}}, done);
    QCOMPARE(f.store.groups.size(), std::size_t(1));
    f.store.answerAll(false);
    QCOMPARE(calls, 1);
    QVERIFY(!lastOk);

    // Behind a chunk in flight (the match's own row), it waits for that chunk.
    f.queue.queue(ticketUpdates(f, 10, 1));
    f.queue.queueAfter({SetMatchResult{1, 0, 1}}, done);
    QCOMPARE(f.store.groups.size(), std::size_t(1));
    QVERIFY(std::holds_alternative<UpdateTicketState>(f.store.groups[0].writes[0]));
    QCOMPARE(f.queue.queuedWrites(), std::size_t(1));
    f.store.answerAll(true);
    QCOMPARE(calls, 1);
    QCOMPARE(f.store.groups.size(), std::size_t(1));
    QVERIFY(std::holds_alternative<SetMatchResult>(f.store.groups[0].writes[0]));
    f.store.answerAll(true);
    QCOMPARE(calls, 2);
    QVERIFY(lastOk);
    QVERIFY(f.queue.idle());
}

void TestMatchmakerWriteQueue::forgottenRecordsAreNotRetried() {
    Fixture f;
    f.queue.queue(ticketUpdates(f, 1, 2));
    f.store.answerAll(false);
    // A ticket whose own insert failed is erased from memory: nothing to
    // rebuild its write from, so the retry leaves it out.
    f.records.eraseTicket(1);
    f.queue.queue({});
    QCOMPARE(f.store.writesInFlight(), std::size_t(1));
    QCOMPARE(std::get<UpdateTicketState>(f.store.groups.front().writes[0]).seq, qint64(2));
}

QTEST_GUILESS_MAIN(TestMatchmakerWriteQueue)
#include "tst_matchmakerwritequeue.moc"
