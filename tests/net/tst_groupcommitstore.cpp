// The group-commit store: writes queued together commit together, are
// acknowledged in order, survive reopening, and a request whose writes are
// refused fails alone: the other requests of its batch still commit.
// (Disk-level failures, which fail the whole batch, are tested on a real
// full or read-only tmpfs in tests/hardening/tst_diskfaults.)
#include "net/store/AuditRows.h"
#include "net/store/GroupCommitStore.h"
#include "net/store/Migrations.h"
#include "support/TestStore.h"

#include <QFile>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <condition_variable>
#include <map>
#include <mutex>

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
private slots:
    void oneSubmitIsOneTransaction_data();
    void oneSubmitIsOneTransaction();
    void acknowledgesEveryTokenInOrder();
    void reopenRecoversState();
    void refusedRequestFailsAlone_data();
    void refusedRequestFailsAlone();
    void groupsAreNeverSplitAcrossBatches();
    void groupsOfOneCallFailAlone();
    void readSeesEarlierWrites();
    void readAtCutSeesNothingLater_data();
    void readAtCutSeesNothingLater();
    void cutReadHoldsNoCommit_data();
    void cutReadHoldsNoCommit();
    void cutReadWithoutSnapshotSaysWhy();
    void auditRowsNameEveryState();
    void badPathIsRefused();

private:
    QTemporaryDir m_dir;
    int m_n = 0;
    // A new SQLite file, or a new PostgreSQL database in the store-variant
    // run (support/TestStore.h; the variant runs the functions that are not
    // about SQLite's files, see tests/net/CMakeLists.txt).
    QString freshPath() {
        QString error;
        const QString path =
            pulsco::test::TestStore::fresh(m_dir.filePath(u"store%1.sqlite"_s.arg(++m_n)), &error);
        if (path.isEmpty())
            qFatal("%s", qPrintable(error));
        return path;
    }
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
    QCOMPARE(recovery.schemaVersionFound, latestSchemaVersion());
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

namespace {
// The outcome of every token from the batchCommitted signals: each signal
// covers the tokens after the previous signal's up to its own.
std::map<quint64, bool> outcomesByToken(const QSignalSpy& spy) {
    std::map<quint64, bool> out;
    quint64 previous = 0;
    for (const auto& args : spy) {
        const quint64 last = args.at(0).toULongLong();
        for (quint64 t = previous + 1; t <= last; ++t)
            out[t] = args.at(1).toBool();
        previous = last;
    }
    return out;
}

QList<qint64> storedSeqs(GroupCommitStore& store) {
    QList<qint64> seqs;
    std::atomic<bool> done{false};
    store.read([&](QSqlDatabase& db) {
        QSqlQuery q(db);
        q.exec(u"SELECT seq FROM tickets ORDER BY seq"_s);
        while (q.next())
            seqs << q.value(0).toLongLong();
        done = true;
    });
    store.waitForIdle();  // the read ran on the store thread before this returns
    return done ? seqs : QList<qint64>{-1};
}

// Holds whatever calls wait() (the store thread, a cut read) until
// released. hold(): the store thread, so the submits made meanwhile all
// land in the next batch.
struct StoreGate {
    std::mutex mutex;
    std::condition_variable cv;
    bool open = false;
    std::atomic<bool> entered{false};
    void wait() {
        entered = true;
        std::unique_lock lock(mutex);
        cv.wait(lock, [this] { return open; });
    }
    void hold(GroupCommitStore& store) {
        store.read([this](QSqlDatabase&) { wait(); });
    }
    void release() {
        {
            std::lock_guard lock(mutex);
            open = true;
        }
        cv.notify_all();
    }
};
}  // namespace

void TestGroupCommitStore::refusedRequestFailsAlone_data() {
    // Each request inserts tickets; a seq of 1 collides with the ticket
    // stored beforehand (a refused write). Two-ticket requests check that a
    // request is all or nothing.
    QTest::addColumn<QList<QList<qint64>>>("requests");
    QTest::addColumn<QList<bool>>("accepted");
    QTest::addColumn<QList<qint64>>("stored");
    QTest::addRow("bad first") << QList<QList<qint64>>{{1}, {2}, {3}}
                               << QList<bool>{false, true, true} << QList<qint64>{1, 2, 3};
    QTest::addRow("bad middle") << QList<QList<qint64>>{{2}, {1}, {3}}
                                << QList<bool>{true, false, true} << QList<qint64>{1, 2, 3};
    QTest::addRow("bad last") << QList<QList<qint64>>{{2}, {3}, {1}}
                              << QList<bool>{true, true, false} << QList<qint64>{1, 2, 3};
    QTest::addRow("all bad") << QList<QList<qint64>>{{1}, {1}} << QList<bool>{false, false}
                             << QList<qint64>{1};
    QTest::addRow("two-write request, second write bad")
        << QList<QList<qint64>>{{2}, {4, 1}, {5}} << QList<bool>{true, false, true}
        << QList<qint64>{1, 2, 5};
    QTest::addRow("two bad around good")
        << QList<QList<qint64>>{{1}, {6, 7}, {1}, {8}} << QList<bool>{false, true, false, true}
        << QList<qint64>{1, 6, 7, 8};
    QTest::addRow("dup inside one batch")
        << QList<QList<qint64>>{{2}, {2}, {3}} << QList<bool>{true, false, true}
        << QList<qint64>{1, 2, 3};
}

