// pulsco-matchd's store commands (migrate, backup, verify, restore) as an
// operator runs them: the real binary on real data directories written by a
// real server, the server started again on what the commands left.
#include "net/store/Migrations.h"
#include "support/HttpTestClient.h"
#include "support/MatchdCommand.h"
#include "support/MatchdProcess.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;
using pulsco::test::CommandResult;
using pulsco::test::http;
using pulsco::test::HttpResult;
using pulsco::test::runMatchd;
using pulsco::test::soloTicket;

namespace {

pulsco::test::MatchdProcess::Options onDataDir(const QString& dataDir) {
    pulsco::test::MatchdProcess::Options o;
    o.dataDir = dataDir;
    return o;
}

// Pairs of duel tickets (they match each other) and lone ones, created one
// after the other; the ids acknowledged with 201.
QStringList createTickets(quint16 port, int count, const QByteArray& prefix) {
    QStringList ids;
    for (int i = 0; i < count; ++i) {
        const HttpResult r = http(
            port, "POST", "/v1/tickets",
            soloTicket(i % 3 == 2 ? "ranked-5v5" : "duel-1v1", prefix + QByteArray::number(i)));
        if (r.status == 201)
            ids << r.json().value(u"ticket_id").toString();
    }
    return ids;
}

// Reads one value from a store file with a connection of the test's own.
QVariant scalar(const QString& file, const QString& sql) {
    QVariant value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"peek"_s);
        db.setDatabaseName(file);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next())
                value = q.value(0);
            else
                value = QString(u"error: "_s + q.lastError().text());
        }
    }
    QSqlDatabase::removeDatabase(u"peek"_s);
    return value;
}

bool execSql(const QString& file, const QString& sql) {
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"poke"_s);
        db.setDatabaseName(file);
        if (db.open())
            ok = QSqlQuery(db).exec(sql);
    }
    QSqlDatabase::removeDatabase(u"poke"_s);
    return ok;
}

QByteArray sha256(const QString& file) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

// The server's report of its store's maintenance log, once it has read it.
QJsonObject maintenanceOf(quint16 port) {
    return http(port, "GET", "/v1/stats").json().value(u"store_maintenance").toObject();
}

}  // namespace

class TestMatchdStoreCommands : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void badUsageExitsTwo_data();
    void badUsageExitsTwo();
    void migrateDownAndUpAgain();
    void backupWhileServingVerifiesAndRestores();
    void backupAndRestoreNeverOverwrite();
    void verifyFindsWhatIsWrong_data();
    void verifyFindsWhatIsWrong();

private:
    // A data directory a real server wrote (tickets, matches, heartbeats),
    // made once; tests copy it.
    QTemporaryDir m_dir;
    QString m_written;
    QStringList m_ids;
};

void TestMatchdStoreCommands::initTestCase() {
    m_written = m_dir.filePath(u"written"_s);
    pulsco::test::MatchdProcess s(onDataDir(m_written));
    QVERIFY2(s.start(), s.stderrText().constData());
    m_ids = createTickets(s.port(), 30, "w");
    QCOMPARE(m_ids.size(), 30);
    QTest::qWait(300);  // a few ticks: the duels match, heartbeats are written
    // One match gets a result, so going below schema 2 drops a real value
    // (matches.result_ms).
    const QString matchId = http(s.port(), "GET", "/v1/tickets/" + m_ids.first().toLatin1())
                                .json()
                                .value(u"match_id")
                                .toString();
    QVERIFY2(!matchId.isEmpty(), "the first duel did not match");
    QCOMPARE(http(s.port(), "POST", "/v1/matches/" + matchId.toLatin1() + "/result",
                  R"({"winner_team":1})")
                 .status,
             200);
    QCOMPARE(s.terminate(), 0);
    const QString file = m_written + u"/matchd.sqlite"_s;
    QVERIFY(scalar(file, u"SELECT COUNT(*) FROM matches"_s).toInt() > 0);
    QVERIFY(scalar(file, u"SELECT COUNT(*) FROM up_intervals"_s).toInt() > 0);
}

