// Disk full and a read-only data directory under a running pulsco-matchd,
// on a real tmpfs (root ignores permissions, so chmod proves nothing):
// ticket writes fail with 503 `unavailable` naming the OS's reason; one log
// line (not one per request) names the data directory and the OS error;
// reads and stored tickets are unaffected; the server resumes by itself when
// space returns or the file system is writable again; afterwards SQLite's
// integrity check is ok and no acknowledged ticket is missing.
//
// Linux refuses `mount -o remount,ro` while a process holds a file open for
// writing ("mount point is busy"), which pulsco-matchd does while healthy. So
// the read-only case starts from a full disk: after a disk failure the store
// closes its database until the next write, and the remount then goes
// through, as it would after the kernel remounted a failing disk read-only.
#include "HardeningQueues.h"
#include "PipelinedConnection.h"
#include "StoreInspection.h"
#include "TmpfsMount.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <tuple>

using namespace Qt::StringLiterals;

namespace {

struct Answer {
    int status = 0;
    QString code;  // error.code
    QString message;
    QByteArray ticketId;
};

Answer post(quint16 port, const QByteArray& body) {
    const LoadAnswer a =
        exchangeOnce(port, PipelinedConnection::request("POST", "/v1/tickets", body));
    const QJsonObject o = QJsonDocument::fromJson(a.body).object();
    const QJsonObject e = o.value(u"error").toObject();
    return {a.status, e.value(u"code").toString(), e.value(u"message").toString(),
            o.value(u"ticket_id").toString().toUtf8()};
}

int countLines(const QByteArray& text, const QByteArray& needle) {
    int n = 0;
    for (const QByteArray& line : text.split('\n'))
        n += line.contains(needle) ? 1 : 0;
    return n;
}

}  // namespace

class TestDiskFaults : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void diskFullThenSpaceReturns();
    void readOnlyThenWritable();
    void matchmakerUpdatesWaitForTheDisk();

private:
    // Creates a held ticket for a new player; its id goes in the ledger on 201.
    Answer createHeld();
    // Posts held tickets until the store refuses one (at most `attempts`).
    Answer writeUntilRefused(int attempts);
    void verifyLedgerReadable();
    void verifyOnDiskAfterStop();

    std::unique_ptr<TmpfsMount> m_mount;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<pulsco::test::MatchdProcess> m_server;
    std::map<QByteArray, QByteArray> m_ledger;  // acknowledged ticket -> player
    int m_players = 0;
    QString dataDir() const { return m_mount->path() + u"/data"_s; }
};

void TestDiskFaults::init() {
    m_mount = std::make_unique<TmpfsMount>();
    const QString why = m_mount->mount(16 * 1024);
    if (!why.isEmpty())
        QSKIP(qPrintable(u"mount -t tmpfs is not permitted here, so a full or read-only disk "
                         "cannot be made: "_s +
                         why));
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(writeHardeningQueues(m_dir->filePath(u"queues.json"_s)));
    m_server = std::make_unique<pulsco::test::MatchdProcess>(
        hardeningMatchd(dataDir(), m_dir->filePath(u"queues.json"_s)));
    QVERIFY2(m_server->start(), m_server->stderrText().constData());
    m_ledger.clear();
    for (int i = 0; i < 40; ++i)
        QCOMPARE(createHeld().status, 201);
}

void TestDiskFaults::cleanup() {
    if (m_server)
        m_server->kill();
    if (m_mount) {
        m_mount->remount(false);
        m_mount.reset();
    }
}

Answer TestDiskFaults::createHeld() {
    const QByteArray player = "d" + QByteArray::number(++m_players);
    const Answer a =
        post(m_server->port(), soloTicketBody("hold-1v1", player, 10 + m_players / 100.0));
    if (a.status == 201)
        m_ledger[a.ticketId] = player;
    return a;
}

Answer TestDiskFaults::writeUntilRefused(int attempts) {
    for (int i = 0; i < attempts; ++i) {
        const Answer a = createHeld();
        if (a.status != 201)
            return a;
    }
    return {};
}

void TestDiskFaults::verifyLedgerReadable() {
    for (const auto& [id, player] : m_ledger) {
        const LoadAnswer a = exchangeOnce(m_server->port(),
                                          PipelinedConnection::request("GET", "/v1/tickets/" + id));
        QCOMPARE(a.status, 200);
        QCOMPARE(QJsonDocument::fromJson(a.body).object().value(u"state").toString(),
                 u"searching"_s);
    }
    for (const QByteArray path : {"/v1/stats", "/healthz", "/v1/queues", "/metrics"})
        QCOMPARE(exchangeOnce(m_server->port(), PipelinedConnection::request("GET", path)).status,
                 200);
}

