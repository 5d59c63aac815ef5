// pulsco-matchd's integrity audit on loopback, in process: a clean server
// audits ok (GET /v1/integrity, the snapshot, /metrics, the event stream
// all say so), the `inconsistency` drill fault is found within bounded time
// and naming the record, POST /v1/integrity needs the admin token, and
// hundreds of concurrent creates while audits run every 0.1 s give no false
// violation (writes in flight at the cut are left out and counted).
#include "MatchdFixture.h"
#include "support/HttpTestClient.h"

#include "bridge/MetricsSnapshotJson.h"
#include "net/prometheus/PrometheusTextParser.h"

#include <QJsonArray>
#include <QTcpSocket>
#include <QWebSocket>

using namespace Qt::StringLiterals;
using namespace pulsco::test;

namespace {
const QByteArray kBearer = "Authorization: Bearer " + kTestAdminToken + "\r\n";

std::optional<pulsco::MetricsSnapshot> statsOf(quint16 port) {
    QString error;
    auto s = pulsco::metricsSnapshotFromJson(http(port, "GET", "/v1/stats").body,
                                             u"GET /v1/stats"_s, &error);
    if (!s)
        qWarning().noquote() << error;
    return s;
}

// The value of a sample without labels, nullopt when /metrics lacks it.
std::optional<double> metric(quint16 port, const QByteArray& name) {
    QString error;
    const auto m = pulsco::PrometheusTextParser::parse(http(port, "GET", "/metrics").body,
                                                       u"GET /metrics"_s, &error);
    if (!m) {
        qWarning().noquote() << error;
        return std::nullopt;
    }
    return m->value(name);
}

QJsonObject integrityOf(quint16 port) {
    return http(port, "GET", "/v1/integrity").json();
}

qint64 auditsCompleted(quint16 port) {
    return integrityOf(port).value(u"audits_completed").toInteger();
}
}  // namespace

class TestMatchdIntegrity : public QObject {
    Q_OBJECT
private slots:
    void cleanServerAuditsOk();
    void injectedInconsistencyIsFound_data();
    void injectedInconsistencyIsFound();
    void startingAnAuditNeedsTheToken_data();
    void startingAnAuditNeedsTheToken();
    void concurrentCreatesGiveNoFalseViolations();

private:
    QString create(quint16 port, const QByteArray& body) {
        const HttpResult r = http(port, "POST", "/v1/tickets", body);
        if (r.status != 201)
            qWarning() << "create failed" << r.status << r.body;
        return r.json().value(u"ticket_id").toString();
    }
    // Starts one audit through the API and waits for its result.
    bool auditNow(quint16 port) {
        const qint64 before = auditsCompleted(port);
        if (http(port, "POST", "/v1/integrity", {}, kBearer).status != 202)
            return false;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 5000) {
            if (auditsCompleted(port) > before)
                return true;
            QTest::qWait(20);
        }
        return false;
    }
};

