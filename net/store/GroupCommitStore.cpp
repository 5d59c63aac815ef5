#include "net/store/GroupCommitStore.h"

#include "bridge/ThreadHandoff.h"
#include "net/store/Migrations.h"
#include "net/store/RowReads.h"
#include "net/store/StoreAddress.h"
#include "net/store/StoreFailure.h"

#include <QDateTime>
#include <QDebug>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <chrono>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {
std::atomic<int> connectionCounter{0};

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;
}  // namespace

// Prepared once per connection; SQLite re-parses nothing per write.
struct GroupCommitStore::Statements {
    explicit Statements(QSqlDatabase& db)
        : textForBytes(dialectOf(db) == SqlDialect::Postgresql)
        , insertTicket(db)
        , updateTicket(db)
        , insertMatch(db)
        , setResult(db)
        , upsertRating(db)
        , heartbeat(db) {}
    bool prepare(QString* error) {
        const std::pair<QSqlQuery*, QString> all[] = {
            {&insertTicket,
             u"INSERT INTO tickets (seq, queue, players, state, match_seq, created_ms, updated_ms, "
             "wait_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"_s},
            {&updateTicket,
             u"UPDATE tickets SET state = ?, match_seq = ?, wait_ms = ?, updated_ms = ? WHERE seq = ?"_s},
            {&insertMatch, u"INSERT INTO matches (seq, queue, region, detail, created_ms, "
                           u"winner_team, result_ms) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)"_s},
            {&setResult, u"UPDATE matches SET winner_team = ?, result_ms = ? WHERE seq = ?"_s},
            {&upsertRating,
             u"INSERT INTO ratings (player_id, mu, sigma, updated_ms) VALUES (?, ?, ?, ?) "
             "ON CONFLICT(player_id) DO UPDATE SET mu = excluded.mu, sigma = excluded.sigma, "
             "updated_ms = excluded.updated_ms"_s},
            {&heartbeat,
             u"INSERT INTO up_intervals (id, started_ms, last_beat_ms) VALUES (?, ?, ?) "
             "ON CONFLICT(id) DO UPDATE SET last_beat_ms = excluded.last_beat_ms"_s},
        };
        for (const auto& [q, sql] : all) {
            if (!q->prepare(sql)) {
                *error = q->lastError().text();
                return false;
            }
        }
        return true;
    }
    // The JSON columns are TEXT: SQLite takes the bytes as they are (no
    // UTF-16 round trip); QPSQL would send a QByteArray as bytea, stored in
    // a TEXT column as its escaped \x... hex text, so there they go as text.
    QVariant json(const QByteArray& bytes) const {
        return textForBytes ? QVariant(QString::fromUtf8(bytes)) : QVariant(bytes);
    }
    const bool textForBytes;
    QSqlQuery insertTicket, updateTicket, insertMatch, setResult, upsertRating, heartbeat;
};

GroupCommitStore::GroupCommitStore(QObject* parent)
    : QObject(parent)
    , m_connectionName(u"pulsco-store-%1"_s.arg(connectionCounter.fetch_add(1))) {}

GroupCommitStore::~GroupCommitStore() {
    stop();
}

bool GroupCommitStore::open(const Options& options, StoreRecovery* recovery, QString* error) {
    if (m_thread.joinable()) {
        *error = options.path + u": store already open"_s;
        return false;
    }
    const auto address = StoreAddress::parse(options.path, error);
    if (!address)
        return false;
    m_address = *address;
    std::promise<bool> opened;
    auto future = opened.get_future();
    m_stopping = false;
    m_thread = std::thread(
        [this, options, recovery, error, &opened] { run(options, recovery, error, &opened); });
    if (!future.get()) {
        m_thread.join();
        return false;
    }
    return true;
}

