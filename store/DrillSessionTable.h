// The drill_sessions and drill_events tables (migration 002_drills) as plain
// rows: the SQL of saved drill sessions lives here, in the store layer. The
// meaning of the rows (DrillRecord, the score JSON) belongs to
// drills/DrillSessionStore, which converts; this file knows only columns.
#pragma once

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace pulsco {

class ConsoleStore;

// One drill_sessions row. Optional seconds are SQL NULL ("not reached").
struct DrillSessionRow {
    qint64 id = 0;  // assigned by insert()
    QString drill;
    QString title;
    QString trainee;
    QString trainer;
    QString source;
    qint64 startedAtMs = 0;
    double startSourceSeconds = 0;
    double durationSeconds = 0;
    bool passed = false;
    std::optional<double> mttdSeconds;
    std::optional<double> mttrSeconds;
    double mttdTargetSeconds = 0;
    double mttrTargetSeconds = 0;
    bool emergencyStopped = false;
    QString scoreJson = QStringLiteral("{}");
    QString environment;  // "rehearsal", "staging" ("" before it was kept)
};

// One drill_events row; `seq` is its place in the session's timeline.
struct DrillEventRow {
    double atSeconds = 0;
    QString kind;
    QString text;
    QString who;
    bool hidden = false;
};

class DrillSessionTable {
public:
    explicit DrillSessionTable(ConsoleStore& store);

    // The session row and its events in one transaction (all or nothing);
    // returns the new id, or nullopt and *error naming the database file.
    std::optional<qint64> insert(const DrillSessionRow& session,
                                 const std::vector<DrillEventRow>& events, QString* error);
    std::optional<DrillSessionRow> session(qint64 id) const;
    // Sessions of `trainee` ("" = everyone), newest first.
    std::vector<DrillSessionRow> sessions(const QString& trainee, int limit) const;
    // The session's events in timeline order.
    std::vector<DrillEventRow> events(qint64 sessionId) const;
    // Everyone with a saved session, sorted; no empty names.
    QStringList trainees() const;
    // A session of `drill` started at `startedAtMs` is saved.
    bool contains(const QString& drill, qint64 startedAtMs) const;

    const QString& path() const;

private:
    ConsoleStore& m_store;
};

}  // namespace pulsco