// Tickets in every state (matched with a result, expired, cancelled,
// searching), then one audit on demand.
void TestMatchdIntegrity::cleanServerAuditsOk() {
    MatchdFixture fx;
    fx.integrityIntervalSeconds = 0;  // on demand only: nothing before our POST
    QString error;
    QVERIFY2(fx.start(true, 16000, &error), qPrintable(error));
    // Before the first audit: a clear null, no integrity figure anywhere.
    const QJsonObject none = integrityOf(fx.port);
    QVERIFY(none.value(u"audit").isNull());
    QCOMPARE(none.value(u"audits_completed").toInteger(), 0);
    QVERIFY(!statsOf(fx.port)->integrity);
    QVERIFY(!metric(fx.port, "pulsco_integrity_ok"));

    const QString a = create(fx.port, soloTicket("duel-1v1", "ann"));
    const QString b = create(fx.port, soloTicket("duel-1v1", "bob"));
    QTRY_VERIFY_WITH_TIMEOUT(
        !http(fx.port, "GET", "/v1/tickets/" + a.toLatin1()).json().value(u"match_id").isNull(),
        5000);
    const QByteArray matchId = http(fx.port, "GET", "/v1/tickets/" + a.toLatin1())
                                   .json()
                                   .value(u"match_id")
                                   .toString()
                                   .toLatin1();
    QCOMPARE(
        http(fx.port, "POST", "/v1/matches/" + matchId + "/result", R"({"winner_team":0})").status,
        200);
    const QString expiring = create(fx.port, soloTicket("slow-1v1", "cyd", "eu-west", 1));
    const QString cancelled = create(fx.port, soloTicket("late-1v1", "dan"));
    QCOMPARE(http(fx.port, "DELETE", "/v1/tickets/" + cancelled.toLatin1()).status, 200);
    create(fx.port, soloTicket("late-1v1", "eve"));  // stays searching
    QTRY_COMPARE_WITH_TIMEOUT(http(fx.port, "GET", "/v1/tickets/" + expiring.toLatin1())
                                  .json()
                                  .value(u"state")
                                  .toString(),
                              u"expired"_s, 5000);
    Q_UNUSED(b);

    QVERIFY(auditNow(fx.port));
    const QJsonObject audit = integrityOf(fx.port).value(u"audit").toObject();
    QCOMPARE(audit.value(u"ok").toBool(), true);
    QCOMPARE(audit.value(u"violations").toInteger(), 0);
    QVERIFY(audit.value(u"first_violations").toArray().isEmpty());
    QCOMPARE(audit.value(u"store_check").toString(), u"ok"_s);
    QVERIFY(audit.value(u"at_s").toDouble() > 0);
    QVERIFY(audit.value(u"duration_ms").toDouble() > 0);
    // The snapshot carries the same audit, field by field.
    const auto snapshot = statsOf(fx.port);
    QVERIFY(snapshot && snapshot->integrity);
    QVERIFY(snapshot->integrity->ok);
    QCOMPARE(snapshot->integrity->storeCheck, std::string("ok"));
    QCOMPARE(snapshot->integrity->atSeconds, audit.value(u"at_s").toDouble());
    QCOMPARE(metric(fx.port, "pulsco_integrity_ok"), std::optional<double>(1));
    QCOMPARE(metric(fx.port, "pulsco_integrity_violations_total"), std::optional<double>(0));
    QCOMPARE(metric(fx.port, "pulsco_integrity_audits_total"), std::optional<double>(1));
}

// One row per state of the ticket the fault corrupts (it picks the newest
// matched ticket, else expired or cancelled, else searching); each must be
// found, naming the ticket.
void TestMatchdIntegrity::injectedInconsistencyIsFound_data() {
    QTest::addColumn<QByteArray>("queue");
    QTest::addColumn<int>("tickets");
    QTest::addColumn<QString>("settledState");
    QTest::addRow("matched ticket") << QByteArray("duel-1v1") << 2 << u"matched"_s;
    QTest::addRow("expired ticket") << QByteArray("slow-1v1") << 1 << u"expired"_s;
    QTest::addRow("searching ticket") << QByteArray("late-1v1") << 1 << u"searching"_s;
}

