// The real pulsco-matchd binary: bad flags and bad files named by flags exit
// 2, a warning beyond loopback without an admin token, kill -9 loses no
// acknowledged ticket, SIGTERM drains and exits 0, an older schema is
// migrated up on start with its data.
#include "support/HttpTestClient.h"
#include "support/MatchdProcess.h"
#include "support/TestStore.h"

#include "net/store/Migrations.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <csignal>
#include <tuple>

using namespace Qt::StringLiterals;
using namespace pulsco::test;

namespace {

QString binary() {
    return pulsco::test::MatchdProcess::binary();
}

// The binary on `dataDir` with the built-in queues, stderr kept for the test.
pulsco::test::MatchdProcess::Options onDataDir(const QString& dataDir, QStringList extra = {}) {
    pulsco::test::MatchdProcess::Options o;
    o.dataDir = dataDir;
    o.extraArguments = std::move(extra);
    return o;
}

// A fresh store of the backend under test (support/TestStore.h): the
// directory `dataDir` on SQLite, a new database on PostgreSQL. Every start
// of the returned options opens the same store.
std::optional<pulsco::test::MatchdProcess::Options> onFreshStore(const QString& dataDir) {
    pulsco::test::MatchdProcess::Options o = onDataDir(dataDir);
    if (!pulsco::test::TestStore::postgres())
        return o;
    QString error;
    o.storeUrl = pulsco::test::TestStore::fresh({}, &error);
    if (o.storeUrl.isEmpty()) {
        qWarning().noquote() << error;
        return std::nullopt;
    }
    return o;
}

// Sends many POST /v1/tickets at once on separate connections, so the store
// really groups them; returns the ids that were acknowledged with 201.
QStringList createConcurrently(quint16 port, int count, int offset) {
    struct Call {
        std::unique_ptr<QTcpSocket> socket;
        QByteArray in;
    };
    std::vector<Call> calls(static_cast<std::size_t>(count));
    static const char* regions[] = {"eu-west", "us-east", "us-west", "asia-east"};
    for (int i = 0; i < count; ++i) {
        const QByteArray body = soloTicket(
            "ranked-5v5", "k" + QByteArray::number(offset + i), regions[i % 4], 20 + i % 30,
            R"({"mu":)" + QByteArray::number(10 + (i * 7) % 30) + R"(,"sigma":4})");
        calls[std::size_t(i)].socket = std::make_unique<QTcpSocket>();
        calls[std::size_t(i)].socket->connectToHost(u"127.0.0.1"_s, port);
        calls[std::size_t(i)].socket->write(
            "POST /v1/tickets HTTP/1.1\r\nConnection: close\r\nContent-Length: " +
            QByteArray::number(body.size()) + "\r\n\r\n" + body);
    }
    QElapsedTimer t;
    t.start();
    QStringList acknowledged;
    std::size_t done = 0;
    std::vector<bool> finished(calls.size());
    while (done < calls.size() && t.elapsed() < 20000) {
        QTest::qWait(2);
        for (std::size_t i = 0; i < calls.size(); ++i) {
            if (finished[i])
                continue;
            calls[i].in += calls[i].socket->readAll();
            if (calls[i].socket->state() == QAbstractSocket::UnconnectedState) {
                finished[i] = true;
                ++done;
                if (calls[i].in.startsWith("HTTP/1.1 201")) {
                    const QByteArray body = calls[i].in.mid(calls[i].in.indexOf("\r\n\r\n") + 4);
                    acknowledged
                        << QJsonDocument::fromJson(body).object().value(u"ticket_id").toString();
                }
            }
        }
    }
    return acknowledged;
}

}  // namespace

class TestMatchdProcess : public QObject {
    Q_OBJECT
private slots:
    void badFlagsExitTwo_data();
    void badFlagsExitTwo();
    void badFlagFilesExitTwo_data();
    void badFlagFilesExitTwo();
    void warnsBeyondLoopbackWithoutAdminToken_data();
    void warnsBeyondLoopbackWithoutAdminToken();
    void badQueuesFileExitsOne();
    void killNineLosesNoAcknowledgedTicket();
    void sigtermDrainsAndExitsZero();
    void olderSchemaIsMigratedOnStart();
    void oldUnprefixedStoreKeepsItsIds();
    void memoryFlagsBoundWhatIsKept();
};

