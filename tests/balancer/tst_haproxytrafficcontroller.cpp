// The HAProxy TrafficController against a real haproxy whose blue and green
// servers are two real HTTP servers in this process (pulsco_net's
// HttpServer, counting what they serve): a weight read back before it
// counts, the traffic then split as asked (counted by the servers and by
// HAProxy's show stat), rollback draining green and closing its tunnels,
// supersession, and every failure reported, not swallowed.
#include "net/balancer/HaproxyStat.h"
#include "net/balancer/HaproxyTrafficController.h"
#include "net/http/HttpServer.h"
#include "support/HaproxyProcess.h"

#include <QCryptographicHash>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

const QString kConfig = uR"(global
    stats socket ipv4@127.0.0.1:@ADMIN_PORT@ level admin
    stats socket ipv4@127.0.0.1:@OPERATOR_PORT@ level operator
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
    timeout tunnel 30s
frontend fe
    bind 127.0.0.1:@FRONTEND_PORT@
    default_backend pulsco
backend pulsco
    balance roundrobin
    server blue 127.0.0.1:@BLUE@ weight 100
    server green 127.0.0.1:@GREEN@ weight 100
)"_s;

HaproxyAddress tcp(quint16 port) {
    HaproxyAddress a;
    a.host = u"127.0.0.1"_s;
    a.port = port;
    return a;
}

// An HTTP server that counts the requests it answers.
struct CountingServer {
    HttpServer server;
    int served = 0;
    bool listen() {
        server.setHandler([this](HttpRequest&, HttpResponder responder) {
            ++served;
            responder.respond(HttpResponse::json(200, "{}"));
        });
        return server.listen(QHostAddress::LocalHost, 0);
    }
};

// A server that upgrades every request to a WebSocket-like tunnel and
// echoes what comes through it: the long-lived connection a rollback must
// close.
class TunnelServer : public QTcpServer {
public:
    TunnelServer() {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = nextPendingConnection()) {
                struct State {
                    QByteArray head;
                    bool upgraded = false;
                };
                auto state = std::make_shared<State>();
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
                connect(s, &QTcpSocket::readyRead, s, [s, state] {
                    if (state->upgraded) {  // the tunnel: echo
                        s->write(s->readAll());
                        return;
                    }
                    state->head += s->readAll();
                    const QByteArray& head = state->head;
                    if (!head.contains("\r\n\r\n"))
                        return;
                    const qsizetype at = head.indexOf("Sec-WebSocket-Key: ") + 19;
                    const QByteArray key = head.mid(at, head.indexOf("\r\n", at) - at);
                    const QByteArray accept =
                        QCryptographicHash::hash(
                            QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                            QCryptographicHash::Sha1)
                            .toBase64();
                    s->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\nSec-WebSocket-Accept: " +
                             accept + "\r\n\r\n");
                    state->upgraded = true;
                });
            }
        });
    }
};

}  // namespace

class TestHaproxyTrafficController : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void describeNamesEverything();
    void namesAreChecked_data();
    void namesAreChecked();
    void tenPercentIsReadBackAndServed();
    void rollbackDrainsGreen();
    void newerRequestSupersedes();
    void outOfRangeRefused();
    void haproxyRefusalsAreWeightFailures_data();
    void haproxyRefusalsAreWeightFailures();
    void pollFailuresAreReported();
    void rollbackClosesGreenTunnels();

private:
    // Sends `count` GETs through the HAProxy frontend (keep-alive, QNAM's
    // six connections); returns how many got a 200.
    int sendRequests(int count);
    BalancerCounters pollOnce(HaproxyTrafficController& controller);

    CountingServer m_blue;
    CountingServer m_green;
    std::unique_ptr<test::HaproxyProcess> m_haproxy;
};

