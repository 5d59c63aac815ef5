#include "net/store/Migrations.h"

#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace pulsco {

const std::vector<Migration>& schemaMigrations() {
    static const std::vector<Migration> migrations = {
        {1,
         "tickets, matches and player ratings",
         {u"CREATE TABLE tickets (seq INTEGER PRIMARY KEY, queue TEXT NOT NULL, players TEXT NOT "
          u"NULL,"
          " state TEXT NOT NULL, match_seq INTEGER NOT NULL DEFAULT 0, created_ms INTEGER NOT NULL,"
          " updated_ms INTEGER NOT NULL, wait_ms INTEGER NOT NULL DEFAULT 0)"_s,
          u"CREATE TABLE matches (seq INTEGER PRIMARY KEY, queue TEXT NOT NULL, region TEXT NOT "
          u"NULL,"
          " detail TEXT NOT NULL, created_ms INTEGER NOT NULL, winner_team INTEGER NOT NULL DEFAULT -1)"_s,
          u"CREATE TABLE ratings (player_id TEXT PRIMARY KEY, mu REAL NOT NULL, sigma REAL NOT "
          u"NULL,"
          " updated_ms INTEGER NOT NULL)"_s},
         {u"DROP TABLE ratings"_s, u"DROP TABLE matches"_s, u"DROP TABLE tickets"_s}},
        {2,
         "index of tickets by state (restart re-queues searching tickets); when a result came",
         {u"CREATE INDEX tickets_by_state ON tickets(state)"_s,
          u"ALTER TABLE matches ADD COLUMN result_ms INTEGER NOT NULL DEFAULT 0"_s},
         {u"ALTER TABLE matches DROP COLUMN result_ms"_s, u"DROP INDEX tickets_by_state"_s}},
    };
    return migrations;
}

int latestSchemaVersion() {
    return schemaMigrations().back().version;
}

int schemaVersion(QSqlDatabase& db, QString* error) {
    QSqlQuery q(db);
    if (!q.exec(u"SELECT name FROM sqlite_master WHERE type='table' AND name='schema_version'"_s)) {
        *error = db.databaseName() + u": "_s + q.lastError().text();
        return -1;
    }
    if (!q.next())
        return 0;
    if (!q.exec(u"SELECT version FROM schema_version"_s) || !q.next()) {
        *error = db.databaseName() + u": schema_version: cannot be read"_s;
        return -1;
    }
    return q.value(0).toInt();
}

namespace {

bool runStep(QSqlDatabase& db, const QStringList& statements, int newVersion, const QString& what,
             QString* error) {
    if (!db.transaction()) {
        *error = db.databaseName() + u": "_s + what + u": "_s + db.lastError().text();
        return false;
    }
    QSqlQuery q(db);
    QStringList all = statements;
    all << u"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"_s
        << u"DELETE FROM schema_version"_s
        << u"INSERT INTO schema_version (version) VALUES (%1)"_s.arg(newVersion);
    for (const QString& sql : all) {
        if (!q.exec(sql)) {
            *error = db.databaseName() + u": "_s + what + u": "_s + q.lastError().text();
            q.finish();
            db.rollback();
            return false;
        }
    }
    q.finish();
    if (!db.commit()) {
        *error = db.databaseName() + u": "_s + what + u": "_s + db.lastError().text();
        db.rollback();
        return false;
    }
    return true;
}

}  // namespace

bool migrateSchema(QSqlDatabase& db, int target, QString* error) {
    int current = schemaVersion(db, error);
    if (current < 0)
        return false;
    if (current > latestSchemaVersion()) {
        *error = db.databaseName() +
                 u": schema_version: %1 is newer than this program knows (%2); use a newer "
                 "pulsco-matchd or migrate down with it"_s.arg(current)
                     .arg(latestSchemaVersion());
        return false;
    }
    if (target < 0 || target > latestSchemaVersion()) {
        *error = u"migration target: must be from 0 to %1"_s.arg(latestSchemaVersion());
        return false;
    }
    const auto& all = schemaMigrations();
    while (current < target) {
        const Migration& m = all[std::size_t(current)];
        if (!runStep(db, m.up, m.version, u"migration %1 up"_s.arg(m.version), error))
            return false;
        current = m.version;
    }
    while (current > target) {
        const Migration& m = all[std::size_t(current - 1)];
        if (!runStep(db, m.down, m.version - 1, u"migration %1 down"_s.arg(m.version), error))
            return false;
        current = m.version - 1;
    }
    return true;
}

}  // namespace pulsco