void TestGroupCommitStore::refusedRequestFailsAlone() {
    QFETCH(QList<QList<qint64>>, requests);
    QFETCH(QList<bool>, accepted);
    QFETCH(QList<qint64>, stored);
    GroupCommitStore store;
    QString error;
    QVERIFY2(store.open({freshPath()}, nullptr, &error), qPrintable(error));
    QSignalSpy spy(&store, &GroupCommitStore::batchCommitted);
    const quint64 first = store.submit(InsertTicket{ticket(1)});
    QTRY_COMPARE(store.lastCommittedToken(), first);
    StoreGate gate;
    gate.hold(store);
    QTRY_VERIFY(gate.entered.load());
    const quint64 batchesBefore = store.batches();
    QList<quint64> tokens;
    for (const auto& request : requests) {
        std::vector<StoreWrite> writes;
        for (qint64 seq : request)
            writes.push_back(InsertTicket{ticket(seq)});
        tokens << store.submit(std::move(writes));
    }
    QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(u"store: .*refused the writes of"_s));
    gate.release();
    QTRY_COMPARE(store.lastCommittedToken(), tokens.last());
    QTRY_VERIFY(!spy.isEmpty() && spy.last().at(0).toULongLong() == tokens.last());
    QCOMPARE(store.batches(), batchesBefore + 2);  // the gate's batch, then all requests in one
    const auto outcomes = outcomesByToken(spy);
    for (int i = 0; i < tokens.size(); ++i)
        QVERIFY2(outcomes.at(tokens[i]) == accepted[i], qPrintable(u"request %1"_s.arg(i)));
    for (const auto& args : spy)
        if (!args.at(1).toBool())
            QVERIFY2(args.at(2).toString().contains(u"write refused"_s),
                     qPrintable(args.at(2).toString()));
    QCOMPARE(storedSeqs(store), stored);
    // Still serving afterwards.
    const quint64 later = store.submit(InsertTicket{ticket(100)});
    QTRY_COMPARE(store.lastCommittedToken(), later);
    QTRY_VERIFY(outcomesByToken(spy).count(later) && outcomesByToken(spy).at(later));
}