void TestHaproxyTrafficController::initTestCase() {
    QVERIFY(m_blue.listen());
    QVERIFY(m_green.listen());
    m_haproxy = std::make_unique<test::HaproxyProcess>(
        kConfig,
        QMap<QString, QString>{{u"BLUE"_s, QString::number(m_blue.server.serverPort())},
                               {u"GREEN"_s, QString::number(m_green.server.serverPort())}});
    const QString error = m_haproxy->start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestHaproxyTrafficController::init() {
    // Each test starts from the configuration's state.
    for (const char* command :
         {"set server pulsco/green state ready", "set server pulsco/blue state ready",
          "set server pulsco/blue weight 100", "set server pulsco/green weight 100"})
        QCOMPARE(m_haproxy->runtime(QString::fromLatin1(command)).trimmed(), QString());
}

int TestHaproxyTrafficController::sendRequests(int count) {
    QNetworkAccessManager nam;
    int ok = 0;
    int done = 0;
    const QUrl url(u"http://127.0.0.1:%1/v1/info"_s.arg(m_haproxy->frontendPort()));
    for (int i = 0; i < count; ++i) {
        QNetworkReply* reply = nam.get(QNetworkRequest(url));
        connect(reply, &QNetworkReply::finished, reply, [reply, &ok, &done] {
            ok += reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200;
            ++done;
            reply->deleteLater();
        });
    }
    QElapsedTimer t;
    t.start();
    while (done < count && t.elapsed() < 20000)
        QTest::qWait(5);
    return ok;
}

BalancerCounters TestHaproxyTrafficController::pollOnce(HaproxyTrafficController& controller) {
    QSignalSpy read(&controller, &TrafficController::countersRead);
    QSignalSpy failed(&controller, &HaproxyTrafficController::pollFailed);
    controller.pollNow();
    if (!read.wait(5000)) {
        qWarning("no counters: %s",
                 failed.isEmpty() ? "no answer" : qPrintable(failed.at(0).at(0).toString()));
        return {};
    }
    return read.at(0).at(0).value<BalancerCounters>();
}

void TestHaproxyTrafficController::describeNamesEverything() {
    HaproxyTrafficController c(tcp(9999));
    QCOMPARE(c.describe(), u"HAProxy 127.0.0.1:9999, backend pulsco, servers blue / green"_s);
    QCOMPARE(c.kindName(), u"haproxy"_s);
    QCOMPARE(c.appliedWeight(), -1);
    QString error;
    const auto made = HaproxyTrafficController::create(u"unix:/run/haproxy/admin.sock"_s, u"mm"_s,
                                                       u"b1"_s, u"g1"_s, &error);
    QVERIFY2(made, qPrintable(error));
    QCOMPARE(made->describe(),
             u"HAProxy unix:/run/haproxy/admin.sock, backend mm, servers b1 / g1"_s);
}

void TestHaproxyTrafficController::namesAreChecked_data() {
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("backend");
    QTest::addColumn<QString>("blue");
    QTest::addColumn<QString>("green");
    QTest::addColumn<QString>("error");
    QTest::addRow("bad address") << u"127.0.0.1:x"_s << u"pulsco"_s << u"blue"_s << u"green"_s
                                 << u"haproxy runtime address '127.0.0.1:x': port: 'x' is not a "
                                    "number 1–65535"_s;
    QTest::addRow("backend with ;") << u"127.0.0.1:1"_s << u"a;b"_s << u"blue"_s << u"green"_s
                                    << u"haproxy backend name 'a;b': only letters, digits, '-', "
                                       "'_', '.' and ':' (and not empty)"_s;
    QTest::addRow("blue empty") << u"127.0.0.1:1"_s << u"pulsco"_s << QString() << u"green"_s
                                << u"haproxy blue server name '': only letters, digits, '-', "
                                   "'_', '.' and ':' (and not empty)"_s;
    QTest::addRow("green space") << u"127.0.0.1:1"_s << u"pulsco"_s << u"blue"_s << u"gr een"_s
                                 << u"haproxy green server name 'gr een': only letters, digits, "
                                    "'-', '_', '.' and ':' (and not empty)"_s;
    QTest::addRow("same server") << u"127.0.0.1:1"_s << u"pulsco"_s << u"s1"_s << u"s1"_s
                                 << u"haproxy server names: blue and green are both 's1'"_s;
}

void TestHaproxyTrafficController::namesAreChecked() {
    QFETCH(QString, address);
    QFETCH(QString, backend);
    QFETCH(QString, blue);
    QFETCH(QString, green);
    QFETCH(QString, error);
    QString got;
    QVERIFY(!HaproxyTrafficController::create(address, backend, blue, green, &got));
    QCOMPARE(got, error);
}

void TestHaproxyTrafficController::tenPercentIsReadBackAndServed() {
    HaproxyTrafficController c(tcp(m_haproxy->adminPort()));
    QSignalSpy applied(&c, &TrafficController::weightApplied);
    QSignalSpy failed(&c, &TrafficController::weightFailed);
    c.requestWeight(10);
    QVERIFY2(applied.wait(5000),
             failed.isEmpty() ? "no answer" : qPrintable(failed.at(0).at(1).toString()));
    QCOMPARE(applied.at(0).at(0).toInt(), 10);
    QCOMPARE(applied.at(0).at(1).toString(),
             u"get weight pulsco/blue: 90 (initial 100); get weight pulsco/green: 10 (initial "
             "100); state blue: no check, green: no check"_s);
    QCOMPARE(c.appliedWeight(), 10);
    QVERIFY(failed.isEmpty());

    const BalancerCounters before = pollOnce(c);
    QVERIFY(before.atWallMs > 0);
    QCOMPARE(before.blueWeight, 90);
    QCOMPARE(before.greenWeight, 10);
    const int blue0 = m_blue.served;
    const int green0 = m_green.served;
    QCOMPARE(sendRequests(1000), 1000);
    const int blue = m_blue.served - blue0;
    const int green = m_green.served - green0;
    QCOMPARE(blue + green, 1000);
    // HAProxy's roundrobin at 90/10 sends green about 100 of 1000.
    QVERIFY2(green >= 70 && green <= 130, qPrintable(u"green served %1 of 1000"_s.arg(green)));

    // HAProxy's own counters tell the same story, request for request.
    const BalancerCounters after = pollOnce(c);
    QCOMPARE(qint64(after.blueRequests - before.blueRequests), qint64(blue));
    QCOMPARE(qint64(after.greenRequests - before.greenRequests), qint64(green));
    QVERIFY(after.atWallMs >= before.atWallMs);
}

void TestHaproxyTrafficController::rollbackDrainsGreen() {
    HaproxyTrafficController c(tcp(m_haproxy->adminPort()));
    c.setShutdownGraceMs(100);
    QSignalSpy applied(&c, &TrafficController::weightApplied);
    QSignalSpy failed(&c, &TrafficController::weightFailed);
    QSignalSpy shut(&c, &HaproxyTrafficController::greenSessionsShutDown);
    c.requestWeight(50);
    QVERIFY(applied.wait(5000));
    int green0 = m_green.served;
    QCOMPARE(sendRequests(200), 200);
    QVERIFY2(m_green.served - green0 >= 70, qPrintable(QString::number(m_green.served - green0)));

    c.rollback();
    QVERIFY(applied.wait(5000));
    QCOMPARE(applied.size(), 2);
    QCOMPARE(applied.at(1).at(0).toInt(), 0);
    QCOMPARE(applied.at(1).at(1).toString(),
             u"get weight pulsco/blue: 100 (initial 100); get weight pulsco/green: 0 (initial "
             "100); state blue: no check, green: DRAIN"_s);
    QVERIFY(failed.isEmpty());
    green0 = m_green.served;
    QCOMPARE(sendRequests(200), 200);
    QCOMPARE(m_green.served, green0);
    QString error;
    const auto stat = parseShowStat(m_haproxy->runtime(u"show stat"_s).toUtf8(), u"t"_s, &error);
    QVERIFY2(stat, qPrintable(error));
    QCOMPARE(stat->find(u"pulsco"_s, u"green"_s)->status, u"DRAIN"_s);
    QCOMPARE(pollOnce(c).greenWeight, 0);  // in effect: a drained server takes nothing
    // The grace (100 ms) may have passed while the requests above ran.
    QTRY_COMPARE_WITH_TIMEOUT(shut.size(), 1, 3000);
    QCOMPARE(shut.at(0).at(0).toString(), u"shutdown sessions server pulsco/green"_s);

    // After a rollback, a new step brings green back to READY.
    c.requestWeight(10);
    QVERIFY(applied.wait(5000));
    QVERIFY2(applied.at(2).at(1).toString().endsWith(u"green: no check"_s),
             qPrintable(applied.at(2).at(1).toString()));
    green0 = m_green.served;
    QCOMPARE(sendRequests(200), 200);
    QVERIFY(m_green.served > green0);
}

void TestHaproxyTrafficController::newerRequestSupersedes() {
    HaproxyTrafficController c(tcp(m_haproxy->adminPort()));
    QSignalSpy applied(&c, &TrafficController::weightApplied);
    QSignalSpy failed(&c, &TrafficController::weightFailed);
    c.requestWeight(10);
    c.requestWeight(30);
    QVERIFY(applied.wait(5000));
    QTest::qWait(300);  // nothing more comes for the superseded 10
    QCOMPARE(applied.size(), 1);
    QCOMPARE(applied.at(0).at(0).toInt(), 30);
    QVERIFY(failed.isEmpty());
    QCOMPARE(m_haproxy->runtime(u"get weight pulsco/green"_s).trimmed(), u"30 (initial 100)"_s);
    QCOMPARE(m_haproxy->runtime(u"get weight pulsco/blue"_s).trimmed(), u"70 (initial 100)"_s);

    // Superseded mid-chain: after HAProxy took its first command.
    QSignalSpy answered(c.client(), &HaproxyRuntimeClient::answered);
    c.requestWeight(60);
    QVERIFY(answered.wait(5000));
    c.rollback();
    QVERIFY(applied.wait(5000));
    QTest::qWait(300);
    QCOMPARE(applied.size(), 2);
    QCOMPARE(applied.at(1).at(0).toInt(), 0);
    QVERIFY(failed.isEmpty());
}

void TestHaproxyTrafficController::outOfRangeRefused() {
    HaproxyTrafficController c(tcp(m_haproxy->adminPort()));
    QSignalSpy failed(&c, &TrafficController::weightFailed);
    c.requestWeight(101);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.at(0).at(1).toString(), u"green share 101 %: not within 0..100"_s);
}