void TestMatchdStoreCommands::badUsageExitsTwo_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("migrate without --data-dir")
        << QStringList{u"migrate"_s, u"--to"_s, u"1"_s} << u"--data-dir is required"_s;
    QTest::newRow("migrate without --to")
        << QStringList{u"migrate"_s, u"--data-dir"_s, u"/tmp"_s} << u"--to is required"_s;
    QTest::newRow("migrate --to word")
        << QStringList{u"migrate"_s, u"--data-dir"_s, u"/tmp"_s, u"--to"_s, u"latest"_s}
        << u"--to: must be a schema version from 0 to"_s;
    QTest::newRow("migrate --to beyond latest")
        << QStringList{u"migrate"_s, u"--data-dir"_s, u"/tmp"_s, u"--to=99"_s} << u"(got '99')"_s;
    QTest::newRow("backup unknown flag")
        << QStringList{u"backup"_s, u"--data-dir"_s, u"/tmp"_s, u"--to"_s, u"/tmp/x"_s, u"--fast"_s}
        << u"--fast: unknown flag"_s;
    QTest::newRow("backup --to twice")
        << QStringList{u"backup"_s, u"--data-dir"_s, u"/tmp"_s, u"--to"_s,
                       u"a"_s,      u"--to"_s,       u"b"_s}
        << u"--to: given twice"_s;
    QTest::newRow("verify without a path")
        << QStringList{u"verify"_s} << u"needs exactly one PATH"_s;
    QTest::newRow("verify two paths")
        << QStringList{u"verify"_s, u"a"_s, u"b"_s} << u"needs exactly one PATH"_s;
    QTest::newRow("restore without --data-dir")
        << QStringList{u"restore"_s, u"a.sqlite"_s} << u"--data-dir is required"_s;
    QTest::newRow("restore --data-dir without value")
        << QStringList{u"restore"_s, u"a.sqlite"_s, u"--data-dir"_s} << u"needs a value"_s;
}

void TestMatchdStoreCommands::badUsageExitsTwo() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const CommandResult r = runMatchd(args);
    QVERIFY2(r.exitCode == 2, qPrintable(r.all()));
    QVERIFY2(r.err.contains(message), qPrintable(r.all()));
    QVERIFY2(r.err.startsWith(u"pulsco-matchd "_s + args.first()), qPrintable(r.all()));
}

