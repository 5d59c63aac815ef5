#include "net/store/AuditRows.h"

#include "net/store/StoreAddress.h"

#include <QSqlError>
#include <QSqlQuery>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

bool run(QSqlQuery& q, const QString& sql, const QString& what, QString* error) {
    q.setForwardOnly(true);  // one pass over up to millions of rows: no cache
    if (q.exec(sql))
        return true;
    *error = what + u": "_s + q.lastError().text();
    return false;
}

// PostgreSQL's counterpart of quick_check: amcheck's bt_index_check on every
// B-tree index of the store's tables, where the extension is installed
// (CREATE EXTENSION amcheck, postgresql-contrib) and this role may run it
// (amcheck grants it to superusers only unless GRANTed). Otherwise the
// report says why in storeCheck ("none (...)"), never a pass of a check that
// did not run. The check runs under a savepoint: its failure must not abort
// the read transaction the audit's cross-checks need.
QString postgresIndexCheck(QSqlDatabase& db) {
    QSqlQuery q(db);
    if (!q.exec(u"SELECT 1 FROM pg_extension WHERE extname = 'amcheck'"_s) || !q.next())
        return u"none (amcheck is not installed in this database: CREATE EXTENSION amcheck)"_s;
    if (!q.exec(u"SELECT has_function_privilege('bt_index_check(regclass)', 'EXECUTE')"_s) ||
        !q.next() || !q.value(0).toBool())
        return u"none (this role may not run amcheck's bt_index_check: GRANT EXECUTE ON "
               "FUNCTION bt_index_check(regclass) TO it)"_s;
    const bool savepoint = q.exec(u"SAVEPOINT pulsco_amcheck"_s);
    QString result = u"ok"_s;
    if (!q.exec(u"SELECT COUNT(bt_index_check(i.indexrelid)) FROM pg_index i "
                "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree' AND t.relname IN "
                "('tickets', 'matches', 'ratings', 'up_intervals', 'schema_version')"_s) ||
        !q.next())
        result = u"amcheck: "_s + q.lastError().text();
    if (savepoint)
        q.exec(result == u"ok"_s ? u"RELEASE SAVEPOINT pulsco_amcheck"_s
                                 : u"ROLLBACK TO SAVEPOINT pulsco_amcheck"_s);
    return result;
}

// A forward-only read whose connection died half way just ends (QPSQL's
// single-row mode): a truncated read must be an error, not fewer rows.
bool finishedCleanly(const QSqlQuery& q, const QString& what, QString* error) {
    if (!q.lastError().isValid())
        return true;
    *error = what + u": "_s + q.lastError().text();
    return false;
}

}  // namespace

QString storeOwnCheck(QSqlDatabase& db, QString* error) {
    if (dialectOf(db) != SqlDialect::Sqlite)
        return postgresIndexCheck(db);
    QSqlQuery q(db);
    if (!run(q, u"PRAGMA quick_check"_s, u"PRAGMA quick_check"_s, error))
        return {};
    QStringList messages;
    while (q.next())
        messages << q.value(0).toString();
    return messages.join(u"; "_s);
}

void appendTicketsOfDetail(qint64 matchSeq, const QByteArray& detail,
                           std::vector<std::pair<qint64, qint64>>& out) {
    static constexpr QByteArrayView kKey = "\"tickets\":[";
    const char* d = detail.constData();
    const qsizetype n = detail.size();
    for (qsizetype pos = detail.indexOf(kKey); pos >= 0; pos = detail.indexOf(kKey, pos)) {
        pos += kKey.size();
        while (pos < n && d[pos] != ']') {
            if (d[pos] != '"') {
                ++pos;
                continue;
            }
            // "t<digits>"; anything else is listed as -1 (never a stored seq).
            qint64 seq = 0;
            qsizetype i = pos + 1;
            const bool prefixed = i < n && d[i] == 't';
            i += prefixed ? 1 : 0;
            const qsizetype digitsFrom = i;
            while (i < n && d[i] >= '0' && d[i] <= '9')
                seq = seq * 10 + (d[i++] - '0');
            const bool ok = prefixed && i > digitsFrom && i < n && d[i] == '"';
            out.emplace_back(matchSeq, ok ? seq : -1);
            while (i < n && d[i] != '"')
                ++i;
            pos = i + 1;
        }
    }
}