void TestMatchdIntegrity::injectedInconsistencyIsFound() {
    QFETCH(QByteArray, queue);
    QFETCH(int, tickets);
    QFETCH(QString, settledState);
    MatchdFixture fx;
    fx.integrityIntervalSeconds = 0.2;
    QString error;
    QVERIFY2(fx.start(true, 16000, &error), qPrintable(error));
    QString last;
    for (int i = 0; i < tickets; ++i)
        last = create(fx.port, soloTicket(queue, "p" + QByteArray::number(i), "eu-west", 1));
    QTRY_COMPARE_WITH_TIMEOUT(
        http(fx.port, "GET", "/v1/tickets/" + last.toLatin1()).json().value(u"state").toString(),
        settledState, 5000);
    // Clean first, so the failure below is the fault's doing.
    QTRY_VERIFY_WITH_TIMEOUT(statsOf(fx.port)->integrity && statsOf(fx.port)->integrity->ok, 5000);

    QCOMPARE(
        http(fx.port, "POST", "/v1/admin/faults", R"({"kind":"inconsistency"})", kBearer).status,
        201);
    QTRY_VERIFY_WITH_TIMEOUT(statsOf(fx.port)->integrity && !statsOf(fx.port)->integrity->ok, 5000);
    const auto snapshot = statsOf(fx.port);
    QVERIFY(snapshot->integrity->violations > 0);
    QVERIFY(!snapshot->integrity->firstViolations.empty());
    const QString first = QString::fromStdString(snapshot->integrity->firstViolations.front());
    // Findings name records by their stored number, without the server id.
    const QString stored = last.section(u'-', 1);
    QVERIFY2(first.startsWith(stored + u":"_s), qPrintable(first + u" (expected " + stored + u")"));
    QCOMPARE(snapshot->integrity->storeCheck, std::string("ok"));  // SQLite itself is fine
    QCOMPARE(snapshot->activeFaults.size(), std::size_t(1));
    QVERIFY2(QString::fromStdString(snapshot->activeFaults.front()).contains(u"inconsistency"_s),
             snapshot->activeFaults.front().c_str());
    QCOMPARE(metric(fx.port, "pulsco_integrity_ok"), std::optional<double>(0));
    QVERIFY(metric(fx.port, "pulsco_integrity_violations_total").value_or(0) > 0);

    // Clearing the fault repairs nothing: the next audits still fail.
    QCOMPARE(http(fx.port, "DELETE", "/v1/admin/faults", {}, kBearer).status, 200);
    QVERIFY(auditNow(fx.port));
    QCOMPARE(integrityOf(fx.port).value(u"audit").toObject().value(u"ok").toBool(), false);
    QVERIFY(statsOf(fx.port)->activeFaults.empty());
}

void TestMatchdIntegrity::startingAnAuditNeedsTheToken_data() {
    QTest::addColumn<bool>("tokenFile");
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<int>("status");
    QTest::addRow("no token") << true << QByteArray() << 401;
    QTest::addRow("wrong token") << true
                                 << QByteArray("Authorization: Bearer nope-nope-nope-nope\r\n")
                                 << 401;
    QTest::addRow("admin disabled") << false << kBearer << 403;
    QTest::addRow("admin token") << true << kBearer << 202;
}

void TestMatchdIntegrity::startingAnAuditNeedsTheToken() {
    QFETCH(bool, tokenFile);
    QFETCH(QByteArray, headers);
    QFETCH(int, status);
    MatchdFixture fx;
    fx.integrityIntervalSeconds = 0;
    QString error;
    QVERIFY2(fx.start(tokenFile, 16000, &error), qPrintable(error));
    QCOMPARE(http(fx.port, "POST", "/v1/integrity", {}, headers).status, status);
    // Reading needs no token, whatever the POST got.
    QCOMPARE(http(fx.port, "GET", "/v1/integrity").status, 200);
    QCOMPARE(http(fx.port, "DELETE", "/v1/integrity", {}, kBearer).status, 405);
    // Only the accepted POST starts an audit.
    QTRY_COMPARE_WITH_TIMEOUT(auditsCompleted(fx.port), status == 202 ? 1 : 0, 5000);
    QTest::qWait(100);
    QCOMPARE(auditsCompleted(fx.port), status == 202 ? 1 : 0);
}

