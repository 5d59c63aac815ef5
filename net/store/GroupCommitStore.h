// The store of pulsco-matchd on its own thread: SQLite (WAL,
// synchronous=FULL), or PostgreSQL (synchronous_commit=on) when the path is
// a postgresql:// URL.
// Writes are queued in order; the store thread applies everything queued so
// far in ONE transaction (one fsync), then reports the batch as committed.
// While a commit runs, new writes pile up and form the next batch, so the
// batch size grows with load and durability costs one flush per batch, not
// per request.
//
// Failure isolation: the writes of one submit() call are a group (one
// request's writes). When a write of one group is refused (a constraint),
// the batch is redone with a savepoint per group, so only that group fails
// and the other requests' writes still commit. When the disk itself fails
// (full, read-only, I/O error) every group of the batch fails, none is
// acknowledged, the connection is closed (a connection SQLite opened
// read-only stays read-only) and the next batch opens it again, so service
// resumes by itself once the disk is back. One log line names the data
// directory and the OS error when failures start (or their reason changes),
// one more at most every 30 s while they last, and one when writes succeed
// again.
//
// The integrity audit's consistent cut (readAtCut) is read on a second,
// read-only connection owned by a reader thread of its own: between two
// batches the store thread hands the read over and waits only until the
// reader has pinned a WAL snapshot (BEGIN and a first SELECT), then goes on
// committing while the reader reads inside that snapshot. So the read sees
// exactly the writes queued before it and holds no commit for its length.
#pragma once

#include "net/store/StoreAddress.h"
#include "net/store/StoreRows.h"

#include <QObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

namespace pulsco {

// What the store found on disk when it opened, for the server to resume from.
struct StoreRecovery {
    std::vector<TicketRow> searchingTickets;  // oldest first
    std::vector<RatingRow> ratings;
    qint64 maxTicketSeq = 0;
    qint64 maxMatchSeq = 0;
    int schemaVersionFound = 0;  // before migrating up
    // The up intervals of the last kUpHistoryDays, oldest first, and the
    // largest interval id ever used.
    std::vector<UpIntervalRow> upIntervals;
    qint64 maxUpIntervalId = 0;
    static constexpr int kUpHistoryDays = 35;
};

class GroupCommitStore : public QObject {
    Q_OBJECT
public:
    struct Options {
        // The SQLite database file, or a postgresql://user@host:port/db URL
        // (net/store/StoreAddress.h): the same schema, batches and contract.
        QString path;
        int maxBatch = 8192;      // writes per transaction at most
        bool loadRatings = true;  // ratings into StoreRecovery
    };

    explicit GroupCommitStore(QObject* parent = nullptr);
    ~GroupCommitStore() override;  // finishes queued writes, then closes

    // Opens (creating if needed), migrates to the latest schema and reads the
    // recovery state, on the store thread. False and *error when it cannot.
    bool open(const Options& options, StoreRecovery* recovery, QString* error);
    bool isOpen() const { return m_thread.joinable(); }

    // Queues writes; returns the token that batchCommitted will cover.
    quint64 submit(std::vector<StoreWrite> writes);
    quint64 submit(StoreWrite write);
    // Several requests' writes in one call (one lock, one wake-up), each
    // request its own group, so one refused request fails alone. Returns
    // the last token of every group, in order (for an empty group, the
    // token before it).
    std::vector<quint64> submitGroups(std::vector<std::vector<StoreWrite>> groups);
    // Runs `read` on the store thread after every write queued before it
    // (so it sees them). The function gets the store's connection and must
    // post its result back itself (QMetaObject::invokeMethod).
    quint64 read(std::function<void(QSqlDatabase&)> read);
    // The integrity audit's consistent cut: `read` sees exactly the writes
    // queued before it, none queued after (a plain read runs after its whole
    // batch's commit, which may hold later writes). The batch it joins ends
    // with it; then, before the next commit, a reader thread begins a read
    // transaction on its own read-only connection and pins the snapshot
    // there (WAL: a reader's snapshot is fixed by its first SELECT). `read`
    // then runs on that reader thread, inside that transaction, while the
    // store commits on: the store thread waits for the pin only, not for the
    // read. `db` is the read connection (only to be used inside `read`);
    // when no snapshot could be taken, `error` says why and `db` must not be
    // used. Cut reads are served one at a time: one queued while another
    // still reads waits for it at the cut, holding commits meanwhile (the
    // audit runs one at a time). The token is acknowledged once the snapshot
    // is pinned, so waitForIdle() does not wait for the read itself.
    using CutRead = std::function<void(QSqlDatabase& db, const QString& error)>;
    quint64 readAtCut(CutRead read);

