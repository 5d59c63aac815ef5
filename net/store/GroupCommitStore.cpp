#include "net/store/GroupCommitStore.h"

#include "net/store/Migrations.h"

#include <QDebug>
#include <QSqlError>
#include <QSqlQuery>

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
        : insertTicket(db)
        , updateTicket(db)
        , insertMatch(db)
        , setResult(db)
        , upsertRating(db) {}
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
        };
        for (const auto& [q, sql] : all) {
            if (!q->prepare(sql)) {
                *error = q->lastError().text();
                return false;
            }
        }
        return true;
    }
    QSqlQuery insertTicket, updateTicket, insertMatch, setResult, upsertRating;
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
        for (auto& w : writes)
            m_queue.push_back({token = ++m_lastToken, std::move(w)});
        if (writes.empty())
            token = m_lastToken;
        m_lastTokenSeen.store(m_lastToken);
    }
    m_wake.notify_one();
    return token;
}

quint64 GroupCommitStore::submit(StoreWrite write) {
    std::vector<StoreWrite> one;
    one.push_back(std::move(write));
    return submit(std::move(one));
}

quint64 GroupCommitStore::read(std::function<void(QSqlDatabase&)> read) {
    quint64 token;
    {
        std::lock_guard lock(m_mutex);
        token = ++m_lastToken;
        m_lastTokenSeen.store(m_lastToken);
        m_queue.push_back({token, std::move(read)});
    }
    m_wake.notify_one();
    return token;
}

void GroupCommitStore::waitForIdle() {
    std::unique_lock lock(m_mutex);
    const quint64 target = m_lastToken;
    m_idle.wait(lock, [&] { return m_committedToken.load() >= target || !m_thread.joinable(); });
}

bool GroupCommitStore::openOnThread(const Options& options, StoreRecovery* recovery,
                                    QString* error) {
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
    db.setDatabaseName(options.path);
    if (!db.open()) {
        *error = options.path + u": cannot open: "_s + db.lastError().text();
        return false;
    }
    QSqlQuery q(db);
    // WAL lets readers run beside the writer; FULL syncs the WAL on every
    // commit, which is what makes an acknowledged ticket durable.
    for (const QString& pragma : {u"PRAGMA journal_mode=WAL"_s, u"PRAGMA synchronous=FULL"_s,
                                  u"PRAGMA busy_timeout=5000"_s, u"PRAGMA foreign_keys=ON"_s}) {
        if (!q.exec(pragma)) {
            *error = options.path + u": "_s + pragma + u": "_s + q.lastError().text();
            return false;
        }
    }
    const int found = schemaVersion(db, error);
    if (found < 0 || !migrateSchema(db, latestSchemaVersion(), error))
        return false;
    if (!recovery)
        return true;
    recovery->schemaVersionFound = found;
    const auto fail = [&](const QString& what) {
        *error = options.path + u": "_s + what + u": "_s + q.lastError().text();
        return false;
    };
    if (!q.exec(u"SELECT seq, queue, players, created_ms FROM tickets WHERE state = 'searching' "
                "ORDER BY created_ms, seq"_s))
        return fail(u"reading searching tickets"_s);
    while (q.next()) {
        TicketRow row;
        row.seq = q.value(0).toLongLong();
        row.queue = q.value(1).toString();
        row.players = q.value(2).toByteArray();
        row.state = u"searching"_s;
        row.createdMs = q.value(3).toLongLong();
        row.updatedMs = row.createdMs;
        recovery->searchingTickets.push_back(std::move(row));
    }
    if (!q.exec(u"SELECT (SELECT COALESCE(MAX(seq), 0) FROM tickets), "
                "(SELECT COALESCE(MAX(seq), 0) FROM matches)"_s) ||
        !q.next())
        return fail(u"reading ids"_s);
    recovery->maxTicketSeq = q.value(0).toLongLong();
    recovery->maxMatchSeq = q.value(1).toLongLong();
    if (options.loadRatings) {
        q.setForwardOnly(true);
        if (!q.exec(u"SELECT player_id, mu, sigma, updated_ms FROM ratings"_s))
            return fail(u"reading ratings"_s);
        while (q.next())
            recovery->ratings.push_back({q.value(0).toString(), q.value(1).toDouble(),
                                         q.value(2).toDouble(), q.value(3).toLongLong()});
    }
    return true;
}

bool GroupCommitStore::apply(Statements& st, const StoreWrite& write, QString* error) {
    QSqlQuery* q = nullptr;
    std::visit(Overloaded{
                   [&](const InsertTicket& w) {
                       q = &st.insertTicket;
                       const TicketRow& r = w.row;
                       q->bindValue(0, r.seq);
                       q->bindValue(1, r.queue);
                       q->bindValue(2, r.players);  // bytes as they are: no UTF-16 round trip
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
                       q->bindValue(3, r.detail);
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
               },
               write);
    if (!q->exec()) {
        *error = q->lastError().text();
        return false;
    }
    return true;
}

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
        Statements st(db);
        QString prepareError;
        const bool prepared = st.prepare(&prepareError);
        std::vector<Item> batch;
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
                }
            }
            if (const int extra = m_extraLatencyMs.load(); extra > 0)
                std::this_thread::sleep_for(std::chrono::milliseconds(extra));

            const auto started = std::chrono::steady_clock::now();
            QString failure = prepared ? QString() : prepareError;
            std::vector<std::function<void(QSqlDatabase&)>*> reads;
            if (failure.isEmpty() && !db.transaction())
                failure = db.lastError().text();
            for (Item& item : batch) {
                if (!failure.isEmpty())
                    break;
                if (auto* w = std::get_if<StoreWrite>(&item.work))
                    apply(st, *w, &failure);
                else
                    reads.push_back(&std::get<std::function<void(QSqlDatabase&)>>(item.work));
            }
            if (failure.isEmpty() && !db.commit())
                failure = db.lastError().text();
            if (!failure.isEmpty()) {
                db.rollback();
                failure = options.path +
                          u": write failed, batch of %1 rolled back: "_s.arg(batch.size()) +
                          failure;
                qCritical().noquote() << "store:" << failure;
            }
            // Reads run after the commit so they see committed data only.
            for (auto* read : reads)
                (*read)(db);
            const quint64 last = batch.back().token;
            m_batches.fetch_add(1);
            m_writes.fetch_add(batch.size());
            m_commitNanos.fetch_add(quint64(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                std::chrono::steady_clock::now() - started)
                                                .count()));
            QMetaObject::invokeMethod(
                this,
                [this, last, ok = failure.isEmpty(), failure] {
                    Q_EMIT batchCommitted(last, ok, failure);
                },
                Qt::QueuedConnection);
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
