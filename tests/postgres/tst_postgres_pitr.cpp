// Point-in-time recovery of pulsco-matchd's PostgreSQL store with
// PostgreSQL's own machinery, for real (docs/runbooks/postgresql-pitr.md is
// the same procedure for an operator):
//
//   1. a cluster that archives its WAL (wal_level=replica, archive_mode=on,
//      archive_command copying each segment to an archive directory), and a
//      base backup of it (pg_basebackup);
//   2. traffic: tickets created, some cancelled; time T noted on the
//      database's clock; more traffic: other tickets cancelled, new ones
//      created;
//   3. a new cluster from the base backup with recovery.signal,
//      restore_command from the archive, recovery_target_time = T and
//      recovery_target_action = promote; wait until it is out of recovery;
//   4. pulsco-matchd started on the recovered database: every ticket
//      acknowledged before T is there in its state at T (searching, or
//      cancelled if it was cancelled before T), nothing from after T.
//
// With PULSCO_BENCH set it prints `BENCH store.pitr_restore_s` (from the
// start of the recovering cluster until it is promoted and pulsco-matchd
// serves on it) and `BENCH store.pitr_base_backup_s` (tests/bench/postgres.sh).
#include "hardening/HardeningQueues.h"
#include "support/HttpTestClient.h"
#include "support/MatchdProcess.h"
#include "support/PostgresProcess.h"

#include <QDir>
#include <QJsonObject>
#include <QtTest>

#include <pwd.h>

using namespace Qt::StringLiterals;
using pulsco::test::http;
using pulsco::test::HttpResult;
using pulsco::test::PostgresConnection;
using pulsco::test::PostgresProcess;

namespace {

// One value from `sql` on database `db` of `pg`, as text ("" and a warning
// on error).
QString scalar(const PostgresProcess& pg, const QString& db, const QString& sql) {
    PostgresConnection c(pg, db);
    QSqlQuery q(c.db());
    if (!c.isOpen() || !q.exec(sql) || !q.next()) {
        qWarning().noquote() << sql << ":" << (c.isOpen() ? q.lastError().text() : c.error());
        return {};
    }
    return q.value(0).toString();
}

// As root the server runs as `postgres`: what it must read or write is
// given to that user (the cluster's own directory already is).
bool giveToServerUser(const QString& path) {
    if (::geteuid() != 0)
        return true;
    const struct passwd* pw = ::getpwnam("postgres");
    if (!pw)
        return false;
    QProcess chown;
    chown.start(u"chown"_s, {u"-R"_s, u"postgres:postgres"_s, path});
    return chown.waitForFinished(30000) && chown.exitCode() == 0;
}

struct Traffic {
    QStringList searchingAtT;    // acknowledged before T, still searching at T
    QStringList cancelledAtT;    // cancelled before T
    QStringList cancelledAfter;  // searching at T, cancelled after T
    QStringList createdAfter;    // acknowledged after T
};

}  // namespace

class TestPostgresPitr : public QObject {
    Q_OBJECT
private slots:
    void recoversToTheMomentNoted();
};

