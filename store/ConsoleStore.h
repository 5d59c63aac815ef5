// The console's SQLite database: rollout audit trail, gate evaluations,
// drill sessions. One file in the user's data directory
// (QStandardPaths::AppDataLocation/pulsco-console.sqlite) unless a path is
// given (tests, --data-dir). WAL with synchronous=FULL, so a statement that
// returned has reached the disk: killing the console loses nothing it
// acknowledged. Opening migrates the schema to the latest version.
#pragma once

#include "store/SchemaMigrator.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>

namespace pulsco {

class ConsoleStore {
public:
    static constexpr auto kFileName = "pulsco-console.sqlite";
    static constexpr auto kMigrationDirectory = ":/pulsco/store/migrations";

    // The database file in the user's data directory (created if needed).
    static QString defaultPath();
    // The console's migrations, from the embedded files.
    static const SchemaMigrator& migrator();

    // Opens (creating) and migrates; null and *error on failure, naming the file.
    static std::unique_ptr<ConsoleStore> open(const QString& path, QString* error);
    // Opens without migrating (for migration tests and tools).
    static std::unique_ptr<ConsoleStore> openUnmigrated(const QString& path, QString* error);
    ~ConsoleStore();
    ConsoleStore(const ConsoleStore&) = delete;
    ConsoleStore& operator=(const ConsoleStore&) = delete;

    QSqlDatabase& database() { return m_db; }
    const QString& path() const { return m_path; }
    int schemaVersion();
    // "ok" when PRAGMA integrity_check finds nothing, else what it found.
    QString integrityCheck();

private:
    ConsoleStore(QString path, QString connection);

    QString m_path;
    QString m_connection;
    QSqlDatabase m_db;
};

}  // namespace pulsco
