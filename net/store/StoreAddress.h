// Where pulsco-matchd's store lives: a SQLite file (the embedded default,
// `--data-dir DIR`) or a PostgreSQL database (`--store
// postgresql://user@host:port/db`), and what differs between the two SQL
// dialects. Everything else — schema, group commit, the 201-after-commit
// contract — is one code path (net/store/GroupCommitStore).
#pragma once

#include <QSqlDatabase>
#include <QSqlError>
#include <QString>

#include <optional>

namespace pulsco {

enum class SqlDialect { Sqlite, Postgresql };

struct StoreAddress {
    SqlDialect dialect = SqlDialect::Sqlite;
    QString path;  // SQLite: the database file
    // PostgreSQL: from the URL. The password, when the URL carries one,
    // never appears in display(); PGPASSWORD or ~/.pgpass are better.
    QString host = QStringLiteral("127.0.0.1");
    int port = 5432;
    QString user;
    QString password;
    QString database;

    // "postgresql://user@host:port/db" (the URL without the password) or
    // the SQLite file's path, for logs and messages.
    QString display() const;

    // A file path, or a postgresql:// (or postgres://) URL. nullopt and
    // *error ("--store: <why> (got '...')") for a malformed URL.
    static std::optional<StoreAddress> parse(const QString& text, QString* error);
    // Whether `text` names PostgreSQL (postgresql:// or postgres://, any case).
    static bool isUrl(const QString& text);
    // `text` fit to print: a password in it replaced by ***.
    static QString masked(const QString& text);
    static StoreAddress sqlite(const QString& file) {
        StoreAddress a;
        a.path = file;
        return a;
    }
};

// Adds a connection for `address` under `connectionName` with the right
// Qt driver (QSQLITE, QPSQL) and its settings, not yet opened.
QSqlDatabase addStoreConnection(const StoreAddress& address, const QString& connectionName);

SqlDialect dialectOf(const QSqlDatabase& db);

// A statement of the migrations as written (SQLite) for `dialect`:
// PostgreSQL's INTEGER is 32 bits and its REAL single precision, where
// SQLite's are 64-bit integers and doubles, so they become BIGINT and
// DOUBLE PRECISION there. Nothing else differs in the shipped migrations.
QString translateDdl(const QString& statement, SqlDialect dialect);

// Whether a refused write concerns only the rows one request wrote (a
// constraint, a type or range problem), so only that request fails; any
// other error concerns the store itself (disk, file, connection) and fails
// the whole batch. SQLite: its primary result codes; PostgreSQL: SQLSTATE
// classes 22 (data exception) and 23 (integrity constraint violation).
bool isRequestSpecificError(const QSqlError& error, SqlDialect dialect);

}  // namespace pulsco
