#include "store/ReadinessProbeLog.h"

#include "store/ConsoleStore.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pulsco {

ReadinessProbeLog::ReadinessProbeLog(ConsoleStore& store)
    : m_store(store) {}

ReadinessProbeLog::~ReadinessProbeLog() {
    QString ignored;
    flush(&ignored);
}

void ReadinessProbeLog::beginSession(const QString& server) {
    if (auto it = m_open.find(server); it != m_open.end()) {
        QString ignored;
        writeEnd(it->second, &ignored);
        m_open.erase(it);
    }
    m_sessions.erase(server);
}

qint64 ReadinessProbeLog::sessionOf(const QString& server) {
    if (const auto it = m_sessions.find(server); it != m_sessions.end())
        return it->second;
    QSqlQuery q(m_store.database());
    const qint64 next =
        q.exec(u"SELECT COALESCE(MAX(session), 0) + 1 FROM readiness_probes"_s) && q.next()
            ? q.value(0).toLongLong()
            : 1;
    // Above every number this object gave out too (rows not yet written).
    qint64 session = next;
    for (const auto& [name, number] : m_sessions)
        session = std::max(session, number + 1);
    m_sessions[server] = session;
    return session;
}

bool ReadinessProbeLog::writeEnd(Open& open, QString* error) {
    if (!open.dirty)
        return true;
    QSqlQuery q(m_store.database());
    q.prepare(u"UPDATE readiness_probes SET to_ms = ?, probes = ? WHERE id = ?"_s);
    q.addBindValue(open.toMs);
    q.addBindValue(open.probes);
    q.addBindValue(open.id);
    if (!q.exec()) {
        *error = m_store.path() + u": readiness_probes: "_s + q.lastError().text();
        return false;
    }
    open.dirty = false;
    open.writtenAtMs = open.toMs;
    return true;
}

bool ReadinessProbeLog::record(const QString& server, qint64 atMs, bool ready,
                               const QString& reason, QString* error) {
    auto it = m_open.find(server);
    if (it != m_open.end() && it->second.ready == ready && atMs >= it->second.toMs) {
        Open& open = it->second;
        open.toMs = atMs;
        ++open.probes;
        open.dirty = true;
        return atMs - open.writtenAtMs < kFlushMs || writeEnd(open, error);
    }
    if (it != m_open.end() && !writeEnd(it->second, error))
        return false;
    const qint64 session = sessionOf(server);
    QSqlQuery q(m_store.database());
    q.prepare(u"INSERT INTO readiness_probes (server, session, from_ms, to_ms, ready, probes, "
              "reason) VALUES (?, ?, ?, ?, ?, 1, ?)"_s);
    q.addBindValue(server);
    q.addBindValue(session);
    q.addBindValue(atMs);
    q.addBindValue(atMs);
    q.addBindValue(ready ? 1 : 0);
    q.addBindValue(reason.isNull() ? u""_s : reason.left(500));
    if (!q.exec()) {
        *error = m_store.path() + u": readiness_probes: "_s + q.lastError().text();
        return false;
    }
    m_open[server] = Open{q.lastInsertId().toLongLong(), ready, atMs, 1, atMs, false};
    return true;
}

bool ReadinessProbeLog::flush(QString* error) {
    bool ok = true;
    for (auto& [server, open] : m_open)
        ok = writeEnd(open, error) && ok;
    return ok;
}

std::vector<ReadinessProbeRow> ReadinessProbeLog::rows(const QString& server) const {
    std::vector<ReadinessProbeRow> out;
    QSqlQuery q(m_store.database());
    q.prepare(u"SELECT from_ms, to_ms, ready, probes, reason, id, session FROM readiness_probes "
              "WHERE server = ? ORDER BY from_ms, id"_s);
    q.addBindValue(server);
    if (!q.exec())
        return out;
    const auto open = m_open.find(server);
    while (q.next()) {
        ReadinessProbeRow r{server,
                            q.value(0).toLongLong(),
                            q.value(1).toLongLong(),
                            q.value(2).toInt() != 0,
                            q.value(3).toLongLong(),
                            q.value(4).toString(),
                            q.value(6).toLongLong()};
        // The session's current row ends later in memory than on disk.
        if (open != m_open.end() && open->second.id == q.value(5).toLongLong()) {
            r.toMs = open->second.toMs;
            r.probes = open->second.probes;
        }
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<std::pair<qint64, qint64>> ReadinessProbeLog::downSpans(const QString& server,
                                                                    qint64 sinceMs) const {
    const std::vector<ReadinessProbeRow> all = rows(server);
    std::vector<std::pair<qint64, qint64>> out;
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i].ready)
            continue;
        const bool nextWatched = i + 1 < all.size() && all[i + 1].session == all[i].session;
        const qint64 to = nextWatched ? std::max(all[i + 1].fromMs, all[i].toMs) : all[i].toMs;
        if (to >= sinceMs)
            out.push_back({all[i].fromMs, to});
    }
    return out;
}

}  // namespace pulsco
