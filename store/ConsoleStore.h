// The console's SQLite database: rollout audit trail, gate evaluations,
// drill sessions. One file in the user's data directory
// (QStandardPaths::AppDataLocation/pulsco-console.sqlite) unless a path is
// given (tests, --data-dir). WAL with synchronous=FULL, so a statement that
// returned has reached the disk: killing the console loses nothing it
// acknowledged. Opening migrates the schema to the latest version.
#pragma once

#include "store/SchemaMigrator.h"

#include <QLockFile>
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
    // Another running console (or another store object in this process) has
    // this file open: its drill journals are alive, not interrupted. Told by
    // a lock file beside the database (`<file>.lock`), held while the store
    // is open and taken over when its holder died.
    bool sharedWithAnotherConsole() const { return !m_lock.isLocked(); }
    qint64 otherConsolePid() const;

private:
    ConsoleStore(QString path, QString connection);

    QString m_path;
    QString m_connection;
    QSqlDatabase m_db;
    QLockFile m_lock;
};

}  // namespace pulsco
