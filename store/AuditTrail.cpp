#include "store/AuditTrail.h"

#include "store/ConsoleStore.h"

#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

AuditEntry rowToEntry(const QSqlQuery& q) {
    AuditEntry e;
    e.id = q.value(0).toLongLong();
    e.atMs = q.value(1).toLongLong();
    e.actor = q.value(2).toString();
    e.kind = q.value(3).toString();
    e.plan = q.value(4).toString();
    e.rollout = q.value(5).toLongLong();
    e.subject = q.value(6).toString();
    e.note = q.value(7).toString();
    e.source = q.value(8).toString();
    e.sourceTimeSeconds = q.value(9).toDouble();
    e.evidence = q.value(10).toString().toUtf8();
    e.environment = q.value(11).toString();
    e.servers = q.value(12).toString();
    return e;
}

// Qt binds a null QString as SQL NULL; the columns are NOT NULL ''.
QString text(const QString& s) {
    return s.isNull() ? u""_s : s;
}

const QString kColumns =
    u"id, at_ms, actor, kind, plan, rollout, subject, note, source, source_time_s, evidence,"
    u" environment, servers"_s;

}  // namespace

AuditTrail::AuditTrail(ConsoleStore& store, Trail trail)
    : m_store(store)
    , m_table(trail == Trail::Rollout ? u"audit_trail"_s : u"drill_journal"_s) {}

std::optional<qint64> AuditTrail::append(AuditEntry e, QString* error) {
    if (e.atMs == 0)
        e.atMs = QDateTime::currentMSecsSinceEpoch();
    if (e.actor.trimmed().isEmpty() || e.kind.isEmpty()) {
        *error = u"audit row: actor and kind must not be empty"_s;
        return std::nullopt;
    }
    QSqlQuery q(m_store.database());
    q.prepare(u"INSERT INTO "_s + m_table +
              u" (at_ms, actor, kind, plan, rollout, subject, note, source,"
              " source_time_s, evidence, environment, servers)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
    q.addBindValue(e.atMs);
    q.addBindValue(text(e.actor));
    q.addBindValue(text(e.kind));
    q.addBindValue(text(e.plan));
    q.addBindValue(e.rollout);
    q.addBindValue(text(e.subject));
    q.addBindValue(text(e.note));
    q.addBindValue(text(e.source));
    q.addBindValue(e.sourceTimeSeconds);
    q.addBindValue(QString::fromUtf8(e.evidence.isEmpty() ? QByteArray("{}") : e.evidence));
    q.addBindValue(text(e.environment));
    q.addBindValue(text(e.servers));
    // Autocommit: when exec() returns true the row is committed and synced.
    if (!q.exec()) {
        *error = m_store.path() + u": "_s + m_table + u": "_s + q.lastError().text();
        return std::nullopt;
    }
    return q.lastInsertId().toLongLong();
}

std::vector<AuditEntry> AuditTrail::entries(const Query& query) const {
    QString sql = u"SELECT "_s + kColumns + u" FROM "_s + m_table + u" WHERE id > ?"_s;
    if (!query.plan.isEmpty())
        sql += u" AND plan = ?"_s;
    if (query.rollout >= 0)
        sql += u" AND rollout = ?"_s;
    if (!query.kinds.isEmpty()) {
        QStringList marks;
        for (qsizetype i = 0; i < query.kinds.size(); ++i)
            marks << u"?"_s;
        sql += u" AND kind IN ("_s + marks.join(u',') + u')';
    }
    sql += u" ORDER BY id LIMIT ?"_s;
    QSqlQuery q(m_store.database());
    q.prepare(sql);
    q.addBindValue(query.afterId);
    if (!query.plan.isEmpty())
        q.addBindValue(query.plan);
    if (query.rollout >= 0)
        q.addBindValue(query.rollout);
    for (const QString& kind : query.kinds)
        q.addBindValue(kind);
    q.addBindValue(query.limit);
    std::vector<AuditEntry> out;
    if (!q.exec())
        return out;
    while (q.next())
        out.push_back(rowToEntry(q));
    return out;
}

std::vector<AuditEntry> AuditTrail::newest(int count, const QStringList& kinds) const {
    QString sql = u"SELECT "_s + kColumns + u" FROM "_s + m_table;
    if (!kinds.isEmpty()) {
        QStringList marks;
        for (qsizetype i = 0; i < kinds.size(); ++i)
            marks << u"?"_s;
        sql += u" WHERE kind IN ("_s + marks.join(u',') + u')';
    }
    sql += u" ORDER BY id DESC LIMIT ?"_s;
    QSqlQuery q(m_store.database());
    q.prepare(sql);
    for (const QString& kind : kinds)
        q.addBindValue(kind);
    q.addBindValue(count);
    std::vector<AuditEntry> out;
    if (!q.exec())
        return out;
    while (q.next())
        out.push_back(rowToEntry(q));
    std::reverse(out.begin(), out.end());
    return out;
}

QHash<QString, AuditEntry> AuditTrail::latestItemRows(const QString& plan) const {
    QSqlQuery q(m_store.database());
    q.prepare(u"SELECT "_s + kColumns + u" FROM "_s + m_table +
              u" WHERE id IN (SELECT MAX(id) FROM "_s + m_table +
              u" WHERE plan = ? AND"
              " kind IN ('item_checked', 'item_unchecked', 'gate_passed', 'gate_failed')"
              " GROUP BY subject)"_s);
    q.addBindValue(plan);
    QHash<QString, AuditEntry> out;
    if (!q.exec())
        return out;
    while (q.next()) {
        AuditEntry e = rowToEntry(q);
        out.insert(e.subject, std::move(e));
    }
    return out;
}

qint64 AuditTrail::lastId() const {
    QSqlQuery q(m_store.database());
    if (!q.exec(u"SELECT COALESCE(MAX(id), 0) FROM "_s + m_table) || !q.next())
        return 0;
    return q.value(0).toLongLong();
}

qint64 AuditTrail::lastRolloutNumber() const {
    QSqlQuery q(m_store.database());
    if (!q.exec(u"SELECT COALESCE(MAX(rollout), 0) FROM "_s + m_table) || !q.next())
        return 0;
    return q.value(0).toLongLong();
}

}  // namespace pulsco