    // Drill fault: every commit takes this much longer.
    void setExtraLatencyMs(int ms) { m_extraLatencyMs.store(ms); }

    quint64 lastCommittedToken() const { return m_committedToken.load(); }
    // Writes queued or being committed right now (for backpressure).
    quint64 backlog() const { return m_lastTokenSeen.load() - m_committedToken.load(); }
    quint64 batches() const { return m_batches.load(); }
    quint64 writesCommitted() const { return m_writes.load(); }
    double commitSecondsTotal() const { return double(m_commitNanos.load()) / 1e9; }
    // Waits until everything queued so far is committed (tests, shutdown).
    void waitForIdle();

signals:
    // Every token in (previousLast, lastToken] is done; ok false means those
    // writes were rolled back (error says why, already logged).
    void batchCommitted(quint64 lastToken, bool ok, const QString& error);

private:
    struct Item {
        quint64 token;
        quint64 groupEnd;  // token of the last write of the same submit()
        std::variant<StoreWrite, std::function<void(QSqlDatabase&)>, CutRead> work;
        bool endsBatch = false;  // readAtCut
    };
    template <class Read>
    quint64 queueRead(Read read, bool endsBatch);
    struct Statements;

    void run(Options options, StoreRecovery* recovery, QString* error, std::promise<bool>* opened);
    struct Outcome {
        quint64 lastToken;
        bool ok;
        QString error;
    };

    bool openOnThread(const Options& options, StoreRecovery* recovery, QString* error);
    // Opens the connection with the store's pragmas and the latest schema.
    bool openConnection(QSqlError* sqlError, QString* error);
    bool apply(Statements& st, const StoreWrite& write, QSqlError* error);
    // Applies the batch in one transaction; the outcome of every group.
    std::vector<Outcome> commitBatch(QSqlDatabase& db, std::unique_ptr<Statements>& st,
                                     std::vector<Item>& batch);
    std::vector<Outcome> commitIsolated(QSqlDatabase& db, Statements& st, std::vector<Item>& batch,
                                        bool* diskFailed, QSqlError* diskError);
    // Rate-limited log lines about the data directory's health.
    // Returns the OS's reason (probed at most once a second).
    QString noteDiskFailure(const QString& dataDir, const QSqlError& error);
    void noteDiskHealthy(const QString& dataDir);
    void stop();

    std::thread m_thread;
    QString m_connectionName;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    std::deque<Item> m_queue;
    quint64 m_lastToken = 0;
    bool m_stopping = false;
    std::atomic<quint64> m_committedToken{0};
    std::atomic<quint64> m_lastTokenSeen{0};  // m_lastToken, readable without the lock
    std::atomic<quint64> m_batches{0};
    std::atomic<quint64> m_writes{0};
    std::atomic<quint64> m_commitNanos{0};
    std::atomic<int> m_extraLatencyMs{0};

    // Store thread only.
    bool m_diskFailing = false;
    quint64 m_refusedBatches = 0;
    qint64 m_lastDiskLogMs = 0;
    qint64 m_lastProbeMs = 0;
    QString m_diskReason;
    QString m_lastDiskErrorCode;
    bool m_reconnect = false;
    // PostgreSQL: while the server is gone, connection attempts back off
    // (0.1 s doubling to 2 s); batches in between fail at once (503).
    qint64 m_nextConnectMs = 0;
    int m_connectBackoffMs = 0;
    StoreAddress m_address;  // set by open() before the store thread starts
};

}  // namespace pulsco
