// The SQLite store of pulsco-matchd (WAL, synchronous=FULL) on its own thread.
// Writes are queued in order; the store thread applies everything queued so
// far in ONE transaction (one fsync), then reports the batch as committed.
// While a commit runs, new writes pile up and form the next batch, so the
// batch size grows with load and durability costs one flush per batch, not
// per request.
#pragma once

#include "net/store/StoreRows.h"

#include <QObject>
#include <QSqlDatabase>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace pulsco {

// What the store found on disk when it opened, for the server to resume from.
struct StoreRecovery {
    std::vector<TicketRow> searchingTickets;  // oldest first
    std::vector<RatingRow> ratings;
    qint64 maxTicketSeq = 0;
    qint64 maxMatchSeq = 0;
    int schemaVersionFound = 0;  // before migrating up
};

class GroupCommitStore : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString path;             // the database file
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
    // Runs `read` on the store thread after every write queued before it
    // (so it sees them). The function gets the store's connection and must
    // post its result back itself (QMetaObject::invokeMethod).
    quint64 read(std::function<void(QSqlDatabase&)> read);

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

Q_SIGNALS:
    // Every token in (previousLast, lastToken] is done; ok false means those
    // writes were rolled back (error says why, already logged).
    void batchCommitted(quint64 lastToken, bool ok, const QString& error);

private:
    struct Item {
        quint64 token;
        std::variant<StoreWrite, std::function<void(QSqlDatabase&)>> work;
    };
    struct Statements;

    void run(Options options, StoreRecovery* recovery, QString* error, std::promise<bool>* opened);
    bool openOnThread(const Options& options, StoreRecovery* recovery, QString* error);
    bool apply(Statements& st, const StoreWrite& write, QString* error);
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
};

}  // namespace pulsco
