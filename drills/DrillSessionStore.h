// Drill sessions in the console store: DrillRecord <-> the plain rows of
// store/DrillSessionTable (migration 002_drills), which writes a session and
// its timeline in one transaction, so a session is either all there or not
// at all. History per trainee, newest first. The SQL is in the store layer;
// what the rows mean (the score JSON, event kinds) is here.
#pragma once

#include "drills/DrillRecord.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace pulsco {

class ConsoleStore;
class DrillJournal;

class DrillSessionStore {
public:
    explicit DrillSessionStore(ConsoleStore& store);

    // Commits the session and its events; returns the new id, or nullopt
    // and *error (naming the database file).
    std::optional<qint64> save(const DrillRecord& record, QString* error);
    std::optional<DrillRecord> load(qint64 id, QString* error = nullptr) const;
    // Sessions of `trainee` ("" = everyone), newest first, with their events.
    std::vector<DrillRecord> history(const QString& trainee, int limit = 1000) const;
    QStringList trainees() const;
    // A session of `drillName` started at `startedAt` is saved.
    bool contains(const QString& drillName, const QDateTime& startedAt) const;
    // A journal in the same store, for a drill that starts now
    // (DrillSession::setJournal): callers never see the store itself.
    std::unique_ptr<DrillJournal> openJournal() const;

private:
    ConsoleStore& m_store;
};

}  // namespace pulsco
