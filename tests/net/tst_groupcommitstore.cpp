// The group-commit store: writes queued together commit together, are
// acknowledged in order, survive reopening, and a failed batch is rolled back
// whole while the store keeps working.
#include "net/store/GroupCommitStore.h"

#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {
TicketRow ticket(qint64 seq, const QString& state = u"searching"_s, qint64 createdMs = 0) {
    TicketRow r;
    r.seq = seq;
    r.queue = u"ranked-5v5"_s;
    r.players = R"([{"id":"p)" + QByteArray::number(seq) + R"("}])";
    r.state = state;
    r.createdMs = createdMs ? createdMs : 1000 + seq;
    r.updatedMs = r.createdMs;
    return r;
}
}  // namespace

class TestGroupCommitStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void oneSubmitIsOneTransaction_data();
    void oneSubmitIsOneTransaction();
    void acknowledgesEveryTokenInOrder();
    void reopenRecoversState();
    void failedBatchRollsBackWhole();
    void readSeesEarlierWrites();
    void badPathIsRefused();

private:
    QTemporaryDir m_dir;
    int m_n = 0;
    QString freshPath() { return m_dir.filePath(u"store%1.sqlite"_s.arg(++m_n)); }
};

void TestGroupCommitStore::oneSubmitIsOneTransaction_data() {
    QTest::addColumn<int>("writes");
    QTest::addColumn<int>("maxBatch");
    QTest::addColumn<int>("batches");
    QTest::addRow("1000 in one") << 1000 << 8192 << 1;
    QTest::addRow("1000 by 100") << 1000 << 100 << 10;
    QTest::addRow("7 by 3") << 7 << 3 << 3;
}

void TestGroupCommitStore::oneSubmitIsOneTransaction() {
    QFETCH(int, writes);
    QFETCH(int, maxBatch);
    GroupCommitStore store;
    GroupCommitStore::Options options;
    options.path = freshPath();
    options.maxBatch = maxBatch;
    StoreRecovery recovery;
    QString error;
    QVERIFY2(store.open(options, &recovery, &error), qPrintable(error));
    QSignalSpy spy(&store, &GroupCommitStore::batchCommitted);
    std::vector<StoreWrite> all;
    for (int i = 1; i <= writes; ++i)
        all.push_back(InsertTicket{ticket(i)});
    const quint64 token = store.submit(std::move(all));
    QTRY_COMPARE(store.lastCommittedToken(), token);
    QTEST(int(store.batches()), "batches");
    QTRY_COMPARE(spy.size(), store.batches());
    for (const auto& args : spy)
        QVERIFY(args.at(1).toBool());
    QCOMPARE(spy.last().at(0).toULongLong(), token);
}

void TestGroupCommitStore::acknowledgesEveryTokenInOrder() {
    GroupCommitStore store;
    GroupCommitStore::Options options;
    options.path = freshPath();
    QString error;
    QVERIFY2(store.open(options, nullptr, &error), qPrintable(error));
    QSignalSpy spy(&store, &GroupCommitStore::batchCommitted);
    quint64 last = 0;
    for (int i = 1; i <= 500; ++i) {
        const quint64 t = store.submit(InsertTicket{ticket(i)});
        QCOMPARE(t, last + 1);
        last = t;
    }
    QTRY_VERIFY(!spy.isEmpty() && spy.last().at(0).toULongLong() == last);
    quint64 previous = 0;
    for (const auto& args : spy) {
        QVERIFY(args.at(0).toULongLong() > previous);
        previous = args.at(0).toULongLong();
    }
    QVERIFY(quint64(spy.size()) <= last);
}