StoreAuditRows readAuditRows(QSqlDatabase& db) {
    StoreAuditRows out;
    out.quickCheck = storeOwnCheck(db, &out.error);
    if (!out.error.isEmpty())
        return out;
    QSqlQuery q(db);
    // The four states come back as codes and share one QString each: a
    // string per row (100 000 allocations and conversions) was a good part
    // of the audit's read. Any other text comes back as it is, for the
    // check to name.
    static const QString kStates[] = {u"searching"_s, u"matched"_s, u"expired"_s, u"cancelled"_s};
    if (!run(q,
             u"SELECT seq, CASE state WHEN 'searching' THEN 0 WHEN 'matched' THEN 1 "
             "WHEN 'expired' THEN 2 WHEN 'cancelled' THEN 3 ELSE -1 END, match_seq, "
             "CASE WHEN state IN ('searching', 'matched', 'expired', 'cancelled') THEN NULL "
             "ELSE state END FROM tickets ORDER BY seq"_s,
             u"reading tickets"_s, &out.error))
        return out;
    while (q.next()) {
        const int code = q.value(1).toInt();
        out.tickets.push_back({q.value(0).toLongLong(),
                               code >= 0 && code < 4 ? kStates[code] : q.value(3).toString(),
                               q.value(2).toLongLong()});
    }
    if (!finishedCleanly(q, u"reading tickets"_s, &out.error))
        return out;
    // A match's tickets are read from its stored detail by a scan for
    // "tickets":["t1","t2"] (the server's own compact JSON; player ids
    // cannot hold a quote, so the key cannot appear inside a value). SQLite's
    // json_each over the same rows took 300-500 ms at 50 000 matches, most
    // of the audit; the scan is a few ms.
    if (!run(q, u"SELECT seq, detail FROM matches ORDER BY seq"_s, u"reading matches"_s,
             &out.error))
        return out;
    while (q.next()) {
        const qint64 matchSeq = q.value(0).toLongLong();
        out.matches.push_back(matchSeq);
        appendTicketsOfDetail(matchSeq, q.value(1).toByteArray(), out.matchTickets);
    }
    finishedCleanly(q, u"reading matches"_s, &out.error);
    return out;
}

QString corruptOneTicketRow(QSqlDatabase& db) {
    struct Flip {
        const char* from;
        const char* to;
        bool dropMatch;  // match_seq 0: "matched" with no match
    };
    // Finished tickets first: nothing rewrites them later.
    for (const Flip f :
         {Flip{"matched", "expired", false}, Flip{"expired", "matched", true},
          Flip{"cancelled", "matched", true}, Flip{"searching", "cancelled", false}}) {
        QSqlQuery q(db);
        q.prepare(u"SELECT max(seq) FROM tickets WHERE state = ?"_s);
        q.addBindValue(QString::fromLatin1(f.from));
        if (!q.exec() || !q.next())
            return u"inconsistency: cannot read tickets: "_s + q.lastError().text();
        if (q.value(0).isNull())
            continue;
        const qint64 seq = q.value(0).toLongLong();
        QSqlQuery u(db);
        u.prepare(f.dropMatch ? u"UPDATE tickets SET state = ?, match_seq = 0 WHERE seq = ?"_s
                              : u"UPDATE tickets SET state = ? WHERE seq = ?"_s);
        u.addBindValue(QString::fromLatin1(f.to));
        u.addBindValue(seq);
        if (!u.exec())
            return u"inconsistency: cannot update t"_s + QString::number(seq) + u": "_s +
                   u.lastError().text();
        return u"t"_s + QString::number(seq) + u": "_s + QString::fromLatin1(f.from) + u" -> "_s +
               QString::fromLatin1(f.to);
    }
    return u"inconsistency: no ticket stored yet, nothing to corrupt"_s;
}

}  // namespace pulsco