void TestMatchdProcess::badFlagsExitTwo_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::addRow("no data dir") << QStringList{} << u"--data-dir: required"_s;
    QTest::addRow("unknown flag") << QStringList{u"--data-dir"_s, u"x"_s, u"--bogus"_s}
                                  << u"--bogus: unknown flag"_s;
    QTest::addRow("tick too fast") << QStringList{u"--data-dir"_s, u"x"_s, u"--tick-ms"_s, u"5"_s}
                                   << u"--tick-ms: must be an integer from 10 to 60000"_s;
    QTest::addRow("bad server id")
        << QStringList{u"--data-dir"_s, u"x"_s, u"--server-id"_s, u"Blue-1"_s}
        << u"--server-id: must be 1 to 16 characters of a-z and 0-9, the prefix of every ticket "
           "and match id (got 'Blue-1')"_s;
    QTest::addRow("bad color") << QStringList{u"--data-dir"_s, u"x"_s, u"--color"_s, u"red"_s}
                               << u"--color: must be blue or green"_s;
    QTest::addRow("bad environment")
        << QStringList{u"--data-dir"_s, u"x"_s, u"--environment"_s, u"prod"_s}
        << u"--environment: must be staging or production (got 'prod')"_s;
    QTest::addRow("rehearsal environment")
        << QStringList{u"--data-dir"_s, u"x"_s, u"--environment=rehearsal"_s}
        << u"--environment: must be staging or production (got 'rehearsal')"_s;
    QTest::addRow("bad listen") << QStringList{u"--data-dir"_s, u"x"_s, u"--listen"_s, u"nowhere"_s}
                                << u"--listen: must be HOST:PORT"_s;
    QTest::addRow("missing value")
        << QStringList{u"--data-dir"_s} << u"--data-dir: needs a value"_s;
    QTest::addRow("tls cert alone")
        << QStringList{u"--data-dir"_s, u"x"_s, u"--tls-cert"_s, u"c.pem"_s}
        << u"--tls-key: required with --tls-cert"_s;
    QTest::addRow("tls key alone")
        << QStringList{u"--data-dir"_s, u"x"_s, u"--tls-key"_s, u"k.pem"_s}
        << u"--tls-cert: required with --tls-key"_s;
    QTest::addRow("no io threads")
        << QStringList{u"--data-dir"_s, u"x"_s, u"--io-threads"_s, u"0"_s}
        << u"--io-threads: must be an integer from 1 to 16"_s;
    QTest::addRow("io threads not a number")
        << QStringList{u"--data-dir"_s, u"x"_s, u"--io-threads=two"_s}
        << u"--io-threads: must be an integer from 1 to 16 (got 'two')"_s;
    QTest::addRow("negative memory tickets")
        << QStringList{u"--data-dir"_s, u"x"_s, u"--memory-tickets"_s, u"-1"_s}
        << u"--memory-tickets: must be an integer from 0 to 10000000"_s;
    QTest::addRow("memory matches too many")
        << QStringList{u"--data-dir"_s, u"x"_s, u"--memory-matches"_s, u"20000000"_s}
        << u"--memory-matches: must be an integer from 0 to 10000000"_s;
    QTest::addRow("integrity interval too short")
        << QStringList{u"--data-dir"_s, u"x"_s, u"--integrity-interval-s"_s, u"0.01"_s}
        << u"--integrity-interval-s: must be 0 (on demand only) or seconds from 0.1 to 86400 "
           "(got '0.01')"_s;
    QTest::addRow("integrity interval not a number")
        << QStringList{u"--data-dir"_s, u"x"_s, u"--integrity-interval-s=soon"_s}
        << u"--integrity-interval-s: must be 0 (on demand only) or seconds from 0.1 to 86400 "
           "(got 'soon')"_s;
    QTest::addRow("too many connections")
        << QStringList{u"--data-dir"_s, u"x"_s, u"--max-connections"_s, u"1e9"_s}
        << u"--max-connections: must be an integer from 1 to 1000000"_s;
}

