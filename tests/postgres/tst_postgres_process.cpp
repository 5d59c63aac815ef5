// tests/support/PostgresProcess.h on a real PostgreSQL 15: a throw-away
// cluster starts (as the `postgres` user when we are root), takes a
// database, a table and a row over Qt's QPSQL driver, keeps its data across
// a restart, has amcheck, says why when its binaries are missing, and
// leaves no server process behind.
//
// Copyright the Pulsco authors. SPDX-License-Identifier: GPL-3.0-or-later
#include "support/PostgresProcess.h"

#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;
using pulsco::test::PostgresConnection;
using pulsco::test::PostgresProcess;

namespace {

// Whether a process is still there (a zombie counts: nobody reaped it).
bool processExists(qint64 pid) {
    return pid > 0 && QFileInfo::exists(u"/proc/%1"_s.arg(pid));
}

// Runs `sql`; "" or the statement with PostgreSQL's error.
QString exec(QSqlDatabase& db, const QString& sql) {
    QSqlQuery q(db);
    return q.exec(sql) ? QString() : sql + u": "_s + q.lastError().text();
}

}  // namespace

class TestPostgresProcess : public QObject {
    Q_OBJECT
private slots:
    void createsQueriesAndIsVersion15();
    void restartKeepsDataAndTakesNewSettings();
    void amcheckChecksAnIndex();
    void missingBinariesFailWithTheReason();
};

void TestPostgresProcess::createsQueriesAndIsVersion15() {
    qint64 pid = 0;
    {
        PostgresProcess pg;
        const QString why = pg.start();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        qInfo("initdb %lld ms, start until accepting connections %lld ms", pg.initMs(),
              pg.startMs());
        pid = pg.postmasterPid();
        QVERIFY(processExists(pid));
        QVERIFY(pg.port() > 0);
        QCOMPARE(pg.connectionUrl(u"pulsco"_s),
                 u"postgresql://postgres@127.0.0.1:%1/pulsco"_s.arg(pg.port()));
        QVERIFY(QFileInfo(pg.dataDir() + u"/PG_VERSION"_s).isFile());

        const QString created = pg.createDatabase(u"pulsco"_s);
        QVERIFY2(created.isEmpty(), qPrintable(created));
        PostgresConnection c(pg, u"pulsco"_s);
        QVERIFY2(c.isOpen(), qPrintable(c.error()));
        QSqlQuery q(c.db());
        QVERIFY2(q.exec(u"SELECT version(), current_setting('server_version_num')::int, "
                        "current_user, current_database(), current_setting('fsync')"_s) &&
                     q.next(),
                 qPrintable(q.lastError().text()));
        QVERIFY2(q.value(0).toString().startsWith(u"PostgreSQL 15"_s),
                 qPrintable(q.value(0).toString()));
        QCOMPARE(q.value(1).toInt() / 10000, 15);
        QCOMPARE(q.value(2).toString(), u"postgres"_s);
        QCOMPARE(q.value(3).toString(), u"pulsco"_s);
        // The crash and recovery suites to come need real durability.
        QCOMPARE(q.value(4).toString(), u"on"_s);

        for (const QString& sql :
             {u"CREATE TABLE tickets (seq BIGINT PRIMARY KEY, queue TEXT NOT NULL)"_s,
              u"INSERT INTO tickets (seq, queue) VALUES (7, 'ranked-5v5')"_s})
            QVERIFY2(exec(c.db(), sql).isEmpty(), qPrintable(exec(c.db(), sql)));
        QVERIFY2(q.exec(u"SELECT seq, queue FROM tickets"_s), qPrintable(q.lastError().text()));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toLongLong(), 7);
        QCOMPARE(q.value(1).toString(), u"ranked-5v5"_s);
        QVERIFY(!q.next());
    }
    // The destructor stopped the server and its parent reaped it.
    QVERIFY2(!processExists(pid), qPrintable(u"postgres %1 still there"_s.arg(pid)));
}

