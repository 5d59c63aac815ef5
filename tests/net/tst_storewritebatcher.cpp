// Request writes on their way to the group-commit store: everything asked for
// in one event-loop pass goes in one submit (one store batch), every request
// hears about its own writes only, in order, and a refused request fails
// alone while the others of its batch commit.
#include "net/server/StoreWriteBatcher.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {
TicketRow ticket(qint64 seq) {
    TicketRow r;
    r.seq = seq;
    r.queue = u"solo"_s;
    r.players = "[]";
    r.state = u"searching"_s;
    r.createdMs = 1000 + seq;
    r.updatedMs = r.createdMs;
    return r;
}
}  // namespace

class TestStoreWriteBatcher : public QObject {
    Q_OBJECT
private slots:
    void onePassIsOneBatch_data();
    void onePassIsOneBatch();
    void refusedRequestFailsAlone_data();
    void refusedRequestFailsAlone();
    void flushNowSkipsTheWait();

private:
    bool openStore(GroupCommitStore& store) {
        QString error;
        const bool ok = store.open({m_dir.filePath(u"s%1.sqlite"_s.arg(++m_n))}, nullptr, &error);
        if (!ok)
            qWarning() << error;
        return ok;
    }
    QTemporaryDir m_dir;
    int m_n = 0;
};

void TestStoreWriteBatcher::onePassIsOneBatch_data() {
    QTest::addColumn<int>("requests");
    QTest::addRow("one") << 1;
    QTest::addRow("fifty") << 50;
}

void TestStoreWriteBatcher::onePassIsOneBatch() {
    QFETCH(int, requests);
    GroupCommitStore store;
    QVERIFY(openStore(store));
    StoreWriteBatcher batcher(&store);
    QVERIFY(batcher.idle());
    std::vector<int> order;
    for (int i = 1; i <= requests; ++i)
        batcher.submitThen({InsertTicket{ticket(i)}}, [&order, i](bool ok, const QString&) {
            if (ok)
                order.push_back(i);
        });
    // Gathered, not yet with the store: counted as backlog all the same.
    QCOMPARE(batcher.backlog(), quint64(requests));
    QVERIFY(!batcher.idle());
    QCOMPARE(store.batches(), quint64(0));
    QTRY_COMPARE(int(order.size()), requests);
    QCOMPARE(store.batches(), quint64(1));
    for (int i = 0; i < requests; ++i)
        QCOMPARE(order[std::size_t(i)], i + 1);
    QVERIFY(batcher.idle());
    QVERIFY(batcher.storeHealthy());
    QCOMPARE(batcher.backlog(), quint64(0));
}

void TestStoreWriteBatcher::refusedRequestFailsAlone_data() {
    QTest::addColumn<QList<qint64>>("seqs");  // one ticket insert per request
    QTest::addColumn<QList<bool>>("ok");
    QTest::addRow("duplicate last") << QList<qint64>{1, 2, 1} << QList<bool>{true, true, false};
    QTest::addRow("duplicate in the middle")
        << QList<qint64>{5, 5, 6} << QList<bool>{true, false, true};
}

void TestStoreWriteBatcher::refusedRequestFailsAlone() {
    QFETCH(QList<qint64>, seqs);
    QFETCH(QList<bool>, ok);
    GroupCommitStore store;
    QVERIFY(openStore(store));
    StoreWriteBatcher batcher(&store);
    QList<bool> heard(seqs.size(), false);
    QList<bool> got(seqs.size(), false);
    for (qsizetype i = 0; i < seqs.size(); ++i)
        batcher.submitThen({InsertTicket{ticket(seqs[i])}},
                           [&heard, &got, i](bool committed, const QString&) {
                               heard[i] = true;
                               got[i] = committed;
                           });
    QTRY_VERIFY(batcher.idle());
    QCOMPARE(heard, QList<bool>(seqs.size(), true));
    QCOMPARE(got, ok);
}

void TestStoreWriteBatcher::flushNowSkipsTheWait() {
    GroupCommitStore store;
    QVERIFY(openStore(store));
    StoreWriteBatcher batcher(&store);
    batcher.submitThen({InsertTicket{ticket(1)}}, nullptr);
    // A read-back must see this write: flush hands it to the store at once.
    batcher.flush();
    QCOMPARE(batcher.backlog(), store.backlog());
    store.waitForIdle();
    QCOMPARE(store.writesCommitted(), quint64(1));
    QTRY_VERIFY(batcher.idle());
}

QTEST_GUILESS_MAIN(TestStoreWriteBatcher)
#include "tst_storewritebatcher.moc"
