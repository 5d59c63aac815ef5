// pulsco-matchd on PostgreSQL as an operator runs it (--store URL), on a
// throw-away real cluster: the flag's errors, and what happens when the
// database goes away under load and comes back — writes answer 503
// `unavailable`, /readyz says not ready, nothing acknowledged is lost, and
// service resumes by itself. (The store contract, the API suite, the
// integrity audit and the kill -9 ledger run on PostgreSQL as the
// `store-variant` entries of their own suites.)
#include "net/store/Migrations.h"
#include "support/HttpTestClient.h"
#include "support/MatchdCommand.h"
#include "support/MatchdProcess.h"
#include "support/PostgresProcess.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;
using pulsco::test::CommandResult;
using pulsco::test::http;
using pulsco::test::HttpResult;
using pulsco::test::runMatchd;
using pulsco::test::soloTicket;

class TestMatchdPostgres : public QObject {
    Q_OBJECT
private slots:
    void badStoreFlagsExitTwo_data();
    void badStoreFlagsExitTwo();
    void unreachableDatabaseExitsOne();
    void lostDatabaseAnswers503AndComesBack();
    void storeCommandsOnPostgres();
    void ordinaryRoleWithoutAmcheckRights();
};

void TestMatchdPostgres::badStoreFlagsExitTwo_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("not a URL") << QStringList{u"--store"_s, u"/var/lib/pulsco"_s}
                               << u"--store: must be a postgresql://"_s;
    QTest::newRow("no database") << QStringList{u"--store"_s, u"postgresql://me@127.0.0.1:5432"_s}
                                 << u"--store: must name one database"_s;
    QTest::newRow("query") << QStringList{u"--store"_s, u"postgresql://me@db/pulsco?sslmode=on"_s}
                           << u"query parameters are not supported"_s;
    QTest::newRow("both") << QStringList{u"--store"_s, u"postgresql://me@db/pulsco"_s,
                                         u"--data-dir"_s, u"/tmp/x"_s}
                          << u"not both"_s;
    QTest::newRow("password is not echoed")
        << QStringList{u"--store"_s, u"postgresql://me:s3cret@db:0/pulsco"_s} << u"me:***@"_s;
}

void TestMatchdPostgres::badStoreFlagsExitTwo() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    QProcess p;
    p.start(pulsco::test::MatchdProcess::binary(), args);
    QVERIFY(p.waitForFinished(10000));
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QCOMPARE(p.exitCode(), 2);
    QVERIFY2(err.contains(message), qPrintable(err));
    QVERIFY2(!err.contains(u"s3cret"_s), qPrintable(err));
}

// Nothing listens on the port: the server says where and why, and exits 1
// without waiting for libpq's default (no) timeout.
void TestMatchdPostgres::unreachableDatabaseExitsOne() {
    const quint16 port = pulsco::test::PostgresProcess::freePort();
    QProcess p;
    QElapsedTimer t;
    t.start();
    p.start(pulsco::test::MatchdProcess::binary(),
            {u"--listen"_s, u"127.0.0.1:0"_s, u"--store"_s,
             u"postgresql://postgres@127.0.0.1:%1/pulsco"_s.arg(port)});
    QVERIFY(p.waitForFinished(20000));
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QCOMPARE(p.exitCode(), 1);
    QVERIFY2(err.contains(u"postgresql://postgres@127.0.0.1:%1/pulsco: cannot open"_s.arg(port)),
             qPrintable(err));
    QVERIFY2(t.elapsed() < 10000, qPrintable(u"took %1 ms"_s.arg(t.elapsed())));
}

