// Hostile clients against pulsco-matchd's HTTP server and event stream on a
// real loopback socket: a byte-a-while slowloris is cut off, oversized
// headers get 431, hundreds of idle or half-sent connections do not keep a
// normal client waiting, and a WebSocket client that never reads is dropped
// instead of growing the server's memory. (tests/net/tst_httpserver covers
// the plain 408, idle timeout and 503 connection limit; not repeated here.)
#include "net/http/HttpServer.h"
#include "net/server/EventStream.h"
#include "support/HttpTestClient.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocketServer>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

using test::readAnswers;

void answerOk(HttpServer& server) {
    server.setHandler(
        [](const HttpRequest&, HttpResponder r) { r.respond(HttpResponse::json(200, "{}")); });
}

}  // namespace

class TestHostileClients : public QObject {
    Q_OBJECT
private slots:
    void slowlorisTrickleIsCutOff();
    void oversizedHeadersGet431();
    void manyIdleConnectionsDoNotBlockOthers();
    void webSocketClientThatNeverReadsIsDropped();
};

// Each byte arrives well within any per-read timeout, but the request as a
// whole must still finish within requestTimeoutMs.
void TestHostileClients::slowlorisTrickleIsCutOff() {
    HttpServerLimits limits;
    limits.requestTimeoutMs = 300;
    HttpServer server(limits);
    answerOk(server);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QTcpSocket slow;
    slow.connectToHost(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(slow.state(), QAbstractSocket::ConnectedState);
    const QByteArray endless = "GET /v1/stats HTTP/1.1\r\nX-Pad: " + QByteArray(4000, 'a');
    QByteArray in;
    for (qsizetype i = 0; i < endless.size() && slow.state() == QAbstractSocket::ConnectedState;
         ++i) {
        slow.write(endless.mid(i, 1));
        slow.flush();
        QTest::qWait(20);
        in += slow.readAll();
        QVERIFY2(i < 400, "the trickling client was never cut off");  // 400 × 20 ms ≫ 300 ms
    }
    in += readAnswers(slow, 1, 2000);
    QVERIFY2(in.isEmpty() || in.startsWith("HTTP/1.1 408"), in.constData());
    QTRY_COMPARE_WITH_TIMEOUT(slow.state(), QAbstractSocket::UnconnectedState, 5000);
    QTRY_COMPARE(server.connectionCount(), 0);
}

void TestHostileClients::oversizedHeadersGet431() {
    HttpServer server;
    answerOk(server);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QTcpSocket big;
    big.connectToHost(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(big.state(), QAbstractSocket::ConnectedState);
    const qsizetype tooMany = server.limits().request.maxHeaderBytes + 1024;
    big.write("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(tooMany, 'b') + "\r\n\r\n");
    const QByteArray in = readAnswers(big, 1);
    QVERIFY2(in.startsWith("HTTP/1.1 431"), in.left(200).constData());
    QVERIFY(in.contains("\"code\":"));
    QTRY_COMPARE_WITH_TIMEOUT(big.state(), QAbstractSocket::UnconnectedState, 5000);

    // Too many header lines, each small, are refused the same way.
    QTcpSocket many;
    many.connectToHost(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(many.state(), QAbstractSocket::ConnectedState);
    QByteArray request = "GET / HTTP/1.1\r\n";
    for (int i = 0; i <= server.limits().request.maxHeaderCount; ++i)
        request += "X-" + QByteArray::number(i) + ": v\r\n";
    many.write(request + "\r\n");
    const QByteArray manyIn = readAnswers(many, 1);
    QVERIFY2(manyIn.startsWith("HTTP/1.1 431"), manyIn.left(200).constData());
}

void TestHostileClients::manyIdleConnectionsDoNotBlockOthers() {
    HttpServer server;
    answerOk(server);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    // Half idle, half with a request begun and never finished.
    // In batches, so the listen backlog (50) never overflows into SYN retries.
    constexpr int kHostile = 300;
    std::vector<std::unique_ptr<QTcpSocket>> hostile;
    while (hostile.size() < std::size_t(kHostile)) {
        for (int i = 0; i < 25; ++i) {
            hostile.push_back(std::make_unique<QTcpSocket>());
            hostile.back()->connectToHost(u"127.0.0.1"_s, server.serverPort());
        }
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), int(hostile.size()), 10000);
    }
    for (int i = 0; i < kHostile; i += 2)
        hostile[std::size_t(i)]->write("POST /v1/tickets HTTP/1.1\r\nContent-Length: 100\r\n\r\n{");
    QTest::qWait(50);
    for (int round = 0; round < 5; ++round) {
        QTcpSocket normal;
        normal.connectToHost(u"127.0.0.1"_s, server.serverPort());
        QTRY_COMPARE(normal.state(), QAbstractSocket::ConnectedState);
        normal.write("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
        const QByteArray in = readAnswers(normal, 1);
        QVERIFY2(in.startsWith("HTTP/1.1 200"), in.left(200).constData());
    }
    QCOMPARE(server.connectionCount() >= kHostile, true);  // nobody was evicted to serve them
}

// A client upgrades to the event stream, then stops reading: once more than
// the limit is queued for it, the server drops it; a reading client is kept.
void TestHostileClients::webSocketClientThatNeverReadsIsDropped() {
    HttpServer server;
    EventStream events;
    events.setMaxBufferedBytes(256 * 1024);
    server.setWebSocketServer("/v1/events", events.server());
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    QTcpSocket deaf;
    deaf.setReadBufferSize(1);  // Qt stops reading, so the kernel buffers fill up
    deaf.connectToHost(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(deaf.state(), QAbstractSocket::ConnectedState);
    deaf.write("GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(events.clientCount(), 1, 5000);

    const QByteArray fields = "\"type\":\"pad\",\"pad\":\"" + QByteArray(64 * 1024, 'p') + '"';
    QElapsedTimer t;
    t.start();
    int sent = 0;
    // Bounded: 4000 × 64 KiB is far beyond any loopback socket buffer.
    while (events.clientCount() > 0 && sent < 4000 && t.elapsed() < 20000) {
        events.broadcast(fields);
        ++sent;
        QTest::qWait(1);
    }
    QVERIFY2(events.clientCount() == 0,
             qPrintable(u"still connected after %1 messages"_s.arg(sent)));
}

QTEST_MAIN(TestHostileClients)
#include "tst_hostileclients.moc"
