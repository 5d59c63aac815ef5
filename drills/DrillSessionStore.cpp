#include "drills/DrillSessionStore.h"

#include "drills/DrillJournal.h"
#include "store/DrillSessionTable.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// NaN is "not reached": a NULL column.
std::optional<double> toOptional(double v) {
    return std::isnan(v) ? std::nullopt : std::optional<double>(v);
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

DrillSessionRow toRow(const DrillRecord& r) {
    DrillSessionRow row;
    row.drill = r.drillName;
    row.title = r.drillTitle;
    row.trainee = r.trainee;
    row.trainer = r.trainer;
    row.source = r.sourceName;
    row.startedAtMs = r.startedAt.isValid() ? r.startedAt.toMSecsSinceEpoch()
                                            : QDateTime::currentMSecsSinceEpoch();
    row.startSourceSeconds = r.startSourceSeconds;
    row.durationSeconds = r.durationSeconds;
    const DrillScore& s = r.score;
    row.passed = s.passed;
    row.mttdSeconds = toOptional(s.mttdSeconds);
    row.mttrSeconds = toOptional(s.mttrSeconds);
    row.mttdTargetSeconds = s.mttdTargetSeconds;
    row.mttrTargetSeconds = s.mttrTargetSeconds;
    row.emergencyStopped = s.emergencyStopped;
    row.scoreJson = QString::fromUtf8(scoreJson(s));
    row.environment = r.environment;
    return row;
}

std::vector<DrillEventRow> toRows(const std::vector<DrillEvent>& events) {
    std::vector<DrillEventRow> rows;
    rows.reserve(events.size());
    for (const DrillEvent& e : events)
        rows.push_back({e.atSeconds, toString(e.kind), e.text, e.who, e.hidden});
    return rows;
}

DrillRecord fromRow(const DrillSessionRow& row, const std::vector<DrillEventRow>& events) {
    DrillRecord r;
    r.id = row.id;
    r.drillName = row.drill;
    r.drillTitle = row.title;
    r.trainee = row.trainee;
    r.trainer = row.trainer;
    r.sourceName = row.source;
    r.environment = row.environment;
    r.startedAt = QDateTime::fromMSecsSinceEpoch(row.startedAtMs, Qt::UTC);
    r.startSourceSeconds = row.startSourceSeconds;
    r.durationSeconds = row.durationSeconds;
    r.score.passed = row.passed;
    r.score.mttdSeconds = row.mttdSeconds.value_or(DrillScore::kNone);
    r.score.mttrSeconds = row.mttrSeconds.value_or(DrillScore::kNone);
    r.score.mttdTargetSeconds = row.mttdTargetSeconds;
    r.score.mttrTargetSeconds = row.mttrTargetSeconds;
    r.score.emergencyStopped = row.emergencyStopped;
    readScoreJson(row.scoreJson.toUtf8(), r.score);
    for (const DrillEventRow& e : events)
        r.events.push_back({e.atSeconds,
                            drillEventKindFromString(e.kind).value_or(DrillEventKind::Note), e.text,
                            e.who, e.hidden});
    return r;
}

}  // namespace

DrillSessionStore::DrillSessionStore(ConsoleStore& store)
    : m_store(store) {}

std::optional<qint64> DrillSessionStore::save(const DrillRecord& r, QString* error) {
    return DrillSessionTable(m_store).insert(toRow(r), toRows(r.events), error);
}

std::optional<DrillRecord> DrillSessionStore::load(qint64 id, QString* error) const {
    const DrillSessionTable table(m_store);
    const auto row = table.session(id);
    if (!row) {
        if (error)
            *error = u"%1: no drill session %2"_s.arg(table.path()).arg(id);
        return std::nullopt;
    }
    return fromRow(*row, table.events(id));
}

std::vector<DrillRecord> DrillSessionStore::history(const QString& trainee, int limit) const {
    const DrillSessionTable table(m_store);
    std::vector<DrillRecord> out;
    for (const DrillSessionRow& row : table.sessions(trainee, limit))
        out.push_back(fromRow(row, table.events(row.id)));
    return out;
}

QStringList DrillSessionStore::trainees() const {
    return DrillSessionTable(m_store).trainees();
}

bool DrillSessionStore::contains(const QString& drillName, const QDateTime& startedAt) const {
    return DrillSessionTable(m_store).contains(drillName, startedAt.toMSecsSinceEpoch());
}

std::unique_ptr<DrillJournal> DrillSessionStore::openJournal() const {
    return std::make_unique<DrillJournal>(m_store);
}

}  // namespace pulsco
