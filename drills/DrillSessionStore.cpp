#include "drills/DrillSessionStore.h"

#include "store/ConsoleStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// A null QString binds as SQL NULL; the columns want '' instead.
QVariant text(const QString& s) {
    return s.isNull() ? QVariant(u""_s) : QVariant(s);
}

QVariant nullable(double v) {
    return std::isnan(v) ? QVariant() : QVariant(v);
}

double fromNullable(const QVariant& v) {
    return v.isNull() ? DrillScore::kNone : v.toDouble();
}

QByteArray scoreJson(const DrillScore& s) {
    QJsonObject o;
    o.insert(u"fault_start_s"_s,
             std::isnan(s.faultStartSeconds) ? QJsonValue() : QJsonValue(s.faultStartSeconds));
    o.insert(u"detected"_s, s.detected);
    o.insert(u"resolved"_s, s.resolved);
    o.insert(u"escalation_expected"_s, s.escalationExpected);
    o.insert(u"escalated"_s, s.escalated);
    o.insert(u"reasons"_s, QJsonArray::fromStringList(s.reasons));
    QJsonArray wrong;
    for (const DrillWrongActionCost& w : s.wrongActions)
        wrong.append(
            QJsonObject{{u"at_s"_s, w.atSeconds}, {u"action"_s, w.action}, {u"cost"_s, w.cost}});
    o.insert(u"wrong_actions"_s, wrong);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

void readScoreJson(const QByteArray& json, DrillScore& s) {
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    const QJsonValue start = o.value(u"fault_start_s");
    s.faultStartSeconds = start.isDouble() ? start.toDouble() : DrillScore::kNone;
    s.detected = o.value(u"detected").toBool();
    s.resolved = o.value(u"resolved").toBool();
    s.escalationExpected = o.value(u"escalation_expected").toBool();
    s.escalated = o.value(u"escalated").toBool();
    for (const QJsonValue& r : o.value(u"reasons").toArray())
        s.reasons.append(r.toString());
    for (const QJsonValue& v : o.value(u"wrong_actions").toArray()) {
        const QJsonObject w = v.toObject();
        s.wrongActions.push_back({w.value(u"at_s").toDouble(), w.value(u"action").toString(),
                                  w.value(u"cost").toString()});
    }
}

const char* kSelect =
    "SELECT id, drill, title, trainee, trainer, source, started_at_ms, start_source_s, "
    "duration_s, passed, mttd_s, mttr_s, mttd_target_s, mttr_target_s, emergency_stopped, score "
    "FROM drill_sessions ";

DrillRecord rowToRecord(const QSqlQuery& q) {
    DrillRecord r;
    r.id = q.value(0).toLongLong();
    r.drillName = q.value(1).toString();
    r.drillTitle = q.value(2).toString();
    r.trainee = q.value(3).toString();
    r.trainer = q.value(4).toString();
    r.sourceName = q.value(5).toString();
    r.startedAt = QDateTime::fromMSecsSinceEpoch(q.value(6).toLongLong(), Qt::UTC);
    r.startSourceSeconds = q.value(7).toDouble();
    r.durationSeconds = q.value(8).toDouble();
    r.score.passed = q.value(9).toBool();
    r.score.mttdSeconds = fromNullable(q.value(10));
    r.score.mttrSeconds = fromNullable(q.value(11));
    r.score.mttdTargetSeconds = q.value(12).toDouble();
    r.score.mttrTargetSeconds = q.value(13).toDouble();
    r.score.emergencyStopped = q.value(14).toBool();
    readScoreJson(q.value(15).toByteArray(), r.score);
    return r;
}

}  // namespace

DrillSessionStore::DrillSessionStore(ConsoleStore& store)
    : m_store(store) {}

