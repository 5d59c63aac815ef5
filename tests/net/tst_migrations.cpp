// Schema migrations go up and down on a database that holds data, and a
// database newer than the program is refused.
#include "net/store/Migrations.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

class TestMigrations : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void upFromEmpty();
    void downAndUpKeepData_data();
    void downAndUpKeepData();
    void downToZeroDropsEverything();
    void refusesNewerDatabase();
    void failedStepRollsBack();

private:
    QSqlDatabase m_db;
    QTemporaryDir m_dir;
    int m_counter = 0;
    int count(const QString& sql);
    QStringList tables();
};

void TestMigrations::init() {
    m_db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"mig%1"_s.arg(++m_counter));
    m_db.setDatabaseName(m_dir.filePath(u"db%1.sqlite"_s.arg(m_counter)));
    QVERIFY(m_db.open());
}

void TestMigrations::cleanup() {
    const QString name = m_db.connectionName();
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(name);
}

int TestMigrations::count(const QString& sql) {
    QSqlQuery q(m_db);
    if (!q.exec(sql) || !q.next())
        return -1;
    return q.value(0).toInt();
}

QStringList TestMigrations::tables() {
    QStringList t = m_db.tables();
    t.sort();
    return t;
}

void TestMigrations::upFromEmpty() {
    QString error;
    QCOMPARE(schemaVersion(m_db, &error), 0);
    QVERIFY2(migrateSchema(m_db, latestSchemaVersion(), &error), qPrintable(error));
    QCOMPARE(schemaVersion(m_db, &error), latestSchemaVersion());
    QCOMPARE(tables(), (QStringList{u"matches"_s, u"ratings"_s, u"schema_version"_s, u"tickets"_s,
                                    u"up_intervals"_s}));
    // Migrating to where it already is changes nothing.
    QVERIFY(migrateSchema(m_db, latestSchemaVersion(), &error));
    QCOMPARE(schemaVersion(m_db, &error), latestSchemaVersion());
}

void TestMigrations::downAndUpKeepData_data() {
    QTest::addColumn<int>("downTo");
    for (int v = 1; v < latestSchemaVersion(); ++v)
        QTest::addRow("down to %d and back", v) << v;
}

void TestMigrations::downAndUpKeepData() {
    QFETCH(int, downTo);
    QString error;
    QVERIFY2(migrateSchema(m_db, latestSchemaVersion(), &error), qPrintable(error));
    QSqlQuery q(m_db);
    for (int i = 1; i <= 50; ++i) {
        QVERIFY(q.exec(u"INSERT INTO tickets (seq, queue, players, state, created_ms, updated_ms) "
                       "VALUES (%1, 'ranked-5v5', '[]', '%2', %1, %1)"_s.arg(i)
                           .arg(i % 2 ? u"searching"_s : u"matched"_s)));
        QVERIFY(q.exec(u"INSERT INTO matches (seq, queue, region, detail, created_ms, result_ms) "
                       "VALUES (%1, 'q', 'eu-west', '{}', %1, %1)"_s.arg(i)));
        QVERIFY(q.exec(
            u"INSERT INTO ratings (player_id, mu, sigma, updated_ms) VALUES ('p%1', 25, 8, %1)"_s
                .arg(i)));
    }
    QVERIFY2(migrateSchema(m_db, downTo, &error), qPrintable(error));
    QCOMPARE(schemaVersion(m_db, &error), downTo);
    QCOMPARE(count(u"SELECT COUNT(*) FROM tickets"_s), 50);
    QCOMPARE(count(u"SELECT COUNT(*) FROM ratings"_s), 50);
    QCOMPARE(count(u"SELECT COUNT(*) FROM matches"_s), 50);
    if (downTo < 2) {
        // Version 2's column and index are gone.
        QCOMPARE(count(u"SELECT COUNT(*) FROM sqlite_master WHERE name = 'tickets_by_state'"_s), 0);
        QVERIFY(!q.exec(u"SELECT result_ms FROM matches"_s));
    }
    QVERIFY2(migrateSchema(m_db, latestSchemaVersion(), &error), qPrintable(error));
    QCOMPARE(count(u"SELECT COUNT(*) FROM tickets WHERE state = 'searching'"_s), 25);
    QCOMPARE(count(u"SELECT COUNT(*) FROM sqlite_master WHERE name = 'tickets_by_state'"_s), 1);
    QCOMPARE(count(u"SELECT SUM(result_ms) FROM matches"_s), downTo < 2 ? 0 : 50 * 51 / 2);
    QSqlQuery check(m_db);
    QVERIFY(check.exec(u"PRAGMA integrity_check"_s) && check.next());
    QCOMPARE(check.value(0).toString(), u"ok"_s);
}

void TestMigrations::downToZeroDropsEverything() {
    QString error;
    QVERIFY(migrateSchema(m_db, latestSchemaVersion(), &error));
    QSqlQuery q(m_db);
    QVERIFY(
        q.exec(u"INSERT INTO ratings (player_id, mu, sigma, updated_ms) VALUES ('p', 25, 8, 1)"_s));
    QVERIFY2(migrateSchema(m_db, 0, &error), qPrintable(error));
    QCOMPARE(schemaVersion(m_db, &error), 0);
    QCOMPARE(tables(), QStringList{u"schema_version"_s});
    QVERIFY(migrateSchema(m_db, latestSchemaVersion(), &error));
    QCOMPARE(count(u"SELECT COUNT(*) FROM ratings"_s), 0);
}

void TestMigrations::refusesNewerDatabase() {
    QString error;
    QVERIFY(migrateSchema(m_db, latestSchemaVersion(), &error));
    QSqlQuery q(m_db);
    QVERIFY(q.exec(u"UPDATE schema_version SET version = 99"_s));
    QVERIFY(!migrateSchema(m_db, latestSchemaVersion(), &error));
    QVERIFY2(error.contains(u"schema_version: 99 is newer"_s), qPrintable(error));
    QVERIFY(!migrateSchema(m_db, -1, &error));
}

void TestMigrations::failedStepRollsBack() {
    QString error;
    QVERIFY(migrateSchema(m_db, 1, &error));
    // Sabotage: an object named like the index migration 2 creates.
    QSqlQuery q(m_db);
    QVERIFY(q.exec(u"CREATE TABLE tickets_by_state (x)"_s));
    QVERIFY(!migrateSchema(m_db, 2, &error));
    QVERIFY2(error.contains(u"migration 2 up"_s), qPrintable(error));
    QCOMPARE(schemaVersion(m_db, &error), 1);
    QVERIFY(!q.exec(u"SELECT result_ms FROM matches"_s));  // the ALTER was rolled back too
}

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
