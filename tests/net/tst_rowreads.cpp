// The read-backs of net/store/RowReads: a ticket's and a match's row as the
// store holds them (after every write queued before the read), nothing for
// a seq never written, and no answer for a receiver that is gone.
#include "net/store/GroupCommitStore.h"
#include "net/store/RowReads.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

// Runs one asynchronous read (readTicketRow or readMatchRow) and waits for
// its answer; nullopt in the outer optional means it never answered.
template <typename Row, typename Read>
std::optional<std::optional<Row>> awaitRead(Read read, GroupCommitStore& store, qint64 seq,
                                            QObject* receiver) {
    bool answered = false;
    std::optional<Row> row;
    read(store, seq, receiver, [&](std::optional<Row> r, const QString& error) {
        answered = true;
        row = std::move(r);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    });
    if (!QTest::qWaitFor([&] { return answered; }, 5000))
        return std::nullopt;
    return row;
}

}  // namespace

class TestRowReads : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void ticket_data();
    void ticket();
    void match_data();
    void match();
    void goneReceiverHearsNothing();

private:
    QTemporaryDir m_dir;
    GroupCommitStore m_store;
};

void TestRowReads::initTestCase() {
    QString error;
    QVERIFY2(m_store.open({m_dir.filePath(u"rows.sqlite"_s)}, nullptr, &error), qPrintable(error));
    TicketRow t;
    t.seq = 1;
    t.queue = u"solo"_s;
    t.players = "[]";
    t.state = u"searching"_s;
    t.createdMs = 1700000000000;
    t.updatedMs = t.createdMs;
    MatchRow m;
    m.seq = 1;
    m.queue = u"solo"_s;
    m.region = u"eu"_s;
    m.detail = R"({"match_id":"m1"})";
    m.createdMs = 1700000000500;
    MatchRow m2 = m;
    m2.seq = 2;
    m2.detail = R"({"match_id":"m2"})";
    // Queued, not waited for: the reads must come after them anyway.
    m_store.submit({InsertTicket{t}, InsertMatch{m}, InsertMatch{m2},
                    UpdateTicketState{1, u"matched"_s, 1, 2345, 1700000002345},
                    SetMatchResult{2, 1, 1700000009000}});
}

void TestRowReads::ticket_data() {
    QTest::addColumn<qint64>("seq");
    QTest::addColumn<bool>("found");
    QTest::addRow("written, then updated") << qint64(1) << true;
    QTest::addRow("never written") << qint64(99) << false;
}

void TestRowReads::ticket() {
    QFETCH(qint64, seq);
    QFETCH(bool, found);
    const auto answer = awaitRead<TicketRow>(readTicketRow, m_store, seq, this);
    QVERIFY(answer.has_value());
    const std::optional<TicketRow>& row = *answer;
    QCOMPARE(row.has_value(), found);
    if (!found)
        return;
    QCOMPARE(row->seq, seq);
    QCOMPARE(row->queue, u"solo"_s);
    QCOMPARE(row->state, u"matched"_s);
    QCOMPARE(row->matchSeq, qint64(1));
    QCOMPARE(row->createdMs, qint64(1700000000000));
    QCOMPARE(row->waitMs, qint64(2345));
}

void TestRowReads::match_data() {
    QTest::addColumn<qint64>("seq");
    QTest::addColumn<bool>("found");
    QTest::addColumn<int>("winnerTeam");
    QTest::addRow("no result yet") << qint64(1) << true << -1;
    QTest::addRow("with a result") << qint64(2) << true << 1;
    QTest::addRow("never written") << qint64(3) << false << -1;
}

void TestRowReads::match() {
    QFETCH(qint64, seq);
    QFETCH(bool, found);
    const auto answer = awaitRead<MatchRow>(readMatchRow, m_store, seq, this);
    QVERIFY(answer.has_value());
    const std::optional<MatchRow>& row = *answer;
    QCOMPARE(row.has_value(), found);
    if (!found)
        return;
    QCOMPARE(row->seq, seq);
    QCOMPARE(row->detail, R"({"match_id":"m)" + QByteArray::number(seq) + R"("})");
    QTEST(row->winnerTeam, "winnerTeam");
}

void TestRowReads::goneReceiverHearsNothing() {
    bool answered = false;
    auto* receiver = new QObject;
    readTicketRow(m_store, 1, receiver,
                  [&](std::optional<TicketRow>, const QString&) { answered = true; });
    delete receiver;
    // A read behind it that does answer: by then the first one would have.
    bool later = false;
    readTicketRow(m_store, 1, this,
                  [&](std::optional<TicketRow>, const QString&) { later = true; });
    QTRY_VERIFY(later);
    QVERIFY(!answered);
}

QTEST_GUILESS_MAIN(TestRowReads)
#include "tst_rowreads.moc"