void TestMatchdPostgres::lostDatabaseAnswers503AndComesBack() {
    pulsco::test::PostgresProcess pg;
    const QString started = pg.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    QCOMPARE(pg.createDatabase(u"pulsco"_s), QString());
    pulsco::test::MatchdProcess::Options options;
    options.storeUrl = pg.connectionUrl(u"pulsco"_s);
    // No finished ticket kept in memory: reading one goes to the store.
    options.extraArguments = {u"--memory-tickets"_s, u"0"_s};
    pulsco::test::MatchdProcess server(options);
    QVERIFY2(server.start(), server.stderrText().constData());
    QCOMPARE(http(server.port(), "GET", "/readyz").status, 200);

    QStringList acknowledged;
    const auto create = [&](const QByteArray& player) {
        const HttpResult r =
            http(server.port(), "POST", "/v1/tickets",
                 soloTicket("ranked-5v5", player, "eu-west", 20, R"({"mu":25,"sigma":4})"));
        if (r.status == 201)
            acknowledged << r.json().value(u"ticket_id").toString();
        return r;
    };
    for (int i = 0; i < 20; ++i)
        QCOMPARE(create("before" + QByteArray::number(i)).status, 201);
    // A finished ticket: cancelled now, or matched already (409).
    const QByteArray finished = acknowledged.first().toLatin1();
    const int cancelled = http(server.port(), "DELETE", "/v1/tickets/" + finished).status;
    QVERIFY2(cancelled == 200 || cancelled == 409, qPrintable(QString::number(cancelled)));
    const QString finishedState =
        http(server.port(), "GET", "/v1/tickets/" + finished).json().value(u"state").toString();
    QVERIFY2(finishedState == u"cancelled"_s || finishedState == u"matched"_s,
             qPrintable(finishedState));

    // The database goes away (fast shutdown: every connection is closed).
    pg.stop();
    HttpResult refused;
    int attempts = 0;
    for (; attempts < 20; ++attempts) {
        refused = create("during" + QByteArray::number(attempts));
        if (refused.status != 201)
            break;
    }
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.errorCode(), u"unavailable"_s);
    QVERIFY2(refused.errorMessage().contains(u"database unavailable"_s),
             qPrintable(refused.errorMessage()));
    QTRY_COMPARE_WITH_TIMEOUT(http(server.port(), "GET", "/readyz").status, 503, 5000);
    // A record only the store holds cannot be read: 503, not "not found".
    const HttpResult old = http(server.port(), "GET", "/v1/tickets/" + finished);
    QCOMPARE(old.status, 503);
    QCOMPARE(old.errorCode(), u"unavailable"_s);
    QVERIFY2(old.errorMessage().contains(u"cannot read this record back now"_s),
             qPrintable(old.errorMessage()));
    // Still refused while it is gone: no 201 without a commit.
    for (int i = 0; i < 5; ++i)
        QCOMPARE(create("gone" + QByteArray::number(i)).status, 503);
    const QString log = QString::fromUtf8(server.stderrText());
    QVERIFY2(log.contains(u"store: database postgresql://postgres@127.0.0.1:"_s) &&
                 log.contains(u"refuses writes"_s),
             qPrintable(log));

    // Back on the same port: the server reconnects by itself (backoff of
    // at most 2 s), takes tickets again and is ready.
    const QString restarted = pg.start();
    QVERIFY2(restarted.isEmpty(), qPrintable(restarted));
    // A new player each try: QTRY evaluates the condition once more after
    // it held.
    HttpResult after;
    int tries = 0;
    QTRY_VERIFY2_WITH_TIMEOUT((after = create("after" + QByteArray::number(++tries))).status == 201,
                              qPrintable(QString::number(after.status) + u" "_s +
                                         QString::fromUtf8(after.body) + u"\n"_s +
                                         QString::fromUtf8(server.stderrText())),
                              10000);
    QTRY_COMPARE_WITH_TIMEOUT(http(server.port(), "GET", "/readyz").status, 200, 5000);
    QCOMPARE(
        http(server.port(), "GET", "/v1/tickets/" + finished).json().value(u"state").toString(),
        finishedState);
    QVERIFY2(QString::fromUtf8(server.stderrText()).contains(u"accepts writes again"_s),
             server.stderrText().constData());

    // Nothing acknowledged is lost, also across a restart of the server
    // (read back from the database, not from memory).
    QCOMPARE(server.terminate(), 0);
    QVERIFY2(server.start(), server.stderrText().constData());
    for (const QString& id : std::as_const(acknowledged))
        QVERIFY2(http(server.port(), "GET", "/v1/tickets/" + id.toLatin1()).status == 200,
                 qPrintable(id + u" acknowledged, then lost"_s));
    QVERIFY(acknowledged.size() >= 21);
    QCOMPARE(server.terminate(), 0);
}

