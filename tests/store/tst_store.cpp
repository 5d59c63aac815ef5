// The console store: script splitting, migration files, migrations up and
// down on a database with data, and the append-only audit trail.
#include "store/AuditTrail.h"
#include "store/ConsoleStore.h"
#include "store/SqlScript.h"

#include <QDir>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

int count(QSqlDatabase& db, const QString& sql) {
    QSqlQuery q(db);
    if (!q.exec(sql) || !q.next())
        return -1;
    return q.value(0).toInt();
}

void writeFile(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

}  // namespace

class TestStore : public QObject {
    Q_OBJECT
private slots:
    void splitsScripts_data() {
        QTest::addColumn<QString>("script");
        QTest::addColumn<QStringList>("statements");
        QTest::addRow("two") << u"CREATE TABLE a (x);\nDROP TABLE b;"_s
                             << QStringList{u"CREATE TABLE a (x)"_s, u"DROP TABLE b"_s};
        QTest::addRow("comment") << u"-- a; comment\nSELECT 1; /* b; */ SELECT 2"_s
                                 << QStringList{u"SELECT 1"_s, u"SELECT 2"_s};
        QTest::addRow("quoted") << u"INSERT INTO t VALUES ('a;b', 'it''s');"_s
                                << QStringList{u"INSERT INTO t VALUES ('a;b', 'it''s')"_s};
        QTest::addRow("trigger")
            << u"CREATE TRIGGER t BEFORE DELETE ON x\nBEGIN\n SELECT RAISE(ABORT, 'no');\nEND;\nSELECT 3;"_s
            << QStringList{
                   u"CREATE TRIGGER t BEFORE DELETE ON x\nBEGIN\n SELECT RAISE(ABORT, 'no');\nEND"_s,
                   u"SELECT 3"_s};
        QTest::addRow("empty") << u" ;\n-- nothing\n"_s << QStringList{};
    }
    void splitsScripts() {
        QFETCH(QString, script);
        QFETCH(QStringList, statements);
        QCOMPARE(splitSqlScript(script), statements);
    }

    void embeddedMigrationsLoad() {
        const auto& m = ConsoleStore::migrator();
        QVERIFY(m.latestVersion() >= 1);
        QCOMPARE(m.migrations().front().name, u"audit_trail"_s);
        QVERIFY(m.migrations().front().up.size() >= 4);
    }

