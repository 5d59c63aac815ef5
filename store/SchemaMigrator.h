// Numbered schema migrations with an up and a down step, applied one at a
// time, each in its own transaction together with the version bump (table
// schema_version). Generic: the migration list is a parameter, so any
// SQLite store (the console's, and pulsco-matchd's later) can use it.
// The console's migrations are files store/migrations/NNN_name.up.sql and
// NNN_name.down.sql, embedded under :/pulsco/store/migrations/ by a glob.
#pragma once

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace pulsco {

struct SchemaMigration {
    int version = 0;   // after `up`, the schema is at this version
    QString name;      // "audit_trail"
    QStringList up;    // statements
    QStringList down;  // undo `up`, back to version - 1
};

// Reads every NNN_name.up.sql / NNN_name.down.sql pair of `directory` (a
// path or a resource directory). Versions must run 1, 2, 3... without gaps
// and every up needs its down. nullopt and *error ("<dir>/<file>: <why>")
// otherwise.
std::optional<std::vector<SchemaMigration>> loadMigrationDirectory(const QString& directory,
                                                                   QString* error);

class SchemaMigrator {
public:
    explicit SchemaMigrator(std::vector<SchemaMigration> migrations);

    int latestVersion() const;
    const std::vector<SchemaMigration>& migrations() const { return m_migrations; }

    // 0 for an empty database; -1 and *error when it cannot be read.
    static int version(QSqlDatabase& db, QString* error);

    // Up or down to `target`, one migration per transaction. Refuses a
    // database newer than the list knows. On failure the failed step is
    // rolled back and *error says "<db>: migration N up: <why>".
    bool migrate(QSqlDatabase& db, int target, QString* error) const;
    bool migrateToLatest(QSqlDatabase& db, QString* error) const {
        return migrate(db, latestVersion(), error);
    }

private:
    std::vector<SchemaMigration> m_migrations;
};

}  // namespace pulsco