void TestPostgresProcess::restartKeepsDataAndTakesNewSettings() {
    PostgresProcess pg;
    QString why = pg.start();
    QVERIFY2(why.isEmpty(), qPrintable(why));
    why = pg.createDatabase(u"pulsco"_s);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    {
        PostgresConnection c(pg, u"pulsco"_s);
        QVERIFY2(c.isOpen(), qPrintable(c.error()));
        for (const QString& sql : {u"CREATE TABLE ratings (player_id TEXT PRIMARY KEY, mu "
                                   "DOUBLE PRECISION NOT NULL)"_s,
                                   u"INSERT INTO ratings VALUES ('p1', 25.125)"_s}) {
            why = exec(c.db(), sql);
            QVERIFY2(why.isEmpty(), qPrintable(why));
        }
    }
    const qint64 firstPid = pg.postmasterPid();
    const quint16 port = pg.port();
    pg.stop();
    QVERIFY(!pg.running());
    QVERIFY(!processExists(firstPid));

    // The settings point-in-time recovery will need, taken on restart.
    why = pg.start({u"wal_level = replica"_s, u"archive_mode = on"_s,
                    u"archive_command = 'cp %p %1/%f'"_s.arg(pg.dir())});
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QCOMPARE(pg.port(), port);
    PostgresConnection c(pg, u"pulsco"_s);
    QVERIFY2(c.isOpen(), qPrintable(c.error()));
    QSqlQuery q(c.db());
    QVERIFY2(q.exec(u"SELECT mu FROM ratings WHERE player_id = 'p1'"_s) && q.next(),
             qPrintable(q.lastError().text()));
    QCOMPARE(q.value(0).toDouble(), 25.125);
    QVERIFY2(q.exec(u"SELECT current_setting('wal_level'), current_setting('archive_mode')"_s) &&
                 q.next(),
             qPrintable(q.lastError().text()));
    QCOMPARE(q.value(0).toString(), u"replica"_s);
    QCOMPARE(q.value(1).toString(), u"on"_s);
}

void TestPostgresProcess::amcheckChecksAnIndex() {
    PostgresProcess pg;
    QString why = pg.start();
    QVERIFY2(why.isEmpty(), qPrintable(why));
    PostgresConnection c(pg, u"postgres"_s);
    QVERIFY2(c.isOpen(), qPrintable(c.error()));
    for (const QString& sql :
         {u"CREATE EXTENSION amcheck"_s,
          u"CREATE TABLE matches (seq BIGINT PRIMARY KEY, detail TEXT NOT NULL)"_s,
          u"INSERT INTO matches SELECT g, 'match ' || g FROM generate_series(1, 1000) g"_s}) {
        why = exec(c.db(), sql);
        QVERIFY2(why.isEmpty(), qPrintable(why));
    }
    QSqlQuery q(c.db());
    // heapallindexed: every row of the table must be found in the index.
    QVERIFY2(q.exec(u"SELECT bt_index_check('matches_pkey', true)"_s) && q.next(),
             qPrintable(q.lastError().text()));
    QVERIFY2(q.exec(u"SELECT count(*) FROM verify_heapam('matches')"_s) && q.next(),
             qPrintable(q.lastError().text()));
    QCOMPARE(q.value(0).toInt(), 0);  // no corruption reported
}

void TestPostgresProcess::missingBinariesFailWithTheReason() {
    const QByteArray before = qgetenv("PULSCO_PG_BINDIR");
    qputenv("PULSCO_PG_BINDIR", "/nonexistent/pulsco-pg-bin");
    QString why;
    {
        PostgresProcess pg;
        why = pg.start();
    }
    if (before.isNull())
        qunsetenv("PULSCO_PG_BINDIR");
    else
        qputenv("PULSCO_PG_BINDIR", before);
    QVERIFY2(why.contains(u"/nonexistent/pulsco-pg-bin/initdb not found"_s), qPrintable(why));
    QVERIFY2(why.contains(u"postgresql-15"_s), qPrintable(why));
}

QTEST_GUILESS_MAIN(TestPostgresProcess)
#include "tst_postgres_process.moc"