// Files named by flags are checked before anything starts; each refusal
// names the file and why. (Valid certificates with a wrong key are in
// tst_matchd_tls, which makes them with openssl.)
void TestMatchdProcess::badFlagFilesExitTwo_data() {
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QByteArray>("content");  // "<missing>": the file is not there
    QTest::addColumn<int>("mode");            // octal permission bits
    QTest::addColumn<QString>("message");
    const QByteArray token = "0123456789abcdef0123456789abcdef\n";
    QTest::addRow("token readable by group")
        << u"--admin-token-file"_s << token << 0640 << u"readable by group or others"_s;
    QTest::addRow("token readable by others")
        << u"--admin-token-file"_s << token << 0604 << u"readable by group or others"_s;
    QTest::addRow("token empty") << u"--admin-token-file"_s << QByteArray() << 0600
                                 << u"admin token file: empty"_s;
    QTest::addRow("token blank") << u"--admin-token-file"_s << QByteArray(" \n\n") << 0600
                                 << u"admin token file: empty"_s;
    QTest::addRow("token too short") << u"--admin-token-file"_s << QByteArray("short\n") << 0600
                                     << u"must be 16 to 4096 characters"_s;
    QTest::addRow("token missing") << u"--admin-token-file"_s << QByteArray("<missing>") << 0600
                                   << u"cannot read admin token file"_s;
    QTest::addRow("tls cert missing")
        << u"--tls-cert"_s << QByteArray("<missing>") << 0644 << u"--tls-cert: cannot read"_s;
    QTest::addRow("tls cert not pem") << u"--tls-cert"_s << QByteArray("hello\n") << 0644
                                      << u"--tls-cert: no PEM certificate in it"_s;
}

void TestMatchdProcess::badFlagFilesExitTwo() {
    QFETCH(QString, flag);
    QFETCH(QByteArray, content);
    QFETCH(int, mode);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"file"_s);
    if (content != "<missing>") {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        QFileDevice::Permissions p;
        const std::pair<int, QFileDevice::Permission> bits[] = {
            {0400, QFileDevice::ReadOwner}, {0200, QFileDevice::WriteOwner},
            {0040, QFileDevice::ReadGroup}, {0020, QFileDevice::WriteGroup},
            {0004, QFileDevice::ReadOther}, {0002, QFileDevice::WriteOther}};
        for (const auto& [bit, permission] : bits)
            if (mode & bit)
                p |= permission;
        QVERIFY(f.setPermissions(p));
    }
    QStringList args{
        u"--data-dir"_s, dir.filePath(u"data"_s), u"--listen"_s, u"127.0.0.1:0"_s, flag, path};
    if (flag == u"--tls-cert"_s)
        args << u"--tls-key"_s << path;
    QProcess p;
    p.start(binary(), args);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QCOMPARE(p.exitCode(), 2);
    QVERIFY2(err.contains(path + u": "_s), qPrintable(err));
    QVERIFY2(err.contains(message), qPrintable(err));
    QVERIFY2(!QFile::exists(dir.filePath(u"data"_s)), "nothing may start on a bad file");
}

void TestMatchdProcess::warnsBeyondLoopbackWithoutAdminToken_data() {
    QTest::addColumn<QString>("listen");
    QTest::addColumn<bool>("withToken");
    QTest::addColumn<bool>("warns");
    QTest::addRow("any address, no token") << u"0.0.0.0:0"_s << false << true;
    QTest::addRow("any address, token") << u"0.0.0.0:0"_s << true << false;
    QTest::addRow("loopback, no token") << u"127.0.0.1:0"_s << false << false;
}

void TestMatchdProcess::warnsBeyondLoopbackWithoutAdminToken() {
    QFETCH(QString, listen);
    QFETCH(bool, withToken);
    QFETCH(bool, warns);
    QTemporaryDir dir;
    QStringList extra{u"--listen"_s, listen};
    if (withToken) {
        QFile token(dir.filePath(u"token"_s));
        QVERIFY(token.open(QIODevice::WriteOnly));
        token.write("0123456789abcdef0123456789abcdef\n");
        token.close();
        QVERIFY(token.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        extra << u"--admin-token-file"_s << token.fileName();
    }
    pulsco::test::MatchdProcess s(onDataDir(dir.filePath(u"data"_s), extra));
    QVERIFY(s.start());  // the later --listen wins
    QCOMPARE(http(s.port(), "GET", "/healthz").status, 200);
    QCOMPARE(s.terminate(), 0);
    const QString err = QString::fromUtf8(s.stderrText());
    QCOMPARE(err.contains(u"beyond loopback without --admin-token-file"_s), warns);
}

void TestMatchdProcess::badFlagsExitTwo() {
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    QProcess p;
    p.start(binary(), args);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 2);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains(message), qPrintable(err));
}

void TestMatchdProcess::badQueuesFileExitsOne() {
    QTemporaryDir dir;
    QFile f(dir.filePath(u"queues.json"_s));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(
        R"({"format": 1, "regions": ["eu-west"], "queues": [{"name": "q", "team_count": "two"}]})");
    f.close();
    QProcess p;
    p.start(binary(), {u"--data-dir"_s, dir.filePath(u"data"_s), u"--queues"_s, f.fileName(),
                       u"--listen"_s, u"127.0.0.1:0"_s});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 1);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains(f.fileName() + u": queues[0].team_count"_s), qPrintable(err));
}