void TestPostgresPitr::recoversToTheMomentNoted() {
    const bool bench = qEnvironmentVariableIsSet("PULSCO_BENCH");
    PostgresProcess pg;
    // The archive sits in the cluster's temporary directory, which belongs
    // to the server's user.
    const QString archive = QDir(pg.dir()).filePath(u"archive"_s);
    QVERIFY(QDir().mkpath(archive));
    QVERIFY(giveToServerUser(archive));
    const QStringList archiving = {
        u"wal_level = replica"_s, u"archive_mode = on"_s,
        u"archive_command = 'test ! -f %1/%f && cp %p %1/%f'"_s.arg(archive)};
    QString why = pg.start(archiving);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QCOMPARE(pg.createDatabase(u"pulsco"_s), QString());

    // The base backup, before any traffic: everything after it comes from
    // the archived WAL.
    const QString base = QDir(pg.dir()).filePath(u"base"_s);
    QElapsedTimer timer;
    timer.start();
    why = pg.runTool(u"pg_basebackup"_s,
                     {u"-h"_s, u"127.0.0.1"_s, u"-p"_s, QString::number(pg.port()), u"-U"_s,
                      u"postgres"_s, u"-D"_s, base, u"-X"_s, u"stream"_s, u"-c"_s, u"fast"_s});
    QVERIFY2(why.isEmpty(), qPrintable(why));
    const double baseBackupSeconds = double(timer.elapsed()) / 1000;

    QTemporaryDir work;
    const QString queues = work.filePath(u"queues.json"_s);
    QVERIFY(writeHardeningQueues(queues));
    pulsco::test::MatchdProcess::Options options;
    options.queuesFile = queues;
    options.storeUrl = pg.connectionUrl(u"pulsco"_s);
    pulsco::test::MatchdProcess server(options);
    QVERIFY2(server.start(), server.stderrText().constData());

    // hold-1v1 never matches two players of different ratings and waits an
    // hour: a ticket's state changes only when the test cancels it.
    int player = 0;
    const auto create = [&]() -> QString {
        ++player;
        const HttpResult r = http(
            server.port(), "POST", "/v1/tickets",
            pulsco::test::soloTicket("hold-1v1", "p" + QByteArray::number(player), "eu-west", 20,
                                     R"({"mu":)" + QByteArray::number(player) + R"(,"sigma":3})"));
        return r.status == 201 ? r.json().value(u"ticket_id").toString() : QString();
    };
    const auto cancel = [&](const QString& id) {
        return http(server.port(), "DELETE", "/v1/tickets/" + id.toLatin1()).status == 200;
    };

    Traffic traffic;
    for (int i = 0; i < 30; ++i) {
        const QString id = create();
        QVERIFY(!id.isEmpty());
        traffic.searchingAtT << id;
    }
    for (int i = 0; i < 5; ++i) {
        const QString id = traffic.searchingAtT.takeFirst();
        QVERIFY(cancel(id));
        traffic.cancelledAtT << id;
    }
    // T on the database's own clock, with room on both sides: commit times
    // are what recovery compares it with.
    QTest::qWait(1100);
    const QString t = scalar(pg, u"pulsco"_s,
                             u"SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', "
                             "'YYYY-MM-DD HH24:MI:SS.US') || '+00'"_s);
    QVERIFY(!t.isEmpty());
    QTest::qWait(1100);
    for (int i = 0; i < 5; ++i) {
        const QString id = traffic.searchingAtT.takeLast();
        QVERIFY(cancel(id));
        traffic.cancelledAfter << id;
    }
    for (int i = 0; i < 20; ++i) {
        const QString id = create();
        QVERIFY(!id.isEmpty());
        traffic.createdAfter << id;
    }
    QCOMPARE(server.terminate(), 0);

    // Close the current WAL segment and wait until it is archived: the
    // recovery needs the records past T.
    const QString segment = scalar(pg, u"pulsco"_s, u"SELECT pg_walfile_name(pg_switch_wal())"_s);
    QVERIFY(!segment.isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(
        QFileInfo::exists(QDir(archive).filePath(segment)),
        qPrintable(segment + u" not archived; log:\n"_s + QString::fromUtf8(pg.log())), 30000);
    pg.stop();

    // The recovering cluster: the base backup, the archive, the target.
    PostgresProcess recovered;
    QVERIFY(QDir().mkpath(recovered.dataDir()));
    {
        QProcess copy;
        copy.start(u"cp"_s, {u"-a"_s, base + u"/."_s, recovered.dataDir()});
        QVERIFY(copy.waitForFinished(60000) && copy.exitCode() == 0);
    }
    QFile signal(QDir(recovered.dataDir()).filePath(u"recovery.signal"_s));
    QVERIFY(signal.open(QIODevice::WriteOnly));
    signal.close();
    QVERIFY(QFile::setPermissions(recovered.dataDir(),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QVERIFY(giveToServerUser(recovered.dataDir()));
    timer.restart();
    why = recovered.start({u"restore_command = 'cp %1/%f %p'"_s.arg(archive),
                           u"recovery_target_time = '%1'"_s.arg(t),
                           u"recovery_target_action = 'promote'"_s});
    QVERIFY2(why.isEmpty(), qPrintable(why));
    // Hot standby accepts connections before recovery ends; writes need it
    // promoted.
    QTRY_VERIFY2_WITH_TIMEOUT(scalar(recovered, u"pulsco"_s, u"SELECT pg_is_in_recovery()"_s) ==
                                  u"false"_s,
                              qPrintable(QString::fromUtf8(recovered.log())), 60000);
    QVERIFY2(recovered.log().contains("recovery stopping before commit"),
             recovered.log().constData());

    pulsco::test::MatchdProcess::Options onRecovered = options;
    onRecovered.storeUrl = recovered.connectionUrl(u"pulsco"_s);
    pulsco::test::MatchdProcess again(onRecovered);
    QVERIFY2(again.start(), again.stderrText().constData());
    const double restoreSeconds = double(timer.elapsed()) / 1000;

    const auto stateOf = [&](const QString& id) {
        const HttpResult r = http(again.port(), "GET", "/v1/tickets/" + id.toLatin1());
        return r.status == 200 ? r.json().value(u"state").toString() : u"HTTP %1"_s.arg(r.status);
    };
    for (const QString& id : std::as_const(traffic.searchingAtT))
        QCOMPARE(stateOf(id), u"searching"_s);
    for (const QString& id : std::as_const(traffic.cancelledAtT))
        QCOMPARE(stateOf(id), u"cancelled"_s);
    // Searching at T: the cancellations after T are not there.
    for (const QString& id : std::as_const(traffic.cancelledAfter))
        QCOMPARE(stateOf(id), u"searching"_s);
    for (const QString& id : std::as_const(traffic.createdAfter))
        QCOMPARE(stateOf(id), u"HTTP 404"_s);
    QCOMPARE(scalar(recovered, u"pulsco"_s, u"SELECT COUNT(*) FROM tickets"_s), u"30"_s);
    QCOMPARE(again.terminate(), 0);

    if (bench) {
        std::printf("BENCH store.pitr_base_backup_s %.3f s\n", baseBackupSeconds);
        std::printf("BENCH store.pitr_restore_s %.3f s\n", restoreSeconds);
        std::fflush(stdout);
    }
}

QTEST_GUILESS_MAIN(TestPostgresPitr)
#include "tst_postgres_pitr.moc"