void TestDiskFaults::verifyOnDiskAfterStop() {
    QCOMPARE(m_server->terminate(), 0);
    qInfo("%zu acknowledged tickets; the server's log:\n%s", m_ledger.size(),
          m_server->stderrText().constData());
    const StoreInspection disk = inspectStore(dataDir() + u"/matchd.sqlite"_s);
    QVERIFY2(disk.error.isEmpty(), qPrintable(disk.error));
    QCOMPARE(disk.integrity, u"ok"_s);
    for (const auto& [id, player] : m_ledger) {
        const auto it = disk.tickets.find(id);
        QVERIFY2(it != disk.tickets.end() && it->second.player == player, id.constData());
    }
}

void TestDiskFaults::diskFullThenSpaceReturns() {
    QVERIFY(m_mount->fill() > 0);
    const Answer refused = writeUntilRefused(5000);
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.code, u"unavailable"_s);
    QVERIFY2(refused.message.contains(u"No space left on device"_s), qPrintable(refused.message));
    // While full: every new ticket is refused, none half-accepted; a burst
    // of pipelined requests meets the same answer.
    QElapsedTimer clock;
    clock.start();
    PipelinedConnection burst(m_server->port(), &clock);
    std::map<int, int> statuses;
    for (int i = 0; i < 50; ++i)
        burst.send(0,
                   PipelinedConnection::request(
                       "POST", "/v1/tickets",
                       soloTicketBody("hold-1v1", "burst" + QByteArray::number(i), 5 + i / 100.0)),
                   [&](const LoadAnswer& a) { ++statuses[a.status]; });
    QTRY_COMPARE(burst.pending(), std::size_t(0));
    QCOMPARE(statuses[503], 50);
    verifyLedgerReadable();
    // Load balancers see it: not ready while writes fail, still alive.
    QCOMPARE(exchangeOnce(m_server->port(), PipelinedConnection::request("GET", "/readyz")).status,
             503);

    QTRY_VERIFY(m_server->stderrText().contains("refuses writes"));
    const QByteArray log = m_server->stderrText();
    QCOMPARE(countLines(log, "store: data dir"), 1);  // not one line per refused request
    QVERIFY2(countLines(log, "store: data dir " + dataDir().toUtf8() + " refuses writes") == 1 &&
                 log.contains("No space left on device"),
             log.constData());

    QVERIFY(m_mount->freeSpace());
    const Answer resumed = createHeld();
    QCOMPARE(resumed.status, 201);  // the very next write, no restart
    QTRY_VERIFY(m_server->stderrText().contains("accepts writes again"));
    QCOMPARE(exchangeOnce(m_server->port(), PipelinedConnection::request("GET", "/readyz")).status,
             200);
    for (int i = 0; i < 20; ++i)
        QCOMPARE(createHeld().status, 201);
    verifyLedgerReadable();
    verifyOnDiskAfterStop();
}