    void badMigrationDirectoriesAreRefused_data() {
        QTest::addColumn<QStringList>("files");
        QTest::addColumn<QString>("expected");
        QTest::addRow("no down") << QStringList{u"001_a.up.sql"_s} << u"001_a.down.sql: missing"_s;
        QTest::addRow("gap") << QStringList{u"001_a.up.sql"_s, u"001_a.down.sql"_s,
                                            u"003_c.up.sql"_s, u"003_c.down.sql"_s}
                             << u"003_c: versions must run 1, 2, 3... (expected 2)"_s;
        QTest::addRow("bad name") << QStringList{u"1_a.up.sql"_s} << u"1_a.up.sql: must be named"_s;
        QTest::addRow("two names")
            << QStringList{u"001_a.up.sql"_s, u"001_b.down.sql"_s} << u"is also named"_s;
    }
    void badMigrationDirectoriesAreRefused() {
        QFETCH(QStringList, files);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        for (const QString& f : files)
            writeFile(dir.filePath(f), "SELECT 1;");
        QString error;
        QVERIFY(!loadMigrationDirectory(dir.path(), &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void realMigrationsGoUpAndDownWithData() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::open(dir.filePath(u"c.sqlite"_s), &error);
        QVERIFY2(store, qPrintable(error));
        const int latest = ConsoleStore::migrator().latestVersion();
        QCOMPARE(store->schemaVersion(), latest);
        AuditTrail trail(*store);
        for (int i = 0; i < 20; ++i)
            QVERIFY(trail.append({0,
                                  0,
                                  u"ana"_s,
                                  audit::kItemChecked,
                                  u"p"_s,
                                  0,
                                  u"item-%1"_s.arg(i),
                                  {},
                                  {},
                                  0,
                                  "{}"},
                                 &error));
        // Down one at a time to 0 and back up: every step works on live data.
        for (int v = latest - 1; v >= 0; --v) {
            QVERIFY2(ConsoleStore::migrator().migrate(store->database(), v, &error),
                     qPrintable(error));
            QCOMPARE(store->schemaVersion(), v);
        }
        QCOMPARE(count(store->database(),
                       u"SELECT COUNT(*) FROM sqlite_master WHERE name='audit_trail'"_s),
                 0);
        QVERIFY2(ConsoleStore::migrator().migrateToLatest(store->database(), &error),
                 qPrintable(error));
        QCOMPARE(store->schemaVersion(), latest);
        QVERIFY(trail.append(
            {0, 0, u"ana"_s, audit::kItemChecked, u"p"_s, 0, u"x"_s, {}, {}, 0, "{}"}, &error));
        QCOMPARE(store->integrityCheck(), u"ok"_s);
    }

    // A later migration (as the drills engineer will add) keeps the rows of
    // an earlier one both ways; a failing step changes nothing.
    void migratorKeepsDataAcrossVersionsAndRollsBackAFailedStep() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::openUnmigrated(dir.filePath(u"m.sqlite"_s), &error);
        QVERIFY(store);
        std::vector<SchemaMigration> list = {
            {1, u"t"_s, {u"CREATE TABLE t (a INTEGER)"_s}, {u"DROP TABLE t"_s}},
            {2,
             u"t_b"_s,
             {u"ALTER TABLE t ADD COLUMN b TEXT NOT NULL DEFAULT 'x'"_s},
             {u"ALTER TABLE t DROP COLUMN b"_s}},
            {3, u"broken"_s, {u"CREATE TABLE u (a)"_s, u"THIS IS NOT SQL"_s}, {u"DROP TABLE u"_s}},
        };
        SchemaMigrator migrator(list);
        QVERIFY2(migrator.migrate(store->database(), 1, &error), qPrintable(error));
        QSqlQuery q(store->database());
        for (int i = 0; i < 50; ++i)
            QVERIFY(q.exec(u"INSERT INTO t (a) VALUES (%1)"_s.arg(i)));
        QVERIFY2(migrator.migrate(store->database(), 2, &error), qPrintable(error));
        QCOMPARE(count(store->database(), u"SELECT COUNT(*) FROM t WHERE b = 'x'"_s), 50);
        QVERIFY2(migrator.migrate(store->database(), 1, &error), qPrintable(error));
        QCOMPARE(count(store->database(), u"SELECT SUM(a) FROM t"_s), 49 * 50 / 2);
        QVERIFY(!migrator.migrate(store->database(), 3, &error));
        QVERIFY2(error.contains(u"migration 3 up"_s), qPrintable(error));
        QCOMPARE(store->schemaVersion(), 2);  // 2 went through, 3 rolled back
        QCOMPARE(count(store->database(), u"SELECT COUNT(*) FROM sqlite_master WHERE name='u'"_s),
                 0);
        // A database newer than the list is refused, untouched.
        SchemaMigrator older({list[0]});
        QVERIFY(!older.migrate(store->database(), 1, &error));
        QVERIFY2(error.contains(u"newer than this program knows"_s), qPrintable(error));
        QCOMPARE(store->schemaVersion(), 2);
    }

    // Migration 3 (the evidence issue): rows written before environments
    // existed get one, once; the trail stays append-only afterwards.
    void auditRowsFromBeforeEnvironmentsAreMigrated() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::openUnmigrated(dir.filePath(u"old.sqlite"_s), &error);
        QVERIFY2(store, qPrintable(error));
        QVERIFY2(ConsoleStore::migrator().migrate(store->database(), 2, &error), qPrintable(error));
        QSqlQuery q(store->database());
        for (const QString& source :
             {u"Simulator · bad-release-green"_s, u"Live · 2 servers"_s, QString()}) {
            q.prepare(u"INSERT INTO audit_trail (at_ms, actor, kind, plan, subject, source)"
                      " VALUES (1, 'system', 'gate_passed', 'p', 'x', ?)"_s);
            q.addBindValue(source.isNull() ? u""_s : source);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        }
        QVERIFY2(ConsoleStore::migrator().migrateToLatest(store->database(), &error),
                 qPrintable(error));
        AuditTrail trail(*store);
        const auto rows = trail.all();
        QCOMPARE(rows.size(), std::size_t(3));
        QCOMPARE(rows[0].environment, u"rehearsal"_s);
        QCOMPARE(rows[1].environment, u"staging"_s);
        QCOMPARE(rows[2].environment, QString());
        QVERIFY(!q.exec(u"UPDATE audit_trail SET environment = 'production'"_s));
        QVERIFY2(q.lastError().text().contains(u"append-only"_s), qPrintable(q.lastError().text()));
        // New rows keep what they are given.
        AuditEntry e;
        e.actor = u"ana"_s;
        e.kind = audit::kGatePassed;
        e.environment = u"production"_s;
        e.servers = u"blue http://127.0.0.1:8081"_s;
        QVERIFY2(trail.append(e, &error), qPrintable(error));
        QCOMPARE(trail.all().back().environment, u"production"_s);
        QCOMPARE(trail.all().back().servers, u"blue http://127.0.0.1:8081"_s);
        // And back down: the columns go, the rows stay.
        QVERIFY2(ConsoleStore::migrator().migrate(store->database(), 2, &error), qPrintable(error));
        QCOMPARE(count(store->database(), u"SELECT COUNT(*) FROM audit_trail"_s), 4);
    }