void GroupCommitStore::stop() {
    if (!m_thread.joinable())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

quint64 GroupCommitStore::submit(std::vector<StoreWrite> writes) {
    quint64 token = 0;
    {
        std::lock_guard lock(m_mutex);
        const quint64 groupEnd = m_lastToken + writes.size();
        for (auto& w : writes)
            m_queue.push_back({token = ++m_lastToken, groupEnd, std::move(w)});
        if (writes.empty())
            token = m_lastToken;
        m_lastTokenSeen.store(m_lastToken);
    }
    m_wake.notify_one();
    return token;
}

std::vector<quint64> GroupCommitStore::submitGroups(std::vector<std::vector<StoreWrite>> groups) {
    std::vector<quint64> ends;
    ends.reserve(groups.size());
    {
        std::lock_guard lock(m_mutex);
        for (auto& writes : groups) {
            const quint64 groupEnd = m_lastToken + writes.size();
            for (auto& w : writes)
                m_queue.push_back({++m_lastToken, groupEnd, std::move(w)});
            ends.push_back(m_lastToken);
        }
        m_lastTokenSeen.store(m_lastToken);
    }
    m_wake.notify_one();
    return ends;
}

quint64 GroupCommitStore::submit(StoreWrite write) {
    std::vector<StoreWrite> one;
    one.push_back(std::move(write));
    return submit(std::move(one));
}

quint64 GroupCommitStore::read(std::function<void(QSqlDatabase&)> read) {
    return queueRead(std::move(read), false);
}

quint64 GroupCommitStore::readAtCut(CutRead read) {
    return queueRead(std::move(read), true);
}

template <class Read>
quint64 GroupCommitStore::queueRead(Read read, bool endsBatch) {
    quint64 token;
    {
        std::lock_guard lock(m_mutex);
        token = ++m_lastToken;
        m_lastTokenSeen.store(m_lastToken);
        m_queue.push_back({token, token, std::move(read), endsBatch});
    }
    m_wake.notify_one();
    return token;
}

void GroupCommitStore::waitForIdle() {
    std::unique_lock lock(m_mutex);
    const quint64 target = m_lastToken;
    m_idle.wait(lock, [&] { return m_committedToken.load() >= target || !m_thread.joinable(); });
}

bool GroupCommitStore::openConnection(QSqlError* sqlError, QString* error) {
    const QString where = m_address.display();
    QSqlDatabase db = QSqlDatabase::contains(m_connectionName)
                          ? QSqlDatabase::database(m_connectionName, false)
                          : addStoreConnection(m_address, m_connectionName);
    if (!db.open()) {
        *sqlError = db.lastError();
        *error = where + u": cannot open: "_s + db.lastError().text();
        return false;
    }
    QSqlQuery q(db);
    // SQLite: WAL lets readers run beside the writer; FULL syncs the WAL on
    // every commit, which is what makes an acknowledged ticket durable.
    // PostgreSQL: a commit returns once its WAL is flushed, whatever the
    // server's or the role's default says.
    const QStringList settings =
        m_address.dialect == SqlDialect::Sqlite
            ? QStringList{u"PRAGMA journal_mode=WAL"_s, u"PRAGMA synchronous=FULL"_s,
                          u"PRAGMA busy_timeout=5000"_s, u"PRAGMA foreign_keys=ON"_s}
            : QStringList{u"SET synchronous_commit = on"_s,
                          // The migrations' CREATE TABLE IF NOT EXISTS would
                          // print a NOTICE on every start.
                          u"SET client_min_messages = warning"_s};
    for (const QString& setting : settings) {
        if (!q.exec(setting)) {
            *sqlError = q.lastError();
            *error = where + u": "_s + setting + u": "_s + q.lastError().text();
            return false;
        }
    }
    return true;
}

bool GroupCommitStore::openOnThread(const Options& options, StoreRecovery* recovery,
                                    QString* error) {
    QSqlError sqlError;
    if (!openConnection(&sqlError, error))
        return false;
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    QSqlQuery q(db);
    const int found = schemaVersion(db, error);
    if (found < 0 || !migrateSchema(db, latestSchemaVersion(), error))
        return false;
    if (!recovery)
        return true;
    recovery->schemaVersionFound = found;
    const auto fail = [&](const QString& what) {
        *error = m_address.display() + u": "_s + what + u": "_s + q.lastError().text();
        return false;
    };
    QString readError;
    auto searching = selectSearchingTicketRows(db, &readError);
    if (!searching) {
        *error = m_address.display() + u": "_s + readError;
        return false;
    }
    recovery->searchingTickets = std::move(*searching);
    if (!q.exec(u"SELECT (SELECT COALESCE(MAX(seq), 0) FROM tickets), "
                "(SELECT COALESCE(MAX(seq), 0) FROM matches)"_s) ||
        !q.next())
        return fail(u"reading ids"_s);
    recovery->maxTicketSeq = q.value(0).toLongLong();
    recovery->maxMatchSeq = q.value(1).toLongLong();
    if (!q.exec(u"SELECT COALESCE(MAX(id), 0) FROM up_intervals"_s) || !q.next())
        return fail(u"reading up intervals"_s);
    recovery->maxUpIntervalId = q.value(0).toLongLong();
    q.prepare(u"SELECT id, started_ms, last_beat_ms FROM up_intervals WHERE last_beat_ms >= ? "
              "ORDER BY started_ms, id"_s);
    q.addBindValue(QDateTime::currentMSecsSinceEpoch() -
                   qint64(StoreRecovery::kUpHistoryDays) * 86400 * 1000);
    if (!q.exec())
        return fail(u"reading up intervals"_s);
    while (q.next())
        recovery->upIntervals.push_back(
            {q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toLongLong()});
    if (q.lastError().isValid())
        return fail(u"reading up intervals"_s);
    if (options.loadRatings) {
        q.setForwardOnly(true);
        if (!q.exec(u"SELECT player_id, mu, sigma, updated_ms FROM ratings"_s))
            return fail(u"reading ratings"_s);
        while (q.next())
            recovery->ratings.push_back({q.value(0).toString(), q.value(1).toDouble(),
                                         q.value(2).toDouble(), q.value(3).toLongLong()});
        // Ratings lost here would be overwritten by defaults later.
        if (q.lastError().isValid())
            return fail(u"reading ratings"_s);
    }
    return true;
}

bool GroupCommitStore::apply(Statements& st, const StoreWrite& write, QSqlError* error) {
    QSqlQuery* q = nullptr;
    std::visit(Overloaded{
                   [&](const InsertTicket& w) {
                       q = &st.insertTicket;
                       const TicketRow& r = w.row;
                       q->bindValue(0, r.seq);
                       q->bindValue(1, r.queue);
                       q->bindValue(2, st.json(r.players));
                       q->bindValue(3, r.state);
                       q->bindValue(4, r.matchSeq);
                       q->bindValue(5, r.createdMs);
                       q->bindValue(6, r.updatedMs);
                       q->bindValue(7, r.waitMs);
                   },
                   [&](const UpdateTicketState& w) {
                       q = &st.updateTicket;
                       q->bindValue(0, w.state);
                       q->bindValue(1, w.matchSeq);
                       q->bindValue(2, w.waitMs);
                       q->bindValue(3, w.updatedMs);
                       q->bindValue(4, w.seq);
                   },
                   [&](const InsertMatch& w) {
                       q = &st.insertMatch;
                       const MatchRow& r = w.row;
                       q->bindValue(0, r.seq);
                       q->bindValue(1, r.queue);
                       q->bindValue(2, r.region);
                       q->bindValue(3, st.json(r.detail));
                       q->bindValue(4, r.createdMs);
                       q->bindValue(5, r.winnerTeam);
                       q->bindValue(6, r.resultMs);
                   },
                   [&](const SetMatchResult& w) {
                       q = &st.setResult;
                       q->bindValue(0, w.winnerTeam);
                       q->bindValue(1, w.resultMs);
                       q->bindValue(2, w.seq);
                   },
                   [&](const UpsertRating& w) {
                       q = &st.upsertRating;
                       q->bindValue(0, w.row.playerId);
                       q->bindValue(1, w.row.mu);
                       q->bindValue(2, w.row.sigma);
                       q->bindValue(3, w.row.updatedMs);
                   },
                   [&](const RecordHeartbeat& w) {
                       q = &st.heartbeat;
                       q->bindValue(0, w.row.id);
                       q->bindValue(1, w.row.startedMs);
                       q->bindValue(2, w.row.lastBeatMs);
                   },
               },
               write);
    if (!q->exec()) {
        *error = q->lastError();
        return false;
    }
    return true;
}

namespace {
qint64 steadyMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
// The data directory of a SQLite store; a PostgreSQL store's URL.
QString dataDirOf(const StoreAddress& address) {
    return address.dialect == SqlDialect::Sqlite ? QFileInfo(address.path).absolutePath()
                                                 : address.display();
}
// The message a refused request carries: the OS's reason, not server paths.
QString diskMessage(const QString& osReason, const QSqlError& error, SqlDialect dialect) {
    if (dialect == SqlDialect::Postgresql)
        return u"database unavailable: "_s + osReason;
    return u"data directory not writable: "_s + osReason + u" (SQLite: "_s + error.databaseText() +
           u")"_s;
}
}  // namespace

QString GroupCommitStore::noteDiskFailure(const QString& dataDir, const QSqlError& error) {
    ++m_refusedBatches;
    const qint64 now = steadyMs();
    // The probe writes to the failing disk: once a second is plenty, unless
    // SQLite's complaint changed (full, then read-only).
    const QString previousReason = m_diskReason;
    if (!m_diskFailing || now - m_lastProbeMs >= 1000 ||
        error.nativeErrorCode() != m_lastDiskErrorCode) {
        // PostgreSQL's own words say it (connection refused, server closed
        // the connection, disk full on its side): nothing local to probe.
        m_diskReason =
            m_address.dialect == SqlDialect::Sqlite
                ? storefailure::probeDataDir(dataDir)
                : (error.text().trimmed().isEmpty() ? u"no connection"_s : error.text().trimmed());
        m_lastProbeMs = now;
        m_lastDiskErrorCode = error.nativeErrorCode();
    }
    const bool newReason = m_diskFailing && m_diskReason != previousReason;
    if (m_diskFailing && !newReason && now - m_lastDiskLogMs < 30'000)
        return m_diskReason;
    const char* what = m_address.dialect == SqlDialect::Sqlite ? "data dir" : "database";
    if (!m_diskFailing || newReason)
        qCritical().noquote() << "store:" << what << dataDir
                              << "refuses writes, new tickets get 503 until it recovers:"
                              << m_diskReason
                              << (m_address.dialect == SqlDialect::Sqlite
                                      ? QString(u"(SQLite: "_s + error.databaseText() + u")"_s)
                                      : QString());
    else
        qCritical().noquote() << "store:" << what << dataDir
                              << u"still refuses writes (%1 batches refused):"_s.arg(
                                     m_refusedBatches)
                              << m_diskReason;
    m_diskFailing = true;
    m_lastDiskLogMs = now;
    return m_diskReason;
}

void GroupCommitStore::noteDiskHealthy(const QString& dataDir) {
    if (!m_diskFailing)
        return;
    qWarning().noquote() << "store:"
                         << (m_address.dialect == SqlDialect::Sqlite ? "data dir" : "database")
                         << dataDir << "accepts writes again after" << m_refusedBatches
                         << "refused batches";
    m_diskFailing = false;
    m_refusedBatches = 0;
}

std::vector<GroupCommitStore::Outcome>
GroupCommitStore::commitIsolated(QSqlDatabase& db, Statements& st, std::vector<Item>& batch,
                                 bool* diskFailed, QSqlError* diskError) {
    std::vector<Outcome> outcomes;
    QSqlQuery sp(db);
    const auto exec = [&](const QString& sql) {
        if (sp.exec(sql))
            return true;
        *diskFailed = true;
        *diskError = sp.lastError();
        return false;
    };
    if (!db.transaction()) {
        *diskFailed = true;
        *diskError = db.lastError();
        return {};
    }
    std::size_t i = 0;
    while (i < batch.size()) {
        const quint64 groupEnd = batch[i].groupEnd;
        if (!exec(u"SAVEPOINT request_group"_s))
            break;
        QSqlError failed;
        for (; i < batch.size() && batch[i].token <= groupEnd; ++i) {
            auto* w = std::get_if<StoreWrite>(&batch[i].work);
            if (w && failed.type() == QSqlError::NoError)
                apply(st, *w, &failed);
        }
        if (failed.type() != QSqlError::NoError &&
            !isRequestSpecificError(failed, m_address.dialect)) {
            *diskFailed = true;
            *diskError = failed;
            break;
        }
        if (failed.type() != QSqlError::NoError && !exec(u"ROLLBACK TO request_group"_s))
            break;
        if (!exec(u"RELEASE request_group"_s))
            break;
        outcomes.push_back({groupEnd, failed.type() == QSqlError::NoError,
                            failed.type() == QSqlError::NoError
                                ? QString()
                                : u"write refused: "_s + failed.databaseText()});
    }
    if (!*diskFailed && !db.commit()) {
        *diskFailed = true;
        *diskError = db.lastError();
    }
    if (*diskFailed)
        db.rollback();
    return outcomes;
}

std::vector<GroupCommitStore::Outcome>
GroupCommitStore::commitBatch(QSqlDatabase& db, std::unique_ptr<Statements>& st,
                              std::vector<Item>& batch) {
    const QString dataDir = dataDirOf(m_address);
    QSqlError sqlError;
    QString openError;
    bool diskFailed = false;
    // After a disk failure the connection was closed; it opens afresh here
    // (a connection SQLite fell back to read-only on stays read-only).
    const bool backingOff = (!st || m_reconnect) && m_address.dialect == SqlDialect::Postgresql &&
                            steadyMs() < m_nextConnectMs;
    if (backingOff) {
        diskFailed = true;
        sqlError = QSqlError(m_diskReason, m_diskReason, QSqlError::ConnectionError);
    } else if (!st || m_reconnect) {
        st.reset();
        db.close();
        m_reconnect = false;
        if (openConnection(&sqlError, &openError)) {
            m_connectBackoffMs = 0;
            db = QSqlDatabase::database(m_connectionName, false);
            st = std::make_unique<Statements>(db);
            QString prepareError;
            if (!st->prepare(&prepareError)) {
                sqlError = st->insertTicket.lastError();
                st.reset();
                diskFailed = true;
            }
        } else {
            diskFailed = true;
        }
    }
    bool requestFailed = false;
    if (!diskFailed) {
        if (!db.transaction()) {
            sqlError = db.lastError();
            diskFailed = true;
        }
        for (Item& item : batch) {
            if (diskFailed || requestFailed)
                break;
            if (auto* w = std::get_if<StoreWrite>(&item.work); w && !apply(*st, *w, &sqlError)) {
                if (isRequestSpecificError(sqlError, m_address.dialect))
                    requestFailed = true;
                else
                    diskFailed = true;
            }
        }
        if (!diskFailed && !requestFailed && !db.commit()) {
            sqlError = db.lastError();
            diskFailed = true;
        }
        if ((diskFailed || requestFailed) && db.isOpen())
            db.rollback();
    }
    std::vector<Outcome> outcomes;
    if (requestFailed) {
        // One request's writes were refused: redo the batch with a savepoint
        // per request, so only that request fails.
        outcomes = commitIsolated(db, *st, batch, &diskFailed, &sqlError);
        if (!diskFailed) {
            std::size_t refused = 0;
            for (const Outcome& o : outcomes)
                refused += o.ok ? 0 : 1;
            qCritical().noquote() << "store:" << m_address.display() + u": refused the writes of"_s
                                  << refused << "request(s), kept the other"
                                  << outcomes.size() - refused
                                  << "of the batch:" << sqlError.databaseText();
        }
    }
    if (diskFailed) {
        const QString message =
            diskMessage(backingOff ? m_diskReason : noteDiskFailure(dataDir, sqlError), sqlError,
                        m_address.dialect);
        if (!backingOff) {
            st.reset();
            db.close();
            m_reconnect = true;
            m_connectBackoffMs = std::clamp(m_connectBackoffMs * 2, 100, 2000);
            m_nextConnectMs = steadyMs() + m_connectBackoffMs;
        }
        return {{batch.back().token, false, message}};
    }
    noteDiskHealthy(dataDir);
    if (outcomes.empty())
        outcomes.push_back({batch.back().token, true, {}});
    return outcomes;
}

namespace {

// The integrity audit's read connection (read-only) and the thread that owns
// it: a QSqlDatabase connection must only be used on the thread that opened
// it, and a std::thread (not QThreadPool) keeps every hand-over visible to
// ThreadSanitizer. Created by the store thread at its first cut read and
// destroyed by it before it closes its own connection, so the writer stays
// the last connection to close (the one that checkpoints and removes the WAL).
class CutReader {
public:
    CutReader(StoreAddress address, QString connectionName)
        : m_address(std::move(address))
        , m_path(m_address.display())
        , m_connectionName(std::move(connectionName))
        , m_thread([this] { run(); }) {}

    // Lets the read it holds finish, then closes the connection.
    ~CutReader() {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_wake.notify_all();
        m_thread.join();
    }

    // Store thread, between two batches: hands `read` over and returns once
    // its snapshot is pinned (or could not be), so no later commit is in it.
    // Waits for a previous read still running first.
    void readAtCut(GroupCommitStore::CutRead read) {
        std::unique_lock lock(m_mutex);
        m_next = std::move(read);
        const quint64 handed = ++m_handed;
        m_wake.notify_all();
        m_pinnedCv.wait(lock, [&] { return m_pinned >= handed; });
    }

private:
    void run() {
        {
            QSqlDatabase db = addStoreConnection(m_address, m_connectionName);
            // Read-only: the audit must never change what it checks
            // (PostgreSQL: a READ ONLY transaction, see pin()).
            if (m_address.dialect == SqlDialect::Sqlite)
                db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"_s);
            for (;;) {
                GroupCommitStore::CutRead read;
                {
                    std::unique_lock lock(m_mutex);
                    m_wake.wait(lock, [&] { return m_stopping || m_next; });
                    if (!m_next)
                        break;
                    read = std::move(m_next);
                    m_next = nullptr;
                }
                QString error;
                const bool pinned = pin(db, &error);
                {
                    std::lock_guard lock(m_mutex);
                    ++m_pinned;
                }
                m_pinnedCv.notify_all();
                read(db, error);
                // A read transaction left open would hand the next cut this
                // snapshot, a stale one: if it cannot be ended, close the
                // connection (the next cut opens it afresh).
                if (pinned && !endRead(db)) {
                    qWarning().noquote()
                        << "store:" << m_path + u": cannot end the audit's read transaction:"_s
                        << db.lastError().text();
                    db.close();
                }
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }

    // BEGIN alone takes no snapshot in SQLite: the first read of the database
    // does, so a SELECT runs here, while the store thread waits.
    bool pin(QSqlDatabase& db, QString* error) {
        if (!db.isOpen() && !open(db, error))
            return false;
        if (m_address.dialect == SqlDialect::Postgresql) {
            // REPEATABLE READ: one snapshot for the whole transaction, taken
            // at its first statement, so the SELECT below pins it here. An
            // idle connection the server dropped (a restart) still looks
            // open until used: on failure, once more on a new connection.
            for (int attempt = 0; attempt < 2; ++attempt) {
                if (!db.isOpen() && !open(db, error))
                    return false;
                QSqlQuery q(db);
                if (q.exec(u"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"_s) &&
                    q.exec(u"SELECT COUNT(*) FROM schema_version"_s) && q.next())
                    return true;
                *error = m_path + u": read connection: "_s + q.lastError().text();
                q.finish();
                db.close();
            }
            return false;
        }
        if (!db.transaction()) {
            *error = m_path + u": read connection: BEGIN: "_s + db.lastError().text();
            db.close();
            return false;
        }
        QSqlQuery q(db);
        if (!q.exec(u"SELECT COUNT(*) FROM sqlite_master"_s) || !q.next()) {
            *error = m_path + u": read connection: first read: "_s + q.lastError().text();
            q.finish();
            db.rollback();
            db.close();
            return false;
        }
        return true;
    }

    bool endRead(QSqlDatabase& db) {
        if (m_address.dialect == SqlDialect::Sqlite)
            return db.rollback();
        QSqlQuery q(db);
        return q.exec(u"ROLLBACK"_s);
    }

    bool open(QSqlDatabase& db, QString* error) {
        if (!db.open()) {
            *error = m_path + u": cannot open the read connection: "_s + db.lastError().text();
            return false;
        }
        if (m_address.dialect == SqlDialect::Postgresql)
            return true;  // MVCC: a reader never holds a writer
        // Outside WAL a reader's lock would block the store's commits (and
        // fail them after the busy timeout): refuse the cut instead.
        QSqlQuery q(db);
        if (!q.exec(u"PRAGMA journal_mode"_s) || !q.next()) {
            *error = m_path + u": read connection: PRAGMA journal_mode: "_s + q.lastError().text();
            db.close();
            return false;
        }
        if (const QString mode = q.value(0).toString();
            mode.compare(u"wal"_s, Qt::CaseInsensitive) != 0) {
            *error = m_path + u": read connection: journal mode is "_s + mode +
                     u", not WAL: a read at the cut would hold commits"_s;
            q.finish();
            db.close();
            return false;
        }
        return true;
    }

    const StoreAddress m_address;
    const QString m_path;
    const QString m_connectionName;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_pinnedCv;
    GroupCommitStore::CutRead m_next;
    quint64 m_handed = 0;
    quint64 m_pinned = 0;
    bool m_stopping = false;
    std::thread m_thread;  // last: starts once the members above exist
};

}  // namespace

void GroupCommitStore::run(Options options, StoreRecovery* recovery, QString* error,
                           std::promise<bool>* opened) {
    {
        const bool ok = openOnThread(options, recovery, error);
        if (!ok) {
            QSqlDatabase::removeDatabase(m_connectionName);
            opened->set_value(false);
            return;
        }
    }
    opened->set_value(true);
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        std::unique_ptr<Statements> st = std::make_unique<Statements>(db);
        QString prepareError;
        if (!st->prepare(&prepareError)) {
            qCritical().noquote() << "store:" << m_address.display() + u":"_s << prepareError;
            st.reset();
        }
        std::vector<Item> batch;
        // Declared after db: destroyed (its read finished, its connection
        // closed) before the store's own connection closes below.
        std::unique_ptr<CutReader> cutReader;
        for (;;) {
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
                if (m_queue.empty() && m_stopping)
                    break;
                const std::size_t n =
                    std::min<std::size_t>(m_queue.size(), std::size_t(options.maxBatch));
                batch.clear();
                batch.reserve(n);
                for (std::size_t i = 0; i < n; ++i) {
                    batch.push_back(std::move(m_queue.front()));
                    m_queue.pop_front();
                    if (batch.back().endsBatch)
                        break;  // a cut sees nothing queued after it
                }
                // A batch never splits a request's writes, so they commit or fail
                // together (unless one request alone exceeds maxBatch).
                while (batch.front().groupEnd != batch.back().groupEnd && !m_queue.empty() &&
                       m_queue.front().token <= batch.back().groupEnd) {
                    batch.push_back(std::move(m_queue.front()));
                    m_queue.pop_front();
                }
            }
            if (const int extra = m_extraLatencyMs.load(); extra > 0)
                std::this_thread::sleep_for(std::chrono::milliseconds(extra));

            const auto started = std::chrono::steady_clock::now();
            const std::vector<Outcome> outcomes = commitBatch(db, st, batch);
            // Reads run after the commit so they see committed data only.
            const bool hasReads = std::any_of(batch.begin(), batch.end(), [](const Item& item) {
                return std::holds_alternative<std::function<void(QSqlDatabase&)>>(item.work);
            });
            if (hasReads && !db.isOpen() &&
                !(m_address.dialect == SqlDialect::Postgresql && steadyMs() < m_nextConnectMs)) {
                QSqlError ignored;
                QString ignoredText;
                openConnection(&ignored, &ignoredText);  // reads need a connection
            }
            for (Item& item : batch) {
                if (auto* read = std::get_if<std::function<void(QSqlDatabase&)>>(&item.work)) {
                    (*read)(db);
                } else if (auto* cut = std::get_if<CutRead>(&item.work)) {
                    // The cut ends its batch, so this is between two commits;
                    // the next one waits only until the reader's snapshot is
                    // pinned, not for its read.
                    if (!cutReader)
                        cutReader =
                            std::make_unique<CutReader>(m_address, m_connectionName + u"-cut"_s);
                    cutReader->readAtCut(std::move(*cut));
                }
            }
            const quint64 last = batch.back().token;
            m_batches.fetch_add(1);
            m_writes.fetch_add(batch.size());
            m_commitNanos.fetch_add(quint64(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                std::chrono::steady_clock::now() - started)
                                                .count()));
            // Consecutive groups with the same outcome are reported together.
            std::vector<Outcome> merged;
            for (const Outcome& o : outcomes) {
                if (!merged.empty() && merged.back().ok == o.ok && merged.back().error == o.error)
                    merged.back().lastToken = o.lastToken;
                else
                    merged.push_back(o);
            }
            merged.back().lastToken = last;
            // Through Qt's event queue, whose lock TSan cannot see: see
            // bridge/ThreadHandoff.h.
            handoff::post(this, [&] {
                QMetaObject::invokeMethod(
                    this,
                    [this, merged = std::move(merged)] {
                        handoff::acquire(this);
                        for (const Outcome& o : merged)
                            emit batchCommitted(o.lastToken, o.ok, o.error);
                    },
                    Qt::QueuedConnection);
            });
            {
                std::lock_guard lock(m_mutex);
                m_committedToken.store(last);
            }
            m_idle.notify_all();
        }
    }
    QSqlDatabase::database(m_connectionName, false).close();
    QSqlDatabase::removeDatabase(m_connectionName);
    m_idle.notify_all();
}

}  // namespace pulsco