// Down to schema 1 and up again on a store a server wrote: the dry run
// changes nothing, dropping rows needs --allow-data-loss, and the server
// serves every ticket afterwards.
void TestMatchdStoreCommands::migrateDownAndUpAgain() {
    QTemporaryDir dir;
    const QString data = dir.filePath(u"data"_s);
    QVERIFY(QDir().mkpath(data));
    const QString file = data + u"/matchd.sqlite"_s;
    QVERIFY(QFile::copy(m_written + u"/matchd.sqlite"_s, file));
    const int latest = pulsco::latestSchemaVersion();
    const int tickets = scalar(file, u"SELECT COUNT(*) FROM tickets"_s).toInt();
    const int beats = scalar(file, u"SELECT COUNT(*) FROM up_intervals"_s).toInt();
    const QByteArray before = sha256(file);

    CommandResult r =
        runMatchd({u"migrate"_s, u"--data-dir"_s, data, u"--to"_s, u"1"_s, u"--dry-run"_s});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    QVERIFY2(r.out.contains(u"schema %1 -> 1, %2 steps"_s.arg(latest).arg(latest - 1)),
             qPrintable(r.all()));
    QVERIFY2(r.out.contains(u"down 3 up_intervals"_s), qPrintable(r.all()));
    QVERIFY2(r.out.contains(u"DROP TABLE up_intervals"_s), qPrintable(r.all()));
    QVERIFY2(r.out.contains(u"drops table up_intervals (%1 row"_s.arg(beats)), qPrintable(r.all()));
    QVERIFY2(r.out.contains(u"drops column matches.result_ms (1 row with a value)"_s),
             qPrintable(r.all()));
    QVERIFY2(r.out.contains(u"dry run: nothing changed"_s), qPrintable(r.all()));
    QCOMPARE(sha256(file), before);

    r = runMatchd({u"migrate"_s, u"--data-dir"_s, data, u"--to"_s, u"1"_s});
    QVERIFY2(r.exitCode == 1, qPrintable(r.all()));
    QVERIFY2(r.err.contains(u"refused"_s) && r.err.contains(u"--allow-data-loss"_s) &&
                 r.err.contains(u"Nothing changed"_s),
             qPrintable(r.all()));
    QCOMPARE(scalar(file, u"SELECT version FROM schema_version"_s).toInt(), latest);

    r = runMatchd({u"migrate"_s, u"--data-dir"_s, data, u"--to"_s, u"1"_s, u"--allow-data-loss"_s});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    QVERIFY2(r.out.contains(u"now at schema 1"_s), qPrintable(r.all()));
    QCOMPARE(scalar(file, u"SELECT version FROM schema_version"_s).toInt(), 1);
    QVERIFY(scalar(file, u"SELECT COUNT(*) FROM up_intervals"_s).toString().startsWith(u"error"_s));
    QCOMPARE(scalar(file, u"SELECT COUNT(*) FROM tickets"_s).toInt(), tickets);

    r = runMatchd({u"migrate"_s, u"--data-dir"_s, data, u"--to"_s, QString::number(latest)});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    QVERIFY2(r.out.contains(u"up   3 up_intervals"_s), qPrintable(r.all()));
    QVERIFY2(!r.out.contains(u"drops"_s), qPrintable(r.all()));
    r = runMatchd({u"migrate"_s, u"--data-dir"_s, data, u"--to"_s, QString::number(latest)});
    QVERIFY2(r.exitCode == 0 && r.out.contains(u"already at schema"_s), qPrintable(r.all()));

    pulsco::test::MatchdProcess s(onDataDir(data));
    QVERIFY2(s.start(), s.stderrText().constData());
    for (const QString& id : std::as_const(m_ids))
        QVERIFY2(http(s.port(), "GET", "/v1/tickets/" + id.toLatin1()).status == 200,
                 qPrintable(id));
    // The round trip is evidence the server reports: every row schema 1
    // keeps was kept; what going down dropped is said.
    QTRY_VERIFY_WITH_TIMEOUT(maintenanceOf(s.port()).contains(u"latest"_s), 10000);
    const QJsonObject m = maintenanceOf(s.port());
    QCOMPARE(m.value(u"migration_round_trips").toInt(), 1);
    QCOMPARE(m.value(u"verified_backups").toInt(), 0);
    QCOMPARE(m.value(u"restore_drills").toInt(), 0);
    const QJsonObject trip = m.value(u"latest").toArray().first().toObject();
    QCOMPARE(trip.value(u"kind").toString(), u"migration_round_trip"_s);
    QVERIFY(trip.value(u"ok").toBool());
    const QString figures = trip.value(u"figures").toString();
    QVERIFY2(figures.contains(u"schema %1 -> 1 -> %1"_s.arg(latest)), qPrintable(figures));
    QVERIFY2(figures.contains(u"tickets %1"_s.arg(tickets)) && figures.contains(u" kept"_s),
             qPrintable(figures));
    QVERIFY2(figures.contains(u"dropped going down: up intervals (%1 row"_s.arg(beats)),
             qPrintable(figures));
    QVERIFY2(trip.value(u"command").toString().contains(u"--to 1 --allow-data-loss && "_s),
             qPrintable(trip.value(u"command").toString()));
    QCOMPARE(s.terminate(), 0);

    // A row lost on the way is no round trip: down and up again with one
    // ticket deleted in between.
    QVERIFY(
        runMatchd({u"migrate"_s, u"--data-dir"_s, data, u"--to"_s, u"1"_s, u"--allow-data-loss"_s})
            .exitCode == 0);
    QVERIFY(execSql(file, u"DELETE FROM tickets WHERE seq = (SELECT MIN(seq) FROM tickets)"_s));
    QVERIFY(runMatchd({u"migrate"_s, u"--data-dir"_s, data, u"--to"_s, QString::number(latest)})
                .exitCode == 0);
    pulsco::test::MatchdProcess lost(onDataDir(data));
    QVERIFY2(lost.start(), lost.stderrText().constData());
    QTRY_COMPARE_WITH_TIMEOUT(maintenanceOf(lost.port()).value(u"latest"_s).toArray().size(), 2,
                              10000);
    const QJsonObject afterLoss = maintenanceOf(lost.port());
    QCOMPARE(afterLoss.value(u"migration_round_trips").toInt(), 1);
    const QJsonObject bad = afterLoss.value(u"latest").toArray().last().toObject();
    QVERIFY(!bad.value(u"ok").toBool());
    QVERIFY2(bad.value(u"figures")
                 .toString()
                 .contains(u"not kept: tickets %1 -> %1 -> %2"_s.arg(tickets).arg(tickets - 1)),
             qPrintable(bad.value(u"figures").toString()));
    QCOMPARE(lost.terminate(), 0);

    // A store that is not there is said so, and nothing is created.
    const QString empty = dir.filePath(u"empty"_s);
    QVERIFY(QDir().mkpath(empty));
    r = runMatchd({u"migrate"_s, u"--data-dir"_s, empty, u"--to"_s, u"1"_s});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"no store here"_s), qPrintable(r.all()));
    QVERIFY(QDir(empty).isEmpty());
}