// Two bursts of 8 connections x 50 pipelined creates while audits run every
// 0.1 s, with every commit 20 ms longer (store_latency). The first burst
// arrives while the matcher is stalled for 1 s, so its first tick then
// matches all 400 tickets at once: 600 rows, written a 256-row chunk at a
// time, so later chunks are still queued (not on disk) at some cuts. The
// second burst is matched as it comes. No audit may report a violation, and
// some must have left writes out as in flight (else this proved nothing:
// without the exclusion the queued chunks show as false violations).
void TestMatchdIntegrity::concurrentCreatesGiveNoFalseViolations() {
    MatchdFixture fx;
    fx.integrityIntervalSeconds = 0.1;
    QString error;
    QVERIFY2(fx.start(true, 16000, &error), qPrintable(error));
    QWebSocket ws;
    QList<QJsonObject> audits;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&](const QString& m) {
        const QJsonObject o = QJsonDocument::fromJson(m.toUtf8()).object();
        if (o.value(u"type").toString() == u"integrity"_s)
            audits << o.value(u"integrity").toObject();
    });
    ws.open(QUrl(u"ws://127.0.0.1:%1/v1/events"_s.arg(fx.port)));
    QTRY_COMPARE_WITH_TIMEOUT(ws.state(), QAbstractSocket::ConnectedState, 5000);

    constexpr int kConnections = 8;
    constexpr int kPerConnection = 50;  // under the 64 unanswered a connection may have
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int c = 0; c < kConnections; ++c) {
        auto s = std::make_unique<QTcpSocket>();
        s->connectToHost(u"127.0.0.1"_s, fx.port);
        QVERIFY(s->waitForConnected(5000));
        sockets.push_back(std::move(s));
    }
    const auto burst = [&](int round) {
        for (int c = 0; c < kConnections; ++c) {
            QByteArray raw;
            for (int i = 0; i < kPerConnection; ++i) {
                const QByteArray body = soloTicket("duel-1v1", "c" + QByteArray::number(c) + "r" +
                                                                   QByteArray::number(round) + "i" +
                                                                   QByteArray::number(i));
                raw += "POST /v1/tickets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Content-Length: " +
                       QByteArray::number(body.size()) + "\r\n\r\n" + body;
            }
            sockets[std::size_t(c)]->write(raw);
        }
        int created = 0;
        for (auto& s : sockets)
            created += int(readAnswers(*s, kPerConnection, 20000).count("HTTP/1.1 201"));
        return created;
    };
    for (const QByteArray& fault : {QByteArray(R"({"kind":"store_latency","latency_ms":20})"),
                                    QByteArray(R"({"kind":"matcher_stall","duration_s":1})")})
        QCOMPARE(http(fx.port, "POST", "/v1/admin/faults", fault, kBearer).status, 201);
    const qsizetype auditsBefore = audits.size();
    QCOMPARE(burst(0), kConnections * kPerConnection);
    // The stall ends; its first tick matches the whole burst.
    QTRY_VERIFY_WITH_TIMEOUT(statsOf(fx.port)->total.tickets.matched >= 400, 10000);
    QCOMPARE(burst(1), kConnections * kPerConnection);
    // A few audits after the last create too, while the last rows settle.
    const qsizetype target = audits.size() + 3;
    QTRY_VERIFY_WITH_TIMEOUT(audits.size() >= target, 5000);
    QVERIFY2(audits.size() - auditsBefore >= 5,
             qPrintable(u"only %1 audits ran during the run"_s.arg(audits.size() - auditsBefore)));
    qint64 excluded = 0;
    for (const QJsonObject& a : audits) {
        QVERIFY2(a.value(u"ok").toBool(),
                 QJsonDocument(a).toJson(QJsonDocument::Compact).constData());
        QCOMPARE(a.value(u"store_check").toString(), u"ok"_s);
        excluded += a.value(u"in_flight_excluded").toInteger();
    }
    QVERIFY2(excluded > 0, "no audit had anything in flight at its cut");
    QCOMPARE(metric(fx.port, "pulsco_integrity_violations_total"), std::optional<double>(0));
    ws.close();
}

QTEST_MAIN(TestMatchdIntegrity)
#include "tst_matchd_integrity.moc"