void TestMatchdProcess::killNineLosesNoAcknowledgedTicket() {
    QTemporaryDir dir;
    const auto store = onFreshStore(dir.filePath(u"data"_s));
    QVERIFY2(store, "no fresh store (see the warning above)");
    QStringList acknowledged;
    for (int round = 0; round < 3; ++round) {
        pulsco::test::MatchdProcess s(*store);
        QVERIFY2(s.start(), s.stderrText().constData());
        // The variant really runs on its backend: the server says where its
        // data are.
        QVERIFY2(s.stderrText().contains(
                     pulsco::test::TestStore::postgres() ? "data in postgresql://" : "data in /"),
                 s.stderrText().constData());
        // Everything acknowledged before, by any earlier process, is there.
        for (const QString& id : std::as_const(acknowledged)) {
            const HttpResult r = http(s.port(), "GET", "/v1/tickets/" + id.toLatin1());
            QVERIFY2(r.status == 200, qPrintable(id + u" lost after kill -9"_s));
            const QString state = r.json().value(u"state").toString();
            QVERIFY2(state == u"searching"_s || state == u"matched"_s || state == u"expired"_s,
                     qPrintable(id + u" is "_s + state));
        }
        const QStringList batch = createConcurrently(s.port(), 150, round * 1000);
        QVERIFY(batch.size() >= 100);  // loopback, no faults: practically all
        acknowledged += batch;
        // kill -9 right after the last 201: no graceful anything.
        s.kill();
        QVERIFY(!s.running());
    }
    pulsco::test::MatchdProcess s(*store);
    QVERIFY2(s.start(), s.stderrText().constData());
    const QJsonObject stats = http(s.port(), "GET", "/v1/stats").json();
    QVERIFY(stats.value(u"conservation_ok").toBool());
    for (const QString& id : std::as_const(acknowledged))
        QCOMPARE(http(s.port(), "GET", "/v1/tickets/" + id.toLatin1()).status, 200);
    s.kill();
}

void TestMatchdProcess::sigtermDrainsAndExitsZero() {
    QTemporaryDir dir;
    const auto store = onFreshStore(dir.filePath(u"data"_s));
    QVERIFY2(store, "no fresh store (see the warning above)");
    pulsco::test::MatchdProcess s(*store);
    QVERIFY2(s.start(), s.stderrText().constData());
    const QStringList ids = createConcurrently(s.port(), 40, 0);
    QCOMPARE(ids.size(), 40);
    QCOMPARE(s.terminate(), 0);  // SIGTERM, a normal exit with code 0
    const QString err = QString::fromUtf8(s.stderrText());
    QVERIFY2(err.contains(u"draining"_s), qPrintable(err));

    QVERIFY2(s.start(), s.stderrText().constData());
    for (const QString& id : ids)
        QCOMPARE(http(s.port(), "GET", "/v1/tickets/" + id.toLatin1()).status, 200);
    QCOMPARE(s.terminate(), 0);
}