// A backup taken while the server takes tickets is consistent, verifies,
// restores into a new directory, and a server started there serves every
// ticket acknowledged before the backup began.
void TestMatchdStoreCommands::backupWhileServingVerifiesAndRestores() {
    QTemporaryDir dir;
    const QString data = dir.filePath(u"data"_s);
    pulsco::test::MatchdProcess s(onDataDir(data));
    QVERIFY2(s.start(), s.stderrText().constData());
    const QStringList before = createTickets(s.port(), 60, "b");
    QCOMPARE(before.size(), 60);

    // The backup runs as its own process while the test keeps creating
    // tickets on the running server.
    const QString backupFile = dir.filePath(u"backup.sqlite"_s);
    QProcess backup;
    backup.start(pulsco::test::MatchdProcess::binary(),
                 {u"backup"_s, u"--data-dir"_s, data, u"--to"_s, backupFile});
    QStringList during;
    while (backup.state() != QProcess::NotRunning || during.size() < 20) {
        during += createTickets(s.port(), 5, "d" + QByteArray::number(during.size()));
        backup.waitForFinished(1);
        if (during.size() > 2000)
            break;
    }
    if (backup.state() != QProcess::NotRunning)
        QVERIFY(backup.waitForFinished(30000));
    const QString backupOut = QString::fromUtf8(backup.readAllStandardOutput());
    QVERIFY2(backup.exitCode() == 0,
             qPrintable(backupOut + QString::fromUtf8(backup.readAllStandardError())));
    QVERIFY2(backupOut.contains(u"written to "_s + backupFile), qPrintable(backupOut));
    QVERIFY2(backupOut.contains(u"check it: pulsco-matchd verify"_s), qPrintable(backupOut));
    QVERIFY(!QFile::exists(backupFile + u".partial"_s));

    CommandResult r = runMatchd({u"verify"_s, backupFile});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    QVERIFY2(r.out.contains(u"  not logged: add --data-dir DIR"_s), qPrintable(r.all()));
    QVERIFY2(r.out.contains(u"store check (PRAGMA quick_check): ok"_s), qPrintable(r.all()));
    QVERIFY2(r.out.contains(u"a server starts on it: yes"_s), qPrintable(r.all()));
    QVERIFY2(r.out.trimmed().endsWith(u"sound"_s) && !r.out.contains(u"NOT sound"_s),
             qPrintable(r.all()));
    const int inBackup = scalar(backupFile, u"SELECT COUNT(*) FROM tickets"_s).toInt();
    QVERIFY2(inBackup >= before.size() && inBackup <= before.size() + during.size(),
             qPrintable(u"%1 tickets in the backup"_s.arg(inBackup)));
    // Named as a backup of the running server's store, the verification is
    // logged there and the server reports a verified backup.
    r = runMatchd({u"verify"_s, backupFile, u"--data-dir"_s, data});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    QVERIFY2(r.out.contains(u"logged in the maintenance log of "_s), qPrintable(r.all()));
    QTRY_COMPARE_WITH_TIMEOUT(maintenanceOf(s.port()).value(u"verified_backups"_s).toInt(), 1,
                              10000);
    {
        const QJsonObject v = maintenanceOf(s.port()).value(u"latest").toArray().last().toObject();
        QCOMPARE(v.value(u"kind").toString(), u"verified_backup"_s);
        const QString figures = v.value(u"figures").toString();
        QVERIFY2(figures.startsWith(u"backup "_s + QFileInfo(backupFile).absoluteFilePath()) &&
                     figures.contains(u"store check ok"_s),
                 qPrintable(figures));
    }
    // A file no backup of this store wrote is not a verified backup of it,
    // however sound.
    const QString foreign = dir.filePath(u"foreign.sqlite"_s);
    QVERIFY(QFile::copy(m_written + u"/matchd.sqlite"_s, foreign));
    r = runMatchd({u"verify"_s, foreign, u"--data-dir"_s, data});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    QTRY_COMPARE_WITH_TIMEOUT(maintenanceOf(s.port()).value(u"latest"_s).toArray().size(), 2,
                              10000);
    {
        const QJsonObject m = maintenanceOf(s.port());
        QCOMPARE(m.value(u"verified_backups").toInt(), 1);
        const QJsonObject v = m.value(u"latest").toArray().last().toObject();
        QVERIFY(!v.value(u"ok").toBool());
        QVERIFY2(v.value(u"figures").toString().contains(u"no backup run of this store"_s),
                 qPrintable(v.value(u"figures").toString()));
    }
    QCOMPARE(s.terminate(), 0);

    const QString restored = dir.filePath(u"restored/data"_s);
    r = runMatchd({u"restore"_s, backupFile, u"--data-dir"_s, restored});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    QVERIFY2(r.out.contains(u"restored "_s + backupFile), qPrintable(r.all()));
    pulsco::test::MatchdProcess again(onDataDir(restored));
    QVERIFY2(again.start(), again.stderrText().constData());
    for (const QString& id : before)
        QVERIFY2(http(again.port(), "GET", "/v1/tickets/" + id.toLatin1()).status == 200,
                 qPrintable(id + u" acknowledged before the backup, missing after restore"_s));
    // Nothing the backup did not hold: the restored server knows exactly
    // the backup's tickets.
    const QJsonObject stats = http(again.port(), "GET", "/v1/stats").json();
    QVERIFY2(!stats.isEmpty(), "no /v1/stats");
    // The restore drill, measured on the restored store and reported by the
    // server running on it.
    QTRY_COMPARE_WITH_TIMEOUT(maintenanceOf(again.port()).value(u"restore_drills"_s).toInt(), 1,
                              10000);
    const QJsonObject drill =
        maintenanceOf(again.port()).value(u"latest").toArray().last().toObject();
    QCOMPARE(drill.value(u"kind").toString(), u"restore_drill"_s);
    QVERIFY2(drill.value(u"figures").toString().contains(u"tickets %1"_s.arg(inBackup)) &&
                 drill.value(u"figures").toString().contains(u"a server started on it"_s),
             qPrintable(drill.value(u"figures").toString()));
    QCOMPARE(again.terminate(), 0);
    QCOMPARE(scalar(restored + u"/matchd.sqlite"_s, u"SELECT COUNT(*) FROM tickets"_s).toInt(),
             inBackup);
}