// Tickets acknowledged before the disk fills are matched and expired by the
// matchmaker while it is full: the API shows it at once, and the disk has it
// once space returns (before, the disk kept them "searching" for good).
void TestDiskFaults::matchmakerUpdatesWaitForTheDisk() {
    std::map<QByteArray, QString> outcome;  // ticket -> the state it must reach
    for (const auto& [player, mu, state] :
         {std::tuple{"pairA", 30.0, "matched"}, std::tuple{"pairB", 32.0, "matched"},
          std::tuple{"loner", 100.0, "expired"}}) {
        const Answer a = post(m_server->port(), soloTicketBody("outage-1v1", player, mu));
        QCOMPARE(a.status, 201);
        m_ledger[a.ticketId] = player;
        outcome[a.ticketId] = QString::fromLatin1(state);
    }
    QElapsedTimer sinceCreated;
    sinceCreated.start();
    QVERIFY(m_mount->fill() > 0);
    QCOMPARE(writeUntilRefused(5000).status, 503);
    // The refused batch made the store close its connection, and SQLite's
    // close checkpoints and deletes the WAL: that frees space on the "full"
    // disk, in which the matchmaker's few rows would then fit. Fill it again.
    m_mount->fill();
    // The pair matches at 8 s: the disk must be full before then, or this
    // test cannot see what it checks. A failure, not a skip: nothing here
    // depends on the machine but its speed, and 8 s is ample.
    QVERIFY2(sinceCreated.elapsed() < 7000,
             qPrintable(u"filling the disk took %1 ms, past outage-1v1's 8 s"_s.arg(
                 sinceCreated.elapsed())));

    const auto stateOf = [this](const QByteArray& id) {
        const LoadAnswer a = exchangeOnce(m_server->port(),
                                          PipelinedConnection::request("GET", "/v1/tickets/" + id));
        return QJsonDocument::fromJson(a.body).object().value(u"state").toString();
    };
    for (const auto& [id, state] : outcome)
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(id), state, 15000);
    QTest::qWait(300);  // a few more ticks (50 ms) that try to write them, and fail
    QCOMPARE(writeUntilRefused(1).status, 503);  // still full all along
    const auto unwritten = [this] {
        const LoadAnswer a =
            exchangeOnce(m_server->port(), PipelinedConnection::request("GET", "/metrics"));
        for (const QByteArray& line : a.body.split('\n'))
            if (line.startsWith("pulsco_store_unwritten_updates "))
                return line.mid(line.indexOf(' ') + 1).toInt();
        return -1;
    };
    QCOMPARE(unwritten(), 4);  // one match insert, three ticket updates

    QVERIFY(m_mount->freeSpace());
    QTRY_VERIFY(m_server->stderrText().contains("accepts writes again"));
    QTRY_COMPARE(unwritten(), 0);
    for (const auto& [id, state] : outcome)
        QCOMPARE(stateOf(id), state);
    QCOMPARE(m_server->terminate(), 0);
    QVERIFY2(!m_server->stderrText().contains("not on disk"), m_server->stderrText().constData());
    const StoreInspection disk = inspectStore(dataDir() + u"/matchd.sqlite"_s);
    QVERIFY2(disk.error.isEmpty(), qPrintable(disk.error));
    QCOMPARE(disk.integrity, u"ok"_s);
    for (const auto& [id, state] : outcome) {
        const auto it = disk.tickets.find(id);
        QVERIFY2(it != disk.tickets.end(), id.constData());
        QCOMPARE(it->second.state, state);
    }
    QCOMPARE(disk.matches, 1);  // a fresh server per test (init)
}

void TestDiskFaults::readOnlyThenWritable() {
    QVERIFY(m_mount->fill() > 0);
    QCOMPARE(writeUntilRefused(5000).status, 503);
    // The store closed its database after the failure: the remount can go
    // through now (it is refused while a file is open for writing).
    QString why;
    for (int i = 0; i < 20 && !(why = m_mount->remount(true)).isEmpty(); ++i)
        QTest::qWait(100);
    QVERIFY2(why.isEmpty(), qPrintable(u"remount,ro: "_s + why));

    const Answer refused = createHeld();
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.code, u"unavailable"_s);
    QVERIFY2(refused.message.contains(u"Read-only file system"_s), qPrintable(refused.message));
    for (int i = 0; i < 10; ++i)
        QCOMPARE(createHeld().status, 503);
    verifyLedgerReadable();

    QCOMPARE(m_mount->remount(false), QString());
    QVERIFY(m_mount->freeSpace());
    QCOMPARE(createHeld().status, 201);
    QTRY_VERIFY(m_server->stderrText().contains("accepts writes again"));
    // One line when the disk filled, one when the reason became read-only,
    // and one more at most: the heartbeat (the up record) writes every 2 s,
    // so between the remount and freeing space it may find the disk full
    // again, a change of reason said once.
    const QByteArray log = m_server->stderrText();
    QList<QByteArray> refusals;
    for (const QByteArray& line : log.split('\n'))
        if (line.contains("refuses writes"))
            refusals << line;
    QVERIFY2(refusals.size() >= 2 && refusals.size() <= 3, log.constData());
    QVERIFY2(refusals[0].contains("No space left") && refusals[1].contains("Read-only file system"),
             log.constData());
    QVERIFY2(refusals.size() == 2 || refusals[2].contains("No space left"), log.constData());
    verifyLedgerReadable();
    verifyOnDiskAfterStop();
}

QTEST_GUILESS_MAIN(TestDiskFaults)
#include "tst_diskfaults.moc"