// migrate, backup and restore with --store URL where --data-dir stood: a
// round trip down to schema 1 and up, a pg_dump while nothing runs, a
// pg_restore into an empty database, a server serving every ticket there.
void TestMatchdPostgres::storeCommandsOnPostgres() {
    pulsco::test::PostgresProcess pg;
    const QString started = pg.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    QCOMPARE(pg.createDatabase(u"live"_s), QString());
    const QString url = pg.connectionUrl(u"live"_s);
    pulsco::test::MatchdProcess::Options options;
    options.storeUrl = url;
    pulsco::test::MatchdProcess server(options);
    QVERIFY2(server.start(), server.stderrText().constData());
    QStringList ids;
    for (int i = 0; i < 12; ++i) {
        const HttpResult r =
            http(server.port(), "POST", "/v1/tickets",
                 soloTicket("duel-1v1", "c" + QByteArray::number(i), "eu-west", 20));
        QCOMPARE(r.status, 201);
        ids << r.json().value(u"ticket_id").toString();
    }
    QTest::qWait(600);  // the duels match; heartbeats are written
    QCOMPARE(server.terminate(), 0);

    CommandResult r =
        runMatchd({u"migrate"_s, u"--store"_s, url, u"--to"_s, u"1"_s, u"--dry-run"_s});
    QVERIFY2(r.exitCode == 0 && r.out.contains(u"down 3 up_intervals"_s) &&
                 r.out.contains(u"drops table up_intervals ("_s) &&
                 r.out.contains(u"drops column matches.result_ms"_s) == false &&
                 r.out.contains(u"dry run: nothing changed"_s),
             qPrintable(r.all()));
    r = runMatchd({u"migrate"_s, u"--store"_s, url, u"--to"_s, u"1"_s});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"refused"_s) &&
                 r.err.contains(u"backup --store postgresql://postgres@"_s),
             qPrintable(r.all()));
    r = runMatchd({u"migrate"_s, u"--store"_s, url, u"--to"_s, u"1"_s, u"--allow-data-loss"_s});
    QVERIFY2(r.exitCode == 0 && r.out.contains(u"now at schema 1"_s), qPrintable(r.all()));
    const QString latest = QString::number(pulsco::latestSchemaVersion());
    r = runMatchd({u"migrate"_s, u"--store"_s, url, u"--to"_s, latest});
    QVERIFY2(r.exitCode == 0 && r.out.contains(u"now at schema "_s + latest), qPrintable(r.all()));

    QTemporaryDir dir;
    r = runMatchd({u"backup"_s, u"--store"_s, url, u"--to"_s, dir.path()});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    const QStringList dumps = QDir(dir.path()).entryList({u"*.dump"_s}, QDir::Files);
    QCOMPARE(dumps.size(), 1);
    const QString dump = QDir(dir.path()).filePath(dumps.first());
    QVERIFY2(r.out.contains(u"tickets 12"_s), qPrintable(r.all()));
    r = runMatchd({u"verify"_s, dump});
    QVERIFY2(r.exitCode == 2 && r.err.contains(u"a pg_dump archive: name the database"_s),
             qPrintable(r.all()));
    // Checked in a scratch database on the same server, which is dropped
    // again; logged in "live" as a verified backup of it.
    r = runMatchd({u"verify"_s, dump, u"--store"_s, url});
    QVERIFY2(r.exitCode == 0 && r.out.contains(u"rows: schema "_s) &&
                 r.out.contains(u"tickets 12"_s) && r.out.contains(u"store check (amcheck): "_s) &&
                 r.out.contains(u"a server starts on it: yes"_s) &&
                 r.out.trimmed().endsWith(u"sound"_s) && !r.out.contains(u"NOT sound"_s) &&
                 r.err.isEmpty(),
             qPrintable(r.all()));
    {
        pulsco::test::PostgresConnection admin(pg, u"postgres"_s);
        QVERIFY2(admin.isOpen(), qPrintable(admin.error()));
        QSqlQuery q(admin.db());
        QVERIFY(q.exec(u"SELECT COUNT(*) FROM pg_database WHERE datname LIKE 'pulsco_verify_%'"_s));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 0);
    }
    {
        pulsco::test::MatchdProcess::Options onLive;
        onLive.storeUrl = url;
        pulsco::test::MatchdProcess live(onLive);
        QVERIFY2(live.start(), live.stderrText().constData());
        const auto report = [&] {
            return http(live.port(), "GET", "/v1/stats")
                .json()
                .value(u"store_maintenance")
                .toObject();
        };
        QTRY_COMPARE_WITH_TIMEOUT(report().value(u"verified_backups"_s).toInt(), 1, 10000);
        QCOMPARE(report().value(u"migration_round_trips"_s).toInt(), 1);
        QCOMPARE(live.terminate(), 0);
    }

    QCOMPARE(pg.createDatabase(u"restored"_s), QString());
    const QString restoredUrl = pg.connectionUrl(u"restored"_s);
    r = runMatchd({u"restore"_s, dump, u"--store"_s, restoredUrl});
    QVERIFY2(r.exitCode == 0 && r.out.contains(u"restored "_s), qPrintable(r.all()));
    r = runMatchd({u"restore"_s, dump, u"--store"_s, restoredUrl});
    QVERIFY2(r.exitCode == 1 && r.err.contains(u"not empty (restore never overwrites"_s),
             qPrintable(r.all()));
    r = runMatchd({u"restore"_s, dump, u"--store"_s, url, u"--data-dir"_s, dir.path()});
    QVERIFY2(r.exitCode == 2 && r.err.contains(u"not both"_s), qPrintable(r.all()));

    pulsco::test::MatchdProcess::Options onRestored;
    onRestored.storeUrl = restoredUrl;
    pulsco::test::MatchdProcess again(onRestored);
    QVERIFY2(again.start(), again.stderrText().constData());
    for (const QString& id : std::as_const(ids))
        QCOMPARE(http(again.port(), "GET", "/v1/tickets/" + id.toLatin1()).status, 200);
    // The maintenance log travelled in the dump (the round trip on "live")
    // and the restore logged itself in the restored database: the server
    // on it reports both.
    const auto maintenance = [&] {
        return http(again.port(), "GET", "/v1/stats").json().value(u"store_maintenance").toObject();
    };
    QTRY_COMPARE_WITH_TIMEOUT(maintenance().value(u"restore_drills"_s).toInt(), 1, 10000);
    QCOMPARE(maintenance().value(u"migration_round_trips"_s).toInt(), 1);
    QCOMPARE(again.terminate(), 0);
}

