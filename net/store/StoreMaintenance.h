// Maintenance of pulsco-matchd's SQLite store outside the server: plan and
// run schema migrations up or down (saying which steps would drop data),
// take a consistent copy while the server runs, and count what a store
// holds. The commands of net/server/StoreCommands are built on these; the
// SQL lives here, beside the store's other SQL.
#pragma once

#include "net/store/StoreAddress.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <map>
#include <optional>
#include <vector>

namespace pulsco {

// The store's file inside a data directory (what --data-dir names).
QString storeFileIn(const QString& dataDir);

// A connection of its own to a SQLite file or a PostgreSQL database, closed
// and removed again when this goes (Qt wants every QSqlDatabase copy gone
// before removeDatabase). ReadOnly applies to SQLite.
class StoreConnection {
public:
    enum class Mode { ReadWrite, ReadOnly };
    StoreConnection(const QString& path, Mode mode);
    StoreConnection(const StoreAddress& address, Mode mode);
    ~StoreConnection();
    StoreConnection(const StoreConnection&) = delete;
    StoreConnection& operator=(const StoreConnection&) = delete;

    bool isOpen() const { return m_error.isEmpty(); }
    // "<where>: cannot open: <the driver's reason>" when it did not open.
    const QString& error() const { return m_error; }
    QSqlDatabase& db() { return m_db; }

private:
    QString m_name;
    QSqlDatabase m_db;
    QString m_error;
};

// One migration step as `migrate --dry-run` prints it.
struct MigrationStep {
    int version = 0;  // the migration's number
    QString name;
    bool up = true;
    QStringList statements;
    // What the step would destroy that is there now: "table up_intervals
    // (12 rows)", "column matches.result_ms (40 rows)". Empty: nothing.
    QStringList dataLoss;
};

// The steps from the store's version to `target`, in the order they run.
// nullopt and *error ("<why>") when the version cannot be read, the store is
// newer than this program, or `target` is not 0..latest.
std::optional<std::vector<MigrationStep>> planMigration(QSqlDatabase& db, int target,
                                                        QString* error);

// PostgreSQL: a database of its own on the server `db` is connected to
// (the role needs CREATEDB), and gone again (WITH (FORCE): connections
// left in it are closed). "" or why not.
QString createDatabase(QSqlDatabase& db, const QString& name);
QString dropDatabase(QSqlDatabase& db, const QString& name);
// PostgreSQL: CREATE EXTENSION amcheck where this role may (a superuser);
// nothing otherwise (the store check then says why it did not run).
void installAmcheckIfAllowed(QSqlDatabase& db);

// Whether the database holds no table at all (a restore's target).
bool hasNoTables(QSqlDatabase& db);

// What a store holds, for the commands' reports.
struct StoreCounts {
    int schemaVersion = 0;
    std::map<QString, qint64> ticketsByState;  // every state found, also odd ones
    qint64 tickets = 0;
    qint64 matches = 0;
    qint64 ratings = 0;
    qint64 upIntervals = 0;
};
// Reads the tables the schema version has; nullopt and *error otherwise.
std::optional<StoreCounts> readStoreCounts(QSqlDatabase& db, QString* error);
// "schema 3; tickets 120 (matched 80, searching 40); matches 20; ..."
QString describeCounts(const StoreCounts& counts);

// A consistent copy of the store at `sourcePath` written to `targetPath`
// (which must not exist) with SQLite's VACUUM INTO on a read-only connection
// of its own: one read transaction, so the copy is the store as of one
// moment while a running server goes on committing. False and *error.
bool copyStoreConsistently(const QString& sourcePath, const QString& targetPath, QString* error);

}  // namespace pulsco
