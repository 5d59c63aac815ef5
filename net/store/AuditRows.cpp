#include "net/store/AuditRows.h"

#include <QSqlError>
#include <QSqlQuery>

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

}  // namespace

StoreAuditRows readAuditRows(QSqlDatabase& db) {
    StoreAuditRows out;
    QSqlQuery q(db);
    if (!run(q, u"PRAGMA quick_check"_s, u"PRAGMA quick_check"_s, &out.error))
        return out;
    QStringList messages;
    while (q.next())
        messages << q.value(0).toString();
    out.quickCheck = messages.join(u"; "_s);
    if (!run(q, u"SELECT seq, state, match_seq FROM tickets ORDER BY seq"_s, u"reading tickets"_s,
             &out.error))
        return out;
    while (q.next())
        out.tickets.push_back(
            {q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toLongLong()});
    if (!run(q, u"SELECT seq FROM matches ORDER BY seq"_s, u"reading matches"_s, &out.error))
        return out;
    while (q.next())
        out.matches.push_back(q.value(0).toLongLong());
    // The ticket ids ("t<seq>") inside each match's stored detail, read by
    // SQLite's JSON functions: parsing the detail in C++ cost more than the
    // rest of the audit together.
    if (!run(q,
             u"SELECT m.seq, CAST(substr(k.value, 2) AS INTEGER) FROM matches m, "
             "json_each(m.detail, '$.teams') t, json_each(t.value, '$.tickets') k ORDER BY m.seq"_s,
             u"reading the tickets of matches"_s, &out.error))
        return out;
    while (q.next())
        out.matchTickets.emplace_back(q.value(0).toLongLong(), q.value(1).toLongLong());
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
