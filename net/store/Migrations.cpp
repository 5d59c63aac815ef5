#include "net/store/Migrations.h"

using namespace Qt::StringLiterals;

namespace pulsco {

const std::vector<SchemaMigration>& schemaMigrations() {
    static const std::vector<SchemaMigration> migrations = {
        {1,
         u"tickets_matches_ratings"_s,
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
         // Restart re-queues searching tickets (index by state); when a result came.
         u"tickets_by_state_result_time"_s,
         {u"CREATE INDEX tickets_by_state ON tickets(state)"_s,
          u"ALTER TABLE matches ADD COLUMN result_ms INTEGER NOT NULL DEFAULT 0"_s},
         {u"ALTER TABLE matches DROP COLUMN result_ms"_s, u"DROP INDEX tickets_by_state"_s}},
        {3,
         // Availability as time: one row per stretch the server was up,
         // extended by a heartbeat every few seconds (docs/matchd.md).
         u"up_intervals"_s,
         {u"CREATE TABLE up_intervals (id INTEGER PRIMARY KEY, started_ms INTEGER NOT NULL,"
          " last_beat_ms INTEGER NOT NULL)"_s},
         {u"DROP TABLE up_intervals"_s}},
    };
    return migrations;
}

int latestSchemaVersion() {
    return schemaMigrations().back().version;
}

int schemaVersion(QSqlDatabase& db, QString* error) {
    return SchemaMigrator::version(db, error);
}

const std::vector<SchemaMigration>& schemaMigrations(SqlDialect dialect) {
    if (dialect == SqlDialect::Sqlite)
        return schemaMigrations();
    static const std::vector<SchemaMigration> translated = [dialect] {
        std::vector<SchemaMigration> out = schemaMigrations();
        for (SchemaMigration& m : out) {
            for (QString& statement : m.up)
                statement = translateDdl(statement, dialect);
            for (QString& statement : m.down)
                statement = translateDdl(statement, dialect);
        }
        return out;
    }();
    return translated;
}

bool migrateSchema(QSqlDatabase& db, int target, QString* error) {
    static const SchemaMigrator sqlite(schemaMigrations(SqlDialect::Sqlite));
    static const SchemaMigrator postgresql(schemaMigrations(SqlDialect::Postgresql));
    return (dialectOf(db) == SqlDialect::Postgresql ? postgresql : sqlite)
        .migrate(db, target, error);
}

}  // namespace pulsco
