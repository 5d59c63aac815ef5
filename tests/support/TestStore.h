// Which store backend a suite runs on, so the same test functions run on
// SQLite and on PostgreSQL (parametrised, not copied). ctest runs the
// PostgreSQL variants as their own entries (cmake: pulsco_add_postgresql_variant,
// labels `postgresql` and `store-variant`) with PULSCO_TEST_STORE=postgresql;
// without it a suite runs on SQLite as always.
//
// On PostgreSQL one throw-away cluster (tests/support/PostgresProcess.h)
// serves the whole test process, started at the first fresh store and
// stopped at exit; every fresh store is a new, empty database in it. A
// cluster that does not start is a failure with its reason, never a skip.
#pragma once

#include "support/PostgresProcess.h"

#include <QDir>
#include <QString>

#include <memory>

namespace pulsco::test {

class TestStore {
public:
    static bool postgres() {
        return qEnvironmentVariable("PULSCO_TEST_STORE") == QStringLiteral("postgresql");
    }
    static QString backendName() {
        return postgres() ? QStringLiteral("postgresql") : QStringLiteral("sqlite");
    }

    // What pulsco-matchd's store opens (GroupCommitStore::Options::path):
    // on SQLite `sqliteFile` as given, on PostgreSQL the URL of a new empty
    // database. "" and *error when the cluster or the database cannot be made.
    static QString fresh(const QString& sqliteFile, QString* error) {
        if (!postgres())
            return sqliteFile;
        PostgresProcess* pg = cluster(error);
        if (!pg)
            return {};
        const QString name = QStringLiteral("store%1").arg(++counter());
        if (const QString why = pg->createDatabase(name); !why.isEmpty()) {
            *error = why;
            return {};
        }
        // amcheck, as docs/matchd.md asks of an operator: the integrity
        // audit's store check then runs (bt_index_check) and says ok, where
        // without it the audit says "none".
        PostgresConnection db(*pg, name);
        QSqlQuery q(db.db());
        if (!db.isOpen() || !q.exec(QStringLiteral("CREATE EXTENSION amcheck"))) {
            *error = pg->connectionUrl(name) + QStringLiteral(": CREATE EXTENSION amcheck: ") +
                     (db.isOpen() ? q.lastError().text() : db.error());
            return {};
        }
        return pg->connectionUrl(name);
    }

    // The flags that put a pulsco-matchd on a fresh store of this backend:
    // --data-dir DIR, or --store URL.
    static QStringList freshServerFlags(const QString& dataDir, QString* error) {
        if (!postgres())
            return {QStringLiteral("--data-dir"), dataDir};
        const QString url = fresh({}, error);
        return url.isEmpty() ? QStringList{} : QStringList{QStringLiteral("--store"), url};
    }

    // The process's cluster (started on first use), or null and *error.
    static PostgresProcess* cluster(QString* error) {
        static std::unique_ptr<PostgresProcess> pg;
        static QString startError;
        if (!pg) {
            pg = std::make_unique<PostgresProcess>();
            startError = pg->start();
        }
        if (!startError.isEmpty()) {
            *error = QStringLiteral("PostgreSQL test cluster: ") + startError;
            return nullptr;
        }
        return pg.get();
    }

private:
    static int& counter() {
        static int n = 0;
        return n;
    }
};

}  // namespace pulsco::test