void TestGroupCommitStore::reopenRecoversState() {
    const QString path = freshPath();
    {
        GroupCommitStore store;
        QString error;
        QVERIFY2(store.open({path}, nullptr, &error), qPrintable(error));
        std::vector<StoreWrite> w;
        w.push_back(InsertTicket{ticket(3, u"searching"_s, 5000)});
        w.push_back(InsertTicket{ticket(1, u"searching"_s, 7000)});
        w.push_back(InsertTicket{ticket(2, u"searching"_s, 6000)});
        w.push_back(InsertTicket{ticket(4, u"searching"_s, 8000)});
        w.push_back(UpdateTicketState{4, u"matched"_s, 9, 1200, 9200});
        MatchRow m;
        m.seq = 9;
        m.queue = u"ranked-5v5"_s;
        m.region = u"eu-west"_s;
        m.detail = "{}";
        w.push_back(InsertMatch{m});
        w.push_back(UpsertRating{{u"p1"_s, 30, 5, 1}});
        w.push_back(UpsertRating{{u"p1"_s, 31, 4, 2}});
        store.submit(std::move(w));
        // The destructor finishes queued writes.
    }
    GroupCommitStore store;
    StoreRecovery recovery;
    QString error;
    QVERIFY2(store.open({path}, &recovery, &error), qPrintable(error));
    QCOMPARE(recovery.schemaVersionFound, 2);
    QCOMPARE(recovery.maxTicketSeq, 4);
    QCOMPARE(recovery.maxMatchSeq, 9);
    QCOMPARE(recovery.searchingTickets.size(), std::size_t(3));
    QCOMPARE(recovery.searchingTickets[0].seq, 3);  // oldest first
    QCOMPARE(recovery.searchingTickets[1].seq, 2);
    QCOMPARE(recovery.searchingTickets[2].seq, 1);
    QCOMPARE(recovery.searchingTickets[0].createdMs, 5000);
    QCOMPARE(recovery.searchingTickets[2].players, QByteArray(R"([{"id":"p1"}])"));
    QCOMPARE(recovery.ratings.size(), std::size_t(1));
    QCOMPARE(recovery.ratings[0].mu, 31.0);
    QCOMPARE(recovery.ratings[0].sigma, 4.0);
}

void TestGroupCommitStore::failedBatchRollsBackWhole() {
    const QString path = freshPath();
    GroupCommitStore store;
    QString error;
    QVERIFY2(store.open({path}, nullptr, &error), qPrintable(error));
    QSignalSpy spy(&store, &GroupCommitStore::batchCommitted);
    // Committed on its own first: a failing batch takes every write in it along.
    const quint64 first = store.submit(InsertTicket{ticket(1)});
    QTRY_COMPARE(store.lastCommittedToken(), first);
    std::vector<StoreWrite> bad;
    bad.push_back(InsertTicket{ticket(2)});
    bad.push_back(InsertTicket{ticket(1)});  // duplicate primary key
    QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(u"store: .*rolled back"_s));
    const quint64 badToken = store.submit(std::move(bad));
    QTRY_COMPARE(store.lastCommittedToken(), badToken);
    QTRY_VERIFY(!spy.isEmpty() && spy.last().at(0).toULongLong() == badToken);
    QCOMPARE(spy.last().at(1).toBool(), false);
    QVERIFY(spy.last().at(2).toString().contains(path));
    // Still serving: a later write commits.
    const quint64 good = store.submit(InsertTicket{ticket(3)});
    QTRY_VERIFY(spy.last().at(0).toULongLong() == good);
    QCOMPARE(spy.last().at(1).toBool(), true);
    QList<qint64> seqs;
    std::atomic<bool> done{false};
    store.read([&](QSqlDatabase& db) {
        QSqlQuery q(db);
        q.exec(u"SELECT seq FROM tickets ORDER BY seq"_s);
        while (q.next())
            seqs << q.value(0).toLongLong();
        done = true;
    });
    QTRY_VERIFY(done.load());
    QCOMPARE(seqs, (QList<qint64>{1, 3}));  // ticket 2 went with its batch
}

void TestGroupCommitStore::readSeesEarlierWrites() {
    GroupCommitStore store;
    QString error;
    QVERIFY2(store.open({freshPath()}, nullptr, &error), qPrintable(error));
    std::atomic<int> seen{-1};
    for (int i = 1; i <= 20; ++i)
        store.submit(InsertTicket{ticket(i)});
    store.read([&](QSqlDatabase& db) {
        QSqlQuery q(db);
        q.exec(u"SELECT COUNT(*) FROM tickets"_s);
        q.next();
        seen = q.value(0).toInt();
    });
    QTRY_COMPARE(seen.load(), 20);
}

void TestGroupCommitStore::badPathIsRefused() {
    GroupCommitStore store;
    QString error;
    QVERIFY(!store.open({m_dir.filePath(u"no/such/dir/x.sqlite"_s)}, nullptr, &error));
    QVERIFY2(error.contains(u"no/such/dir/x.sqlite: cannot open"_s), qPrintable(error));
    QVERIFY(!store.isOpen());
}

QTEST_GUILESS_MAIN(TestGroupCommitStore)
#include "tst_groupcommitstore.moc"