void TestMatchdStoreCommands::backupAndRestoreNeverOverwrite() {
    QTemporaryDir dir;
    const QString existing = dir.filePath(u"existing.sqlite"_s);
    {
        QFile f(existing);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("keep me");
    }
    CommandResult r = runMatchd({u"backup"_s, u"--data-dir"_s, m_written, u"--to"_s, existing});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"exists (a backup never overwrites"_s),
             qPrintable(r.all()));
    QCOMPARE(sha256(existing), QCryptographicHash::hash("keep me", QCryptographicHash::Sha256));

    // A directory as --to gets a timestamped file.
    const QString folder = dir.filePath(u"backups"_s);
    QVERIFY(QDir().mkpath(folder));
    r = runMatchd({u"backup"_s, u"--data-dir"_s, m_written, u"--to"_s, folder});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    const QStringList made = QDir(folder).entryList(QDir::Files);
    QCOMPARE(made.size(), 1);
    QVERIFY2(made.first().startsWith(u"matchd-backup-"_s) && made.first().endsWith(u".sqlite"_s),
             qPrintable(made.first()));

    r = runMatchd({u"backup"_s, u"--data-dir"_s, dir.filePath(u"nothing"_s), u"--to"_s,
                   dir.filePath(u"x.sqlite"_s)});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"no store here"_s), qPrintable(r.all()));

    // Restore refuses a directory with anything in it, and leaves it as it was.
    const QString occupied = dir.filePath(u"occupied"_s);
    QVERIFY(QDir().mkpath(occupied));
    QVERIFY(QFile::copy(existing, occupied + u"/notes.txt"_s));
    r = runMatchd({u"restore"_s, QDir(folder).filePath(made.first()), u"--data-dir"_s, occupied});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"not empty (restore never overwrites"_s),
             qPrintable(r.all()));
    QCOMPARE(QDir(occupied).entryList(QDir::Files), QStringList{u"notes.txt"_s});

    // An unsound backup is not restored.
    r = runMatchd({u"restore"_s, existing, u"--data-dir"_s, dir.filePath(u"fresh"_s)});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"refused: the backup is not sound"_s),
             qPrintable(r.all()));
    QVERIFY(!QFileInfo::exists(dir.filePath(u"fresh"_s)));
}