// A data directory written before ids named their server: rows hold plain
// numbers and the match detail lists "t5". The ids of then still answer,
// answers carry the prefix, and new ids continue after the highest stored
// number across restarts (no id issued twice).
void TestMatchdProcess::oldUnprefixedStoreKeepsItsIds() {
    QTemporaryDir dir;
    const QString data = dir.filePath(u"data"_s);
    QVERIFY(QDir().mkpath(data));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"oldids"_s);
        db.setDatabaseName(data + u"/matchd.sqlite"_s);
        QVERIFY(db.open());
        QString error;
        QVERIFY2(pulsco::migrateSchema(db, pulsco::latestSchemaVersion(), &error),
                 qPrintable(error));
        QSqlQuery q(db);
        const QString players =
            u"'[{\"id\":\"%1\",\"rating\":{\"mu\":25,\"sigma\":8},\"pings\":{\"eu-west\":30}}]'"_s;
        for (const auto& [seq, player, state, match] :
             {std::tuple{5, "o5", "matched", 3}, std::tuple{6, "o6", "matched", 3},
              std::tuple{9, "o9", "cancelled", 0}})
            QVERIFY2(
                q.exec(u"INSERT INTO tickets (seq, queue, players, state, match_seq, "
                       "created_ms, updated_ms) VALUES (%1, 'duel-1v1', "_s.arg(seq) +
                       players.arg(QLatin1StringView(player)) +
                       u", '%1', %2, %3, %3)"_s.arg(QLatin1StringView(state)).arg(match).arg(now)),
                qPrintable(q.lastError().text()));
        QVERIFY2(
            q.exec(
                u"INSERT INTO matches (seq, queue, region, detail, created_ms) VALUES (3, "
                "'duel-1v1', 'eu-west', '{\"match_id\":\"m3\",\"queue\":\"duel-1v1\",\"region\":"
                "\"eu-west\",\"created_unix_ms\":%1,\"quality\":0.9,\"team0_win_probability\":"
                "0.5,\"worst_ping_ms\":30,\"skill_spread\":0,\"teams\":[{\"team\":0,\"strength\":"
                "25,\"tickets\":[\"t5\"],\"players\":[{\"id\":\"o5\",\"mu\":25,\"sigma\":8}]},"
                "{\"team\":1,\"strength\":25,\"tickets\":[\"t6\"],\"players\":[{\"id\":\"o6\","
                "\"mu\":25,\"sigma\":8}]}],\"winner_team\":null}', %1)"_s.arg(now)),
            qPrintable(q.lastError().text()));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"oldids"_s);

    pulsco::test::MatchdProcess s(onDataDir(data));  // default --color blue: server id blue
    QVERIFY2(s.start(), s.stderrText().constData());
    for (const QByteArray& id : {QByteArray("t5"), QByteArray("blue-t5")}) {
        const HttpResult t = http(s.port(), "GET", "/v1/tickets/" + id);
        QCOMPARE(t.status, 200);
        QCOMPARE(t.json().value(u"ticket_id").toString(), u"blue-t5"_s);
        QCOMPARE(t.json().value(u"match_id").toString(), u"blue-m3"_s);
    }
    for (const QByteArray& id : {QByteArray("m3"), QByteArray("blue-m3")}) {
        const HttpResult m = http(s.port(), "GET", "/v1/matches/" + id);
        QCOMPARE(m.status, 200);
        QCOMPARE(m.json().value(u"match_id").toString(), u"blue-m3"_s);
        QCOMPARE(m.json().value(u"teams").toArray().at(1).toObject().value(u"tickets").toArray(),
                 QJsonArray{u"blue-t6"_s});
    }
    QCOMPARE(http(s.port(), "GET", "/v1/tickets/green-t5").status, 421);
    QCOMPARE(http(s.port(), "POST", "/v1/matches/m3/result", R"({"winner_team":1})").status, 200);
    const auto create = [&](const char* player) {
        return http(s.port(), "POST", "/v1/tickets", soloTicket("duel-1v1", player))
            .json()
            .value(u"ticket_id")
            .toString();
    };
    QCOMPARE(create("n1"), u"blue-t10"_s);
    QCOMPARE(create("n2"), u"blue-t11"_s);
    QTRY_COMPARE_WITH_TIMEOUT(
        http(s.port(), "GET", "/v1/tickets/blue-t11").json().value(u"match_id").toString(),
        u"blue-m4"_s, 10000);
    const HttpResult info = http(s.port(), "GET", "/v1/info");
    QCOMPARE(info.json().value(u"server_id").toString(), u"blue"_s);
    QCOMPARE(s.terminate(), 0);

    // After a restart, numbers keep growing; the old ids still answer.
    QVERIFY2(s.start(), s.stderrText().constData());
    QCOMPARE(http(s.port(), "GET", "/v1/tickets/t9").json().value(u"state").toString(),
             u"cancelled"_s);
    QCOMPARE(http(s.port(), "GET", "/v1/matches/m3").json().value(u"winner_team").toInt(-1), 1);
    QCOMPARE(create("n3"), u"blue-t12"_s);
    QCOMPARE(s.terminate(), 0);
}