void TestHaproxyTrafficController::haproxyRefusalsAreWeightFailures_data() {
    QTest::addColumn<int>("port");  // 0: admin, 1: operator, 2: nothing there
    QTest::addColumn<QString>("backend");
    QTest::addColumn<QString>("green");
    QTest::addColumn<QString>("why");
    QTest::addRow("no such backend") << 0 << u"nope"_s << u"green"_s << u"No such backend."_s;
    QTest::addRow("no such server") << 0 << u"pulsco"_s << u"teal"_s << u"No such server."_s;
    QTest::addRow("level operator") << 1 << u"pulsco"_s << u"green"_s << u"Permission denied"_s;
    QTest::addRow("nobody listening") << 2 << u"pulsco"_s << u"green"_s << u"connection refused"_s;
}

void TestHaproxyTrafficController::haproxyRefusalsAreWeightFailures() {
    QFETCH(int, port);
    QFETCH(QString, backend);
    QFETCH(QString, green);
    QFETCH(QString, why);
    const quint16 p = port == 0   ? m_haproxy->adminPort()
                      : port == 1 ? m_haproxy->operatorPort()
                                  : test::HaproxyProcess::freePort();
    HaproxyTrafficController c(tcp(p), backend, u"blue"_s, green);
    QSignalSpy applied(&c, &TrafficController::weightApplied);
    QSignalSpy failed(&c, &TrafficController::weightFailed);
    c.requestWeight(20);
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.at(0).at(0).toInt(), 20);
    const QString reason = failed.at(0).at(1).toString();
    QVERIFY2(reason.startsWith(u"haproxy 127.0.0.1:%1: 'set server "_s.arg(p)) &&
                 reason.contains(why),
             qPrintable(reason));
    QVERIFY(applied.isEmpty());
    QCOMPARE(c.appliedWeight(), -1);
}