    // Migration 5 (issue 23): drill journal rows leave the rollout's trail
    // for their own table, keeping their ids (events name their journal by
    // the id of its drill_started row); both stay append-only; down puts
    // them back with the journal keys moved along.
    void drillRowsMoveToTheirOwnTrail() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::openUnmigrated(dir.filePath(u"d.sqlite"_s), &error);
        QVERIFY2(store, qPrintable(error));
        QVERIFY2(ConsoleStore::migrator().migrate(store->database(), 4, &error), qPrintable(error));
        QSqlQuery q(store->database());
        for (const QString& row : {u"'system', 'gate_passed', 'pulsco-rollout', 'x'"_s,
                                   u"'tia', 'drill_started', 'drill-journal', 'error-surge'"_s,
                                   u"'tia', 'drill_event', 'drill-journal', '2'"_s,
                                   u"'ana', 'item_checked', 'pulsco-rollout', 'y'"_s})
            QVERIFY2(q.exec(u"INSERT INTO audit_trail (at_ms, actor, kind, plan, subject)"
                            " VALUES (1, "_s +
                            row + u")"_s),
                     qPrintable(q.lastError().text()));
        QVERIFY2(ConsoleStore::migrator().migrateToLatest(store->database(), &error),
                 qPrintable(error));
        const auto rollout = AuditTrail(*store).all();
        QCOMPARE(rollout.size(), std::size_t(2));
        QCOMPARE(rollout[0].kind, u"gate_passed"_s);
        QCOMPARE(rollout[1].kind, u"item_checked"_s);
        AuditTrail journal(*store, AuditTrail::Trail::DrillJournal);
        const auto drills = journal.all();
        QCOMPARE(drills.size(), std::size_t(2));
        QCOMPARE(drills[0].id, qint64(2));
        QCOMPARE(drills[1].subject, u"2"_s);
        QVERIFY(!q.exec(u"DELETE FROM drill_journal"_s));
        QVERIFY(!q.exec(u"UPDATE drill_journal SET actor = 'mallory'"_s));
        QVERIFY(!q.exec(u"DELETE FROM audit_trail"_s));  // the trigger is back
        AuditEntry e;
        e.actor = u"tia"_s;
        e.kind = u"drill_event"_s;
        e.plan = u"drill-journal"_s;
        e.subject = u"2"_s;
        QVERIFY2(journal.append(e, &error), qPrintable(error));
        QCOMPARE(AuditTrail(*store).all().size(), std::size_t(2));
        // Down: back after the rollout rows, the journal key moved with them.
        QVERIFY2(ConsoleStore::migrator().migrate(store->database(), 4, &error), qPrintable(error));
        const auto back = AuditTrail(*store).all();
        QCOMPARE(back.size(), std::size_t(5));
        QCOMPARE(back[2].kind, u"drill_started"_s);
        const QString key = QString::number(back[2].id);
        QCOMPARE(back[3].subject, key);
        QCOMPARE(back[4].subject, key);
    }

    void auditTrailIsAppendOnly() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::open(dir.filePath(u"a.sqlite"_s), &error);
        QVERIFY(store);
        AuditTrail trail(*store);
        const auto id = trail.append({0, 0, u"ana"_s, audit::kItemChecked, u"plan"_s, 0, u"i1"_s,
                                      u"done"_s, u"sim"_s, 12.5, R"({"v":1})"},
                                     &error);
        QVERIFY2(id, qPrintable(error));
        QSqlQuery q(store->database());
        QVERIFY(!q.exec(u"UPDATE audit_trail SET actor='mallory'"_s));
        QVERIFY(q.lastError().text().contains(u"append-only"_s));
        QVERIFY(!q.exec(u"DELETE FROM audit_trail"_s));
        // Unchecking is a new row; the latest row per item is its state.
        QVERIFY(trail.append({0,
                              0,
                              u"bo"_s,
                              audit::kItemUnchecked,
                              u"plan"_s,
                              0,
                              u"i1"_s,
                              u"not really"_s,
                              {},
                              0,
                              "{}"},
                             &error));
        QVERIFY(trail.append(
            {0, 0, u"bo"_s, audit::kItemChecked, u"other"_s, 0, u"i1"_s, {}, {}, 0, "{}"}, &error));
        const auto latest = trail.latestItemRows(u"plan"_s);
        QCOMPARE(latest.size(), 1);
        QCOMPARE(latest.value(u"i1"_s).kind, audit::kItemUnchecked);
        QCOMPARE(latest.value(u"i1"_s).actor, u"bo"_s);
        const auto all = trail.all();
        QCOMPARE(all.size(), std::size_t(3));
        QCOMPARE(all[0].evidence, QByteArray(R"({"v":1})"));
        QCOMPARE(all[0].sourceTimeSeconds, 12.5);
        QVERIFY(all[0].atMs > 0);
        QVERIFY(
            !trail.append({0, 0, u" "_s, audit::kItemChecked, {}, 0, {}, {}, {}, 0, "{}"}, &error));
    }

    void walIsOn() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::open(dir.filePath(u"w.sqlite"_s), &error);
        QSqlQuery q(store->database());
        QVERIFY(q.exec(u"PRAGMA journal_mode"_s) && q.next());
        QCOMPARE(q.value(0).toString(), u"wal"_s);
        QVERIFY(q.exec(u"PRAGMA synchronous"_s) && q.next());
        QCOMPARE(q.value(0).toInt(), 2);  // FULL
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