std::optional<qint64> DrillSessionStore::save(const DrillRecord& r, QString* error) {
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
              "mttr_target_s, emergency_stopped, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
              "?, ?, ?, ?)"_s);
    const DrillScore& s = r.score;
    for (const QVariant& v :
         {text(r.drillName), text(r.drillTitle), text(r.trainee), text(r.trainer),
          text(r.sourceName),
          QVariant(r.startedAt.isValid() ? r.startedAt.toMSecsSinceEpoch()
                                         : QDateTime::currentMSecsSinceEpoch()),
          QVariant(r.startSourceSeconds), QVariant(r.durationSeconds), QVariant(s.passed ? 1 : 0),
          nullable(s.mttdSeconds), nullable(s.mttrSeconds), QVariant(s.mttdTargetSeconds),
          QVariant(s.mttrTargetSeconds), QVariant(s.emergencyStopped ? 1 : 0),
          QVariant(QString::fromUtf8(scoreJson(s)))})
        q.addBindValue(v);
    if (!q.exec())
        return fail(q);
    const qint64 id = q.lastInsertId().toLongLong();
    QSqlQuery e(db);
    e.prepare(u"INSERT INTO drill_events (session, seq, at_s, kind, text, who, hidden) "
              "VALUES (?, ?, ?, ?, ?, ?, ?)"_s);
    for (std::size_t i = 0; i < r.events.size(); ++i) {
        const DrillEvent& ev = r.events[i];
        e.addBindValue(id);
        e.addBindValue(static_cast<qint64>(i));
        e.addBindValue(ev.atSeconds);
        e.addBindValue(toString(ev.kind));
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

namespace {

void loadEvents(QSqlDatabase& db, DrillRecord& r) {
    QSqlQuery e(db);
    e.prepare(u"SELECT at_s, kind, text, who, hidden FROM drill_events WHERE session = ? "
              "ORDER BY seq"_s);
    e.addBindValue(r.id);
    if (!e.exec())
        return;
    while (e.next()) {
        DrillEvent ev;
        ev.atSeconds = e.value(0).toDouble();
        ev.kind = drillEventKindFromString(e.value(1).toString()).value_or(DrillEventKind::Note);
        ev.text = e.value(2).toString();
        ev.who = e.value(3).toString();
        ev.hidden = e.value(4).toBool();
        r.events.push_back(ev);
    }
}

}  // namespace

std::optional<DrillRecord> DrillSessionStore::load(qint64 id, QString* error) const {
    QSqlQuery q(m_store.database());
    q.prepare(QLatin1StringView(kSelect) + u"WHERE id = ?"_s);
    q.addBindValue(id);
    if (!q.exec() || !q.next()) {
        if (error)
            *error = u"%1: no drill session %2"_s.arg(m_store.path()).arg(id);
        return std::nullopt;
    }
    DrillRecord r = rowToRecord(q);
    loadEvents(m_store.database(), r);
    return r;
}

std::vector<DrillRecord> DrillSessionStore::history(const QString& trainee, int limit) const {
    QSqlQuery q(m_store.database());
    q.prepare(QLatin1StringView(kSelect) +
              (trainee.isEmpty() ? u"ORDER BY started_at_ms DESC, id DESC LIMIT ?"_s
                                 : u"WHERE trainee = ? ORDER BY started_at_ms DESC, id DESC "
                                   "LIMIT ?"_s));
    if (!trainee.isEmpty())
        q.addBindValue(trainee);
    q.addBindValue(limit);
    std::vector<DrillRecord> out;
    if (!q.exec())
        return out;
    while (q.next())
        out.push_back(rowToRecord(q));
    for (DrillRecord& r : out)
        loadEvents(m_store.database(), r);
    return out;
}

QStringList DrillSessionStore::trainees() const {
    QSqlQuery q(m_store.database());
    QStringList names;
    if (q.exec(u"SELECT DISTINCT trainee FROM drill_sessions WHERE trainee <> '' ORDER BY "
               "trainee"_s))
        while (q.next())
            names.append(q.value(0).toString());
    return names;
}

}  // namespace pulsco