void TestGroupCommitStore::groupsAreNeverSplitAcrossBatches() {
    // maxBatch 4 with requests of 3 writes: a batch takes whole requests, so
    // a request never half-commits.
    GroupCommitStore store;
    GroupCommitStore::Options options;
    options.path = freshPath();
    options.maxBatch = 4;
    QString error;
    QVERIFY2(store.open(options, nullptr, &error), qPrintable(error));
    QSignalSpy spy(&store, &GroupCommitStore::batchCommitted);
    StoreGate gate;
    gate.hold(store);
    QTRY_VERIFY(gate.entered.load());
    QList<quint64> ends;
    for (int r = 0; r < 5; ++r) {
        std::vector<StoreWrite> writes;
        for (int i = 1; i <= 3; ++i)
            writes.push_back(InsertTicket{ticket(r * 10 + i)});
        ends << store.submit(std::move(writes));
    }
    gate.release();
    QTRY_COMPARE(store.lastCommittedToken(), ends.last());
    QTRY_VERIFY(!spy.isEmpty() && spy.last().at(0).toULongLong() == ends.last());
    for (const auto& args : spy)
        QVERIFY2(args.at(0).toULongLong() == 1 || ends.contains(args.at(0).toULongLong()),
                 qPrintable(u"a batch ended at token %1, inside a request"_s.arg(
                     args.at(0).toULongLong())));
    QCOMPARE(storedSeqs(store).size(), 15);
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

// Writes queued before and after a read while the store thread is held, so
// all land in one batch: a plain read runs after that whole batch's commit
// and sees the later writes too; a cut read ends its batch and sees exactly
// the earlier ones (the integrity audit's consistent cut).
void TestGroupCommitStore::readAtCutSeesNothingLater_data() {
    QTest::addColumn<bool>("cut");
    QTest::addColumn<int>("seen");
    QTest::addRow("plain read") << false << 20;
    QTest::addRow("cut read") << true << 10;
}

void TestGroupCommitStore::readAtCutSeesNothingLater() {
    QFETCH(bool, cut);
    QFETCH(int, seen);
    GroupCommitStore store;
    QString error;
    QVERIFY2(store.open({freshPath()}, nullptr, &error), qPrintable(error));
    StoreGate gate;
    gate.hold(store);
    QTRY_VERIFY(gate.entered.load());
    for (int i = 1; i <= 10; ++i)
        store.submit(InsertTicket{ticket(i)});
    std::atomic<int> counted{-1};
    const auto count = [&](QSqlDatabase& db) {
        QSqlQuery q(db);
        q.exec(u"SELECT COUNT(*) FROM tickets"_s);
        q.next();
        counted = q.value(0).toInt();
    };
    if (cut)
        store.readAtCut([&](QSqlDatabase& db, const QString& error) {
            if (error.isEmpty())
                count(db);
        });
    else
        store.read(count);
    for (int i = 11; i <= 20; ++i)
        store.submit(InsertTicket{ticket(i)});
    gate.release();
    store.waitForIdle();
    // A cut read finishes on the reader thread, maybe after waitForIdle.
    QTRY_COMPARE(counted.load(), seen);
    QCOMPARE(storedSeqs(store).size(), 20);  // the later writes were not held back
}

namespace {
int countTickets(QSqlDatabase& db) {
    QSqlQuery q(db);
    return q.exec(u"SELECT COUNT(*) FROM tickets"_s) && q.next() ? q.value(0).toInt() : -1;
}
}  // namespace

// The audit's read runs on a connection of its own: while it is held (as if
// reading a large database slowly), writes queued after the cut commit one
// batch after another, and the read, run only after they committed, still
// sees none of them (its snapshot was pinned at the cut). The next cut sees
// them all: the read transaction ended.
void TestGroupCommitStore::cutReadHoldsNoCommit_data() {
    QTest::addColumn<int>("laterBatches");
    QTest::addRow("one commit during the read") << 1;
    QTest::addRow("five commits during the read") << 5;
}

void TestGroupCommitStore::cutReadHoldsNoCommit() {
    QFETCH(int, laterBatches);
    // What the reads write outlives the store, whose destructor waits for them.
    // Holds the cut read inside its snapshot; released on every way out of
    // the test, so the store's destructor never waits on it.
    StoreGate gate;
    std::atomic<int> seen{-1};
    std::atomic<bool> writeRefused{false};
    std::atomic<bool> done{false};
    QString cutError;  // written before `done`, read after it
    std::atomic<int> next{-1};
    GroupCommitStore store;
    const auto releaseOnExit = qScopeGuard([&] { gate.release(); });
    QString error;
    QVERIFY2(store.open({freshPath()}, nullptr, &error), qPrintable(error));
    std::vector<StoreWrite> before;
    for (int i = 1; i <= 10; ++i)
        before.push_back(InsertTicket{ticket(i)});
    store.submit(std::move(before));

    store.readAtCut([&](QSqlDatabase& db, const QString& e) {
        cutError = e;
        if (e.isEmpty()) {
            // Held before its first statement: what it sees can only be the
            // snapshot the store pinned at the cut, not one taken later.
            gate.wait();
            seen = countTickets(db);
            // The audit's connection is read-only: it cannot change what it checks.
            QSqlQuery write(db);
            writeRefused = !write.exec(u"DELETE FROM tickets"_s);
        }
        done = true;
    });
    QTRY_VERIFY(gate.entered.load() || done.load());
    if (done.load())
        QFAIL(qPrintable(u"no snapshot at the cut: "_s + cutError));

    for (int b = 1; b <= laterBatches; ++b) {
        const quint64 token = store.submit(InsertTicket{ticket(100 + b)});
        // Committed while the read is still held: the read holds no commit.
        QTRY_COMPARE_WITH_TIMEOUT(store.lastCommittedToken(), token, 2000);
    }
    QVERIFY(!done.load());
    QCOMPARE(storedSeqs(store).size(), 10 + laterBatches);

    gate.release();
    QTRY_VERIFY(done.load());
    QVERIFY2(cutError.isEmpty(), qPrintable(cutError));
    QCOMPARE(seen.load(), 10);  // the cut's snapshot: none of the later commits
    QVERIFY(writeRefused.load());

    store.readAtCut(
        [&](QSqlDatabase& db, const QString& e) { next = e.isEmpty() ? countTickets(db) : -2; });
    QTRY_COMPARE(next.load(), 10 + laterBatches);
}

// The audit must never pass on rows it did not read: when the read
// connection cannot open (here the database file is gone from the directory,
// while the store still writes to the file it holds open), the cut read gets
// the reason instead of a snapshot, and the store commits on.
void TestGroupCommitStore::cutReadWithoutSnapshotSaysWhy() {
    std::atomic<bool> done{false};
    QString cutError;  // written before `done`, read after it
    const QString path = freshPath();
    GroupCommitStore store;
    QString error;
    QVERIFY2(store.open({path}, nullptr, &error), qPrintable(error));
    const quint64 first = store.submit(InsertTicket{ticket(1)});
    QTRY_COMPARE(store.lastCommittedToken(), first);
    for (const QString& suffix : {QString(), u"-wal"_s, u"-shm"_s})
        QFile::remove(path + suffix);
    store.readAtCut([&](QSqlDatabase&, const QString& e) {
        cutError = e;
        done = true;
    });
    QTRY_VERIFY(done.load());
    QVERIFY2(cutError.contains(u"cannot open the read connection"_s), qPrintable(cutError));
    const quint64 later = store.submit(InsertTicket{ticket(2)});
    QTRY_COMPARE(store.lastCommittedToken(), later);
}

void TestGroupCommitStore::badPathIsRefused() {
    GroupCommitStore store;
    QString error;
    QVERIFY(!store.open({m_dir.filePath(u"no/such/dir/x.sqlite"_s)}, nullptr, &error));
    QVERIFY2(error.contains(u"no/such/dir/x.sqlite: cannot open"_s), qPrintable(error));
    QVERIFY(!store.isOpen());
}

void TestGroupCommitStore::groupsOfOneCallFailAlone() {
    // What the server does: a whole event-loop turn of requests in one call,
    // each request its own group.
    GroupCommitStore store;
    QString error;
    QVERIFY2(store.open({freshPath()}, nullptr, &error), qPrintable(error));
    QSignalSpy spy(&store, &GroupCommitStore::batchCommitted);
    const quint64 first = store.submit(InsertTicket{ticket(1)});
    QTRY_COMPARE(store.lastCommittedToken(), first);
    std::vector<std::vector<StoreWrite>> groups(4);
    groups[0].push_back(InsertTicket{ticket(2)});
    groups[1].push_back(InsertTicket{ticket(3)});
    groups[1].push_back(InsertTicket{ticket(1)});  // refused: request 1 fails whole
    groups[3].push_back(InsertTicket{ticket(4)});  // groups[2] is empty
    QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(u"store: .*refused the writes of"_s));
    const std::vector<quint64> ends = store.submitGroups(std::move(groups));
    QCOMPARE(ends, (std::vector<quint64>{first + 1, first + 3, first + 3, first + 4}));
    QTRY_COMPARE(store.lastCommittedToken(), ends.back());
    QTRY_VERIFY(!spy.isEmpty() && spy.last().at(0).toULongLong() == ends.back());
    const auto outcomes = outcomesByToken(spy);
    QCOMPARE(outcomes.at(ends[0]), true);
    QCOMPARE(outcomes.at(ends[1]), false);
    QCOMPARE(outcomes.at(ends[3]), true);
    QCOMPARE(storedSeqs(store), (QList<qint64>{1, 2, 4}));
}

