// Drill sessions in the console store (store/ConsoleStore, migration
// 002_drills): one row per session plus its timeline, written in one
// transaction, so a session is either all there or not at all. History per
// trainee, newest first.
#pragma once

#include "drills/DrillRecord.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace pulsco {

class ConsoleStore;

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
    ConsoleStore& consoleStore() const { return m_store; }

private:
    ConsoleStore& m_store;
};

}  // namespace pulsco
