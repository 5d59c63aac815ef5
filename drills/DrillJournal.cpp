#include "drills/DrillJournal.h"

#include "drills/DrillSessionStore.h"
#include "store/AuditTrail.h"
#include "store/ConsoleStore.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <iterator>

namespace pulsco {

using namespace Qt::StringLiterals;

namespace {

QByteArray compact(const QJsonObject& o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

}  // namespace

DrillJournal::DrillJournal(ConsoleStore& store)
    : m_store(store) {}

bool DrillJournal::begin(const DrillRecord& header, QString* error) {
    AuditEntry e;
    e.actor = header.trainee.isEmpty() ? u"system"_s : header.trainee;
    e.kind = audit::kDrillStarted;
    e.plan = audit::kDrillJournalPlan;
    e.subject = header.drillName;
    e.source = header.sourceName;
    e.evidence = compact({{u"drill"_s, header.drillName},
                          {u"title"_s, header.drillTitle},
                          {u"trainee"_s, header.trainee},
                          {u"trainer"_s, header.trainer},
                          {u"source"_s, header.sourceName},
                          {u"started_at_ms"_s, header.startedAt.toMSecsSinceEpoch()}});
    const auto id = AuditTrail(m_store, AuditTrail::Trail::DrillJournal).append(e, error);
    if (!id)
        return false;
    m_key = QString::number(*id);
    m_seq = 0;
    return true;
}

bool DrillJournal::append(const DrillEvent& event, QString* error) {
    if (m_key.isEmpty())
        return true;  // not journaled (no store): nothing to make durable
    AuditEntry e;
    e.actor = event.who.isEmpty() ? u"system"_s : event.who;
    e.kind = audit::kDrillEvent;
    e.plan = audit::kDrillJournalPlan;
    e.subject = m_key;
    e.note = event.text;
    e.sourceTimeSeconds = event.atSeconds;
    e.evidence = compact({{u"seq"_s, m_seq},
                          {u"kind"_s, toString(event.kind)},
                          {u"who"_s, event.who},
                          {u"hidden"_s, event.hidden}});
    if (!AuditTrail(m_store, AuditTrail::Trail::DrillJournal).append(e, error))
        return false;
    ++m_seq;
    return true;
}

std::optional<int> DrillJournal::recoverInterrupted(ConsoleStore& store, QString* error) {
    // Another console runs on this store: its open journals are drills in
    // progress. The next console to start alone recovers what is left.
    if (store.sharedWithAnotherConsole())
        return 0;
    AuditTrail trail(store, AuditTrail::Trail::DrillJournal);
    // Every row of the given kinds after `afterId`, page by page (a query
    // returns at most `limit` rows).
    const auto all = [&trail](const QStringList& kinds, qint64 afterId) {
        std::vector<AuditEntry> rows;
        AuditTrail::Query query;
        query.plan = audit::kDrillJournalPlan;
        query.kinds = kinds;
        query.limit = 10000;
        query.afterId = afterId;
        for (;;) {
            std::vector<AuditEntry> page = trail.entries(query);
            const bool last = page.size() < std::size_t(query.limit);
            if (!page.empty())
                query.afterId = page.back().id;
            rows.insert(rows.end(), std::make_move_iterator(page.begin()),
                        std::make_move_iterator(page.end()));
            if (last)
                return rows;
        }
    };
    // Open journals first (few rows); then only the events after the oldest
    // open one: every start closes all journals, so that is recent.
    QHash<QString, DrillRecord> open;  // journal key -> its record so far
    QList<QString> order;
    for (const AuditEntry& row : all({audit::kDrillStarted, audit::kDrillClosed}, 0)) {
        if (row.kind == audit::kDrillStarted) {
            const QJsonObject h = QJsonDocument::fromJson(row.evidence).object();
            DrillRecord r;
            r.drillName = h.value(u"drill"_s).toString();
            r.drillTitle = h.value(u"title"_s).toString();
            r.trainee = h.value(u"trainee"_s).toString();
            r.trainer = h.value(u"trainer"_s).toString();
            r.sourceName = h.value(u"source"_s).toString();
            r.startedAt = QDateTime::fromMSecsSinceEpoch(
                static_cast<qint64>(h.value(u"started_at_ms"_s).toDouble()), Qt::UTC);
            const QString key = QString::number(row.id);
            open.insert(key, r);
            order << key;
        } else {
            open.remove(row.subject);
            order.removeAll(row.subject);
        }
    }
    if (order.isEmpty())
        return 0;
    qint64 oldest = order.constFirst().toLongLong();
    for (const QString& key : std::as_const(order))
        oldest = std::min(oldest, key.toLongLong());
    for (const AuditEntry& row : all({audit::kDrillEvent}, oldest)) {
        auto it = open.find(row.subject);
        if (it == open.end())
            continue;
        const QJsonObject ev = QJsonDocument::fromJson(row.evidence).object();
        DrillEvent e;
        e.atSeconds = row.sourceTimeSeconds;
        e.kind =
            drillEventKindFromString(ev.value(u"kind"_s).toString()).value_or(DrillEventKind::Note);
        e.text = row.note;
        e.who = ev.value(u"who"_s).toString();
        e.hidden = ev.value(u"hidden"_s).toBool();
        it->events.push_back(e);
    }
    int recovered = 0;
    DrillSessionStore sessions(store);
    for (const QString& key : std::as_const(order)) {
        DrillRecord r = open.value(key);
        if (!sessions.contains(r.drillName, r.startedAt)) {
            if (!r.events.empty())
                r.durationSeconds = r.events.back().atSeconds;
            r.score.passed = false;
            r.score.reasons = {kInterruptedReason};
            if (!sessions.save(r, error))
                return std::nullopt;
            ++recovered;
        }
        AuditEntry closed;
        closed.actor = u"system"_s;
        closed.kind = audit::kDrillClosed;
        closed.plan = audit::kDrillJournalPlan;
        closed.subject = key;
        if (!trail.append(closed, error))
            return std::nullopt;
    }
    return recovered;
}

}  // namespace pulsco
