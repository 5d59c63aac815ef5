// The store's maintenance log: every run of pulsco-matchd's store commands
// (migrate, backup, verify, restore) appends one row to the store it worked
// on, with what it measured there (row counts before and after, the store's
// own check, a backup file's size and SHA-256). The server reads the log and
// reports what the runs amount to (core/MetricsSnapshot.h,
// StoreMaintenanceReport); the console's rollout gates count that.
//
// What counts is judged here from the figures, never from a run saying it
// went well:
// - a migration round trip: a migrate down and, next, back up to where it
//   started, every table the lower schema keeps holding the same rows before,
//   between and after, and the store's own check "ok" at the end;
// - a verified backup: a verify that found the file sound and whose SHA-256
//   is that of a file a backup run of this store wrote;
// - a restore drill: a restore that wrote a sound copy into this store, and
//   the server now runs on it (or it would not be reporting).
//
// The table lives outside the versioned schema (migrations never touch it,
// so a round trip down to 0 keeps the log) and is created by the first run
// that writes to it. It travels with backups and restores.
#pragma once

#include "core/MetricsSnapshot.h"
#include "net/store/StoreMaintenance.h"

#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>

#include <optional>
#include <vector>

namespace pulsco {

struct MaintenanceRun {
    qint64 seq = 0;   // assigned by appendMaintenanceRun
    qint64 atMs = 0;  // wall clock when the run ended; 0: now
    QString kind;     // "migrate", "backup", "verify", "restore"
    QString command;  // the command line as run, passwords masked
    bool ok = false;  // the command did what it was asked (a verify: found it sound)
    QJsonObject detail;
};

// Appends one run (creating the table if needed). False and *error.
bool appendMaintenanceRun(QSqlDatabase& db, MaintenanceRun run, QString* error);
// Every run, oldest first; empty when the table does not exist. nullopt and
// *error when it cannot be read.
std::optional<std::vector<MaintenanceRun>> readMaintenanceRuns(QSqlDatabase& db, QString* error);

// What the runs amount to (see above); `latest` keeps the newest `keep`
// judgements, held or not.
StoreMaintenanceReport summarizeMaintenance(const std::vector<MaintenanceRun>& runs,
                                            std::size_t keep = 10);

// The figures the runs record.
QJsonObject countsToJson(const StoreCounts& counts);
// Lower-case hex SHA-256 of the file; "" and *error when it cannot be read.
QString sha256OfFile(const QString& path, QString* error);

}  // namespace pulsco