void TestMatchdProcess::olderSchemaIsMigratedOnStart() {
    QTemporaryDir dir;
    const QString data = dir.filePath(u"data"_s);
    QVERIFY(QDir().mkpath(data));
    const QString dbPath = data + u"/matchd.sqlite"_s;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"old"_s);
        db.setDatabaseName(dbPath);
        QVERIFY(db.open());
        QString error;
        QVERIFY2(pulsco::migrateSchema(db, 1, &error), qPrintable(error));
        QSqlQuery q(db);
        QVERIFY2(
            q.exec(
                u"INSERT INTO tickets (seq, queue, players, state, created_ms, updated_ms) VALUES "
                "(7, 'ranked-5v5', '[{\"id\":\"old1\",\"rating\":{\"mu\":25,\"sigma\":8},"
                "\"pings\":{\"eu-west\":30}}]', 'searching', %1, %1)"_s.arg(now)),
            qPrintable(q.lastError().text()));
        QVERIFY(q.exec(u"INSERT INTO ratings VALUES ('old1', 25, 8, 1)"_s));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"old"_s);

    pulsco::test::MatchdProcess s(onDataDir(data));
    QVERIFY2(s.start(), s.stderrText().constData());
    const HttpResult t = http(s.port(), "GET", "/v1/tickets/t7");
    QCOMPARE(t.status, 200);
    QCOMPARE(t.json().value(u"state").toString(), u"searching"_s);
    QVERIFY(t.json().value(u"wait_ms").toDouble() >= 0);
    // New ids continue after the old ones.
    const HttpResult created =
        http(s.port(), "POST", "/v1/tickets", soloTicket("ranked-5v5", "new1"));
    QCOMPARE(created.json().value(u"ticket_id").toString(), u"blue-t8"_s);
    QCOMPARE(s.terminate(), 0);

    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"check"_s);
        db.setDatabaseName(dbPath);
        QVERIFY(db.open());
        QString error;
        QCOMPARE(pulsco::schemaVersion(db, &error), pulsco::latestSchemaVersion());
        QSqlQuery q(db);
        QVERIFY(q.exec(u"PRAGMA integrity_check"_s) && q.next());
        QCOMPARE(q.value(0).toString(), u"ok"_s);
        q.finish();
        // And back down, keeping the rows.
        QVERIFY2(pulsco::migrateSchema(db, 1, &error), qPrintable(error));
        QVERIFY(q.exec(u"SELECT COUNT(*) FROM tickets"_s) && q.next());
        QCOMPARE(q.value(0).toInt(), 2);
        db.close();
    }
    QSqlDatabase::removeDatabase(u"check"_s);
}

QTEST_GUILESS_MAIN(TestMatchdProcess)
// --memory-tickets / --memory-matches reach the server: beyond them the
// oldest finished tickets and matches leave memory (the /metrics gauges say
// so) and are still served, read back from the data dir.
void TestMatchdProcess::memoryFlagsBoundWhatIsKept() {
    QTemporaryDir dir;
    pulsco::test::MatchdProcess s(onDataDir(
        dir.filePath(u"data"_s), {u"--memory-tickets"_s, u"2"_s, u"--memory-matches=1"_s}));
    QVERIFY2(s.start(), s.stderrText().constData());
    QStringList tickets;
    for (int i = 0; i < 6; ++i) {
        const HttpResult r = http(s.port(), "POST", "/v1/tickets",
                                  soloTicket("duel-1v1", "mem" + QByteArray::number(i)));
        QCOMPARE(r.status, 201);
        tickets << r.json().value(u"ticket_id").toString();
        if (i % 2 == 1)  // each pair matches on the next tick (50 ms)
            QTRY_COMPARE(http(s.port(), "GET", "/v1/tickets/" + tickets.last().toLatin1())
                             .json()
                             .value(u"state")
                             .toString(),
                         u"matched"_s);
    }
    const auto gauge = [&](const QByteArray& name) {
        for (const QByteArray& line : http(s.port(), "GET", "/metrics").body.split('\n'))
            if (line.startsWith(QByteArray(name + ' ')))
                return line.mid(name.size() + 1).toDouble();
        return -1.0;
    };
    QTRY_COMPARE(gauge("pulsco_matches_in_memory"), 1.0);
    QCOMPARE(gauge("pulsco_tickets_in_memory"), 2.0);
    QCOMPARE(gauge("pulsco_store_unwritten_updates"), 0.0);
    QCOMPARE(gauge("pulsco_store_queued_matchmaker_writes"), 0.0);
    // The first ticket and its match left memory long ago: read back.
    const QJsonObject first = http(s.port(), "GET", "/v1/tickets/" + tickets[0].toLatin1()).json();
    QCOMPARE(first.value(u"state").toString(), u"matched"_s);
    const QByteArray matchId = first.value(u"match_id").toString().toLatin1();
    QCOMPARE(http(s.port(), "GET", "/v1/matches/" + matchId).status, 200);
    QCOMPARE(s.terminate(), 0);
}

#include "tst_matchd_process.moc"