void TestHaproxyTrafficController::pollFailuresAreReported() {
    HaproxyTrafficController wrongServer(tcp(m_haproxy->adminPort()), u"pulsco"_s, u"blue"_s,
                                         u"teal"_s);
    QSignalSpy failed(&wrongServer, &HaproxyTrafficController::pollFailed);
    QSignalSpy read(&wrongServer, &TrafficController::countersRead);
    wrongServer.setPollIntervalMs(100);
    wrongServer.startPolling();
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.at(0).at(0).toString(),
             u"haproxy 127.0.0.1:%1: 'show stat pulsco 4 -1': backend pulsco has no server "
             "'teal'"_s.arg(m_haproxy->adminPort()));
    QTRY_VERIFY_WITH_TIMEOUT(failed.size() >= 3, 5000);  // the timer keeps polling
    wrongServer.stopPolling();
    QVERIFY(read.isEmpty());

    const quint16 dead = test::HaproxyProcess::freePort();
    HaproxyTrafficController nobody(tcp(dead));
    QSignalSpy deadFailed(&nobody, &HaproxyTrafficController::pollFailed);
    nobody.pollNow();
    QVERIFY(deadFailed.wait(5000));
    QVERIFY2(deadFailed.at(0).at(0).toString().contains(u"connection refused"_s),
             qPrintable(deadFailed.at(0).at(0).toString()));
}