// The audit reads each ticket's state as it is stored: the four states, and
// any other text as it is (for the check to name), in seq order.
void TestGroupCommitStore::auditRowsNameEveryState() {
    GroupCommitStore store;
    QString error;
    QVERIFY2(store.open({freshPath()}, nullptr, &error), qPrintable(error));
    std::vector<StoreWrite> writes;
    const QStringList states{u"cancelled"_s, u"searching"_s, u"matched"_s, u"expired"_s, u"lost"_s};
    for (int i = 0; i < states.size(); ++i)
        writes.push_back(InsertTicket{ticket(10 - i, states[i])});
    store.submit(std::move(writes));
    std::atomic<bool> done{false};
    StoreAuditRows rows;  // written before `done`
    store.readAtCut([&](QSqlDatabase& db, const QString& e) {
        if (e.isEmpty())
            rows = readAuditRows(db);
        else
            rows.error = e;
        done = true;
    });
    QTRY_VERIFY(done.load());
    QVERIFY2(rows.error.isEmpty(), qPrintable(rows.error));
    QCOMPARE(rows.tickets.size(), std::size_t(5));
    QStringList read;
    for (std::size_t i = 0; i < rows.tickets.size(); ++i) {
        QCOMPARE(rows.tickets[i].seq, qint64(6 + i));  // in seq order
        read << rows.tickets[i].state;
    }
    QCOMPARE(read,
             (QStringList{u"lost"_s, u"expired"_s, u"matched"_s, u"searching"_s, u"cancelled"_s}));
}

QTEST_GUILESS_MAIN(TestGroupCommitStore)
#include "tst_groupcommitstore.moc"
