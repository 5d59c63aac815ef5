// Numbered schema migrations of the pulsco-matchd database, each with an up
// and a down step, run by the shared store/SchemaMigrator (the console's
// store uses the same runner). The current version is kept in table
// schema_version.
#pragma once

#include "net/store/StoreAddress.h"
#include "store/SchemaMigrator.h"

#include <QSqlDatabase>
#include <QString>

#include <vector>

namespace pulsco {

// As written, for SQLite; and as run on `dialect` (net/store/StoreAddress.h,
// translateDdl).
const std::vector<SchemaMigration>& schemaMigrations();
const std::vector<SchemaMigration>& schemaMigrations(SqlDialect dialect);
int latestSchemaVersion();

// 0 for an empty database. -1 and *error when it cannot be read.
int schemaVersion(QSqlDatabase& db, QString* error);

// Moves the schema (of either dialect, from the connection's driver) up or down to `target` one
// migration at a time, each in its own transaction together with the version bump. Refuses a
// database newer than this program knows. Returns false and sets *error ("<db>: migration N up:
// <why>") on failure; the failed step is rolled back.
bool migrateSchema(QSqlDatabase& db, int target, QString* error);

}  // namespace pulsco