// Production's shape: the server runs as an ordinary role that owns its
// database, amcheck installed by a superuser (so the role may not run it).
// The audit says its store check could not run, and why, and still passes
// its cross-checks; a backup of that database restores into another such
// database (the extension left out, which the role could not create).
void TestMatchdPostgres::ordinaryRoleWithoutAmcheckRights() {
    pulsco::test::PostgresProcess pg;
    const QString started = pg.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    QCOMPARE(pg.createDatabase(u"owned"_s), QString());
    {
        pulsco::test::PostgresConnection su(pg, u"postgres"_s);
        QSqlQuery q(su.db());
        QVERIFY2(q.exec(u"CREATE ROLE pulsco LOGIN"_s), qPrintable(q.lastError().text()));
        QVERIFY2(q.exec(u"ALTER DATABASE owned OWNER TO pulsco"_s),
                 qPrintable(q.lastError().text()));
        QVERIFY2(q.exec(u"CREATE DATABASE owned2 OWNER pulsco"_s),
                 qPrintable(q.lastError().text()));
    }
    {
        pulsco::test::PostgresConnection su(pg, u"owned"_s);
        QSqlQuery q(su.db());
        QVERIFY2(q.exec(u"CREATE EXTENSION amcheck"_s), qPrintable(q.lastError().text()));
    }
    const QString url = u"postgresql://pulsco@127.0.0.1:%1/owned"_s.arg(pg.port());
    const QByteArray token = "ordinary-role-token-0123456789";
    pulsco::test::MatchdProcess::Options options;
    options.storeUrl = url;
    options.adminToken = token;
    options.extraArguments = {u"--integrity-interval-s"_s, u"0"_s};
    pulsco::test::MatchdProcess server(options);
    QVERIFY2(server.start(), server.stderrText().constData());
    for (int i = 0; i < 6; ++i)
        QCOMPARE(http(server.port(), "POST", "/v1/tickets",
                      soloTicket("duel-1v1", "o" + QByteArray::number(i)))
                     .status,
                 201);
    QCOMPARE(
        http(server.port(), "POST", "/v1/integrity", {}, "Authorization: Bearer " + token + "\r\n")
            .status,
        202);
    QJsonObject audit;
    QTRY_VERIFY_WITH_TIMEOUT(
        !(audit = http(server.port(), "GET", "/v1/integrity").json().value(u"audit").toObject())
             .isEmpty(),
        5000);
    QVERIFY2(audit.value(u"ok").toBool(), QJsonDocument(audit).toJson().constData());
    QVERIFY2(audit.value(u"store_check")
                 .toString()
                 .startsWith(u"none (this role may not run amcheck's bt_index_check"_s),
             QJsonDocument(audit).toJson().constData());
    QCOMPARE(server.terminate(), 0);

    QTemporaryDir dir;
    const QString dump = dir.filePath(u"owned.dump"_s);
    CommandResult r = runMatchd({u"backup"_s, u"--store"_s, url, u"--to"_s, dump});
    QVERIFY2(r.exitCode == 0, qPrintable(r.all()));
    r = runMatchd({u"restore"_s, dump, u"--store"_s,
                   u"postgresql://pulsco@127.0.0.1:%1/owned2"_s.arg(pg.port())});
    QVERIFY2(r.exitCode == 0 && r.out.contains(u"highest ticket t6"_s), qPrintable(r.all()));
}

QTEST_GUILESS_MAIN(TestMatchdPostgres)
#include "tst_matchd_postgres.moc"