void TestMatchdStoreCommands::verifyFindsWhatIsWrong_data() {
    QTest::addColumn<QString>("damage");  // SQL on a copy, or a file-level damage
    QTest::addColumn<QString>("problem");
    QTest::newRow("matched ticket without its match")
        << u"UPDATE tickets SET match_seq = 999 WHERE seq = (SELECT MIN(seq) FROM tickets WHERE "
           "state = 'matched')"_s
        << u", which is not stored"_s;
    QTest::newRow("match lists a ticket stored as expired")
        << u"UPDATE tickets SET state = 'expired' WHERE seq = (SELECT MIN(seq) FROM tickets "
           "WHERE state = 'matched')"_s
        << u"stored as expired, but"_s;
    QTest::newRow("state nobody knows") << u"UPDATE tickets SET state = 'lost' WHERE seq = 1"_s
                                        << u"stored state 'lost' is not a ticket state"_s;
    QTest::newRow("newer schema") << u"UPDATE schema_version SET version = 99"_s
                                  << u"schema 99 is newer than this pulsco-matchd knows"_s;
    QTest::newRow("not SQLite") << u"file:text"_s << u"not an SQLite database"_s;
    QTest::newRow("cut in half") << u"file:truncate"_s << u"database disk image is malformed"_s;
    QTest::newRow("missing") << u"file:missing"_s << u"no such file"_s;
}

void TestMatchdStoreCommands::verifyFindsWhatIsWrong() {
    QFETCH(QString, damage);
    QFETCH(QString, problem);
    QTemporaryDir dir;
    const QString backupFile = dir.filePath(u"backup.sqlite"_s);
    CommandResult r = runMatchd({u"backup"_s, u"--data-dir"_s, m_written, u"--to"_s, backupFile});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    r = runMatchd({u"verify"_s, backupFile});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));  // sound before the damage

    if (damage == u"file:text"_s) {
        QFile f(backupFile);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("tickets,matches\n1,2\n");
    } else if (damage == u"file:truncate"_s) {
        QFile f(backupFile);
        QVERIFY(f.resize(f.size() / 2));
    } else if (damage == u"file:missing"_s) {
        QVERIFY(QFile::remove(backupFile));
    } else {
        QVERIFY(execSql(backupFile, damage));
    }
    r = runMatchd({u"verify"_s, backupFile});
    QVERIFY2(r.exitCode == 1, qPrintable(r.all()));
    QVERIFY2(r.out.contains(u"NOT sound"_s), qPrintable(r.all()));
    QVERIFY2(r.out.contains(problem), qPrintable(r.all()));
}

QTEST_GUILESS_MAIN(TestMatchdStoreCommands)
#include "tst_matchd_store_commands.moc"