void TestHaproxyTrafficController::rollbackClosesGreenTunnels() {
    // Green's server here upgrades to a tunnel: WebSocket traffic stays on
    // its connection whatever the weights say, so only the shutdown after
    // the drain moves it back to blue.
    TunnelServer blue;
    TunnelServer green;
    QVERIFY(blue.listen(QHostAddress::LocalHost, 0));
    QVERIFY(green.listen(QHostAddress::LocalHost, 0));
    test::HaproxyProcess haproxy(kConfig, {{u"BLUE"_s, QString::number(blue.serverPort())},
                                           {u"GREEN"_s, QString::number(green.serverPort())}});
    const QString error = haproxy.start();
    QVERIFY2(error.isEmpty(), qPrintable(error));

    for (const int grace : {-1, 200}) {
        HaproxyTrafficController c(tcp(haproxy.adminPort()));
        c.setShutdownGraceMs(grace);
        QSignalSpy applied(&c, &TrafficController::weightApplied);
        QSignalSpy failed(&c, &TrafficController::weightFailed);
        QSignalSpy shut(&c, &HaproxyTrafficController::greenSessionsShutDown);
        c.requestWeight(100);
        // Generous: under a loaded suite HAProxy's first answers can be slow.
        QVERIFY2(applied.wait(15000),
                 failed.isEmpty() ? "no answer" : qPrintable(failed.at(0).at(1).toString()));

        QTcpSocket ws;
        ws.connectToHost(u"127.0.0.1"_s, haproxy.frontendPort());
        QVERIFY(ws.waitForConnected(3000));
        ws.write("GET /v1/events HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
                 "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        QByteArray in;
        QTRY_VERIFY_WITH_TIMEOUT((in += ws.readAll()).contains("\r\n\r\n"), 3000);
        QVERIFY2(in.startsWith("HTTP/1.1 101"), in.constData());
        ws.write("ping");
        QByteArray echo;
        QTRY_VERIFY2_WITH_TIMEOUT(
            (echo += ws.readAll()) == "ping",
            qPrintable(u"echo '%1', state %2"_s.arg(QString::fromUtf8(echo)).arg(ws.state())),
            3000);

        c.rollback();
        QVERIFY2(applied.wait(15000),
                 failed.isEmpty() ? "no answer" : qPrintable(failed.last().at(1).toString()));
        QCOMPARE(applied.last().at(0).toInt(), 0);
        if (grace < 0) {
            // Without the shutdown the tunnel stays on green after rollback.
            QTest::qWait(500);
            QCOMPARE(ws.state(), QAbstractSocket::ConnectedState);
            ws.write("still");
            // Accumulated: QTRY_* evaluates its condition once more at the end.
            QByteArray still;
            QTRY_VERIFY_WITH_TIMEOUT((still += ws.readAll()) == "still", 3000);
            QVERIFY(shut.isEmpty());
        } else {
            QVERIFY(shut.wait(3000));
            QTRY_COMPARE_WITH_TIMEOUT(ws.state(), QAbstractSocket::UnconnectedState, 3000);
        }
    }
}

QTEST_MAIN(TestHaproxyTrafficController)
#include "tst_haproxytrafficcontroller.moc"
