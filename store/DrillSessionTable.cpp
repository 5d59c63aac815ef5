#include "store/DrillSessionTable.h"

#include "store/ConsoleStore.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// A null QString binds as SQL NULL; the columns want '' instead.
QVariant text(const QString& s) {
    return s.isNull() ? QVariant(u""_s) : QVariant(s);
}

QVariant nullable(std::optional<double> v) {
    return v ? QVariant(*v) : QVariant();
}

std::optional<double> fromNullable(const QVariant& v) {
    return v.isNull() ? std::nullopt : std::optional<double>(v.toDouble());
}

const QString kSelect =
    u"SELECT id, drill, title, trainee, trainer, source, started_at_ms, start_source_s, "
    "duration_s, passed, mttd_s, mttr_s, mttd_target_s, mttr_target_s, emergency_stopped, score, "
    "environment FROM drill_sessions "_s;

DrillSessionRow rowFrom(const QSqlQuery& q) {
    DrillSessionRow r;
    r.id = q.value(0).toLongLong();
    r.drill = q.value(1).toString();
    r.title = q.value(2).toString();
    r.trainee = q.value(3).toString();
    r.trainer = q.value(4).toString();
    r.source = q.value(5).toString();
    r.startedAtMs = q.value(6).toLongLong();
    r.startSourceSeconds = q.value(7).toDouble();
    r.durationSeconds = q.value(8).toDouble();
    r.passed = q.value(9).toBool();
    r.mttdSeconds = fromNullable(q.value(10));
    r.mttrSeconds = fromNullable(q.value(11));
    r.mttdTargetSeconds = q.value(12).toDouble();
    r.mttrTargetSeconds = q.value(13).toDouble();
    r.emergencyStopped = q.value(14).toBool();
    r.scoreJson = q.value(15).toString();
    r.environment = q.value(16).toString();
    return r;
}

}  // namespace

DrillSessionTable::DrillSessionTable(ConsoleStore& store)
    : m_store(store) {}

const QString& DrillSessionTable::path() const {
    return m_store.path();
}

std::optional<qint64> DrillSessionTable::insert(const DrillSessionRow& r,
                                                const std::vector<DrillEventRow>& events,
                                                QString* error) {
    QSqlDatabase& db = m_store.database();
    auto fail = [&](const QSqlQuery& q) -> std::optional<qint64> {
        if (error)
            *error = u"%1: cannot save the drill session: %2"_s.arg(m_store.path(),
                                                                    q.lastError().text());
        db.rollback();
        return std::nullopt;
    };
    if (!db.transaction()) {
        if (error)
            *error =
                u"%1: cannot start a transaction: %2"_s.arg(m_store.path(), db.lastError().text());
        return std::nullopt;
    }
    QSqlQuery q(db);
    q.prepare(u"INSERT INTO drill_sessions (drill, title, trainee, trainer, source, "
              "started_at_ms, start_source_s, duration_s, passed, mttd_s, mttr_s, mttd_target_s, "
              "mttr_target_s, emergency_stopped, score, environment) VALUES (?, ?, ?, ?, ?, ?, ?, "
              "?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
    for (const QVariant& v :
         {text(r.drill), text(r.title), text(r.trainee), text(r.trainer), text(r.source),
          QVariant(r.startedAtMs), QVariant(r.startSourceSeconds), QVariant(r.durationSeconds),
          QVariant(r.passed ? 1 : 0), nullable(r.mttdSeconds), nullable(r.mttrSeconds),
          QVariant(r.mttdTargetSeconds), QVariant(r.mttrTargetSeconds),
          QVariant(r.emergencyStopped ? 1 : 0), text(r.scoreJson), text(r.environment)})
        q.addBindValue(v);
    if (!q.exec())
        return fail(q);
    const qint64 id = q.lastInsertId().toLongLong();
    QSqlQuery e(db);
    e.prepare(u"INSERT INTO drill_events (session, seq, at_s, kind, text, who, hidden) "
              "VALUES (?, ?, ?, ?, ?, ?, ?)"_s);
    for (std::size_t i = 0; i < events.size(); ++i) {
        const DrillEventRow& ev = events[i];
        e.addBindValue(id);
        e.addBindValue(static_cast<qint64>(i));
        e.addBindValue(ev.atSeconds);
        e.addBindValue(text(ev.kind));
        e.addBindValue(text(ev.text));
        e.addBindValue(text(ev.who));
        e.addBindValue(ev.hidden ? 1 : 0);
        if (!e.exec())
            return fail(e);
    }
    if (!db.commit()) {
        if (error)
            *error = u"%1: cannot commit the drill session: %2"_s.arg(m_store.path(),
                                                                      db.lastError().text());
        db.rollback();
        return std::nullopt;
    }
    return id;
}

std::optional<DrillSessionRow> DrillSessionTable::session(qint64 id) const {
    QSqlQuery q(m_store.database());
    q.prepare(kSelect + u"WHERE id = ?"_s);
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return rowFrom(q);
}

std::vector<DrillSessionRow> DrillSessionTable::sessions(const QString& trainee, int limit) const {
    QSqlQuery q(m_store.database());
    q.prepare(kSelect +
              (trainee.isEmpty()
                   ? u"ORDER BY started_at_ms DESC, id DESC LIMIT ?"_s
                   : u"WHERE trainee = ? ORDER BY started_at_ms DESC, id DESC LIMIT ?"_s));
    if (!trainee.isEmpty())
        q.addBindValue(trainee);
    q.addBindValue(limit);
    std::vector<DrillSessionRow> out;
    if (!q.exec())
        return out;
    while (q.next())
        out.push_back(rowFrom(q));
    return out;
}

std::vector<DrillEventRow> DrillSessionTable::events(qint64 sessionId) const {
    QSqlQuery e(m_store.database());
    e.prepare(u"SELECT at_s, kind, text, who, hidden FROM drill_events WHERE session = ? "
              "ORDER BY seq"_s);
    e.addBindValue(sessionId);
    std::vector<DrillEventRow> out;
    if (!e.exec())
        return out;
    while (e.next())
        out.push_back({e.value(0).toDouble(), e.value(1).toString(), e.value(2).toString(),
                       e.value(3).toString(), e.value(4).toBool()});
    return out;
}

QStringList DrillSessionTable::trainees() const {
    QSqlQuery q(m_store.database());
    QStringList names;
    if (q.exec(u"SELECT DISTINCT trainee FROM drill_sessions WHERE trainee <> '' ORDER BY "
               "trainee"_s))
        while (q.next())
            names.append(q.value(0).toString());
    return names;
}

bool DrillSessionTable::contains(const QString& drill, qint64 startedAtMs) const {
    QSqlQuery q(m_store.database());
    q.prepare(u"SELECT 1 FROM drill_sessions WHERE drill = ? AND started_at_ms = ?"_s);
    q.addBindValue(drill);
    q.addBindValue(startedAtMs);
    return q.exec() && q.next();
}

}  // namespace pulsco
