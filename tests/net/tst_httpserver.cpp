// The HTTP/1.1 server on a real loopback socket: keep-alive reuse, deferred
// answers kept in request order, and the limits that protect other clients
// (slow requests get 408, idle connections are closed, too many get 503).
#include "net/http/HttpServer.h"
#include "support/HttpTestClient.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <map>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {
using test::readAnswers;
}  // namespace

class TestHttpServer : public QObject {
    Q_OBJECT
private slots:
    void keepAliveServesManyOnOneConnection();
    void deferredAnswersStayInOrder();
    void slowRequestGets408();
    void idleConnectionIsClosed();
    void connectionLimitAnswers503();
    void errorsCarryTheJsonBody();
    void pipeliningIsBoundedAndResumes();
    void headHasNoBody();
    void manyClientsOverSeveralIoThreads_data();
    void manyClientsOverSeveralIoThreads();
};

void TestHttpServer::keepAliveServesManyOnOneConnection() {
    HttpServer server;
    int served = 0;
    server.setHandler([&](const HttpRequest& r, HttpResponder responder) {
        ++served;
        responder.respond(HttpResponse::json(200, "{\"path\":\"" + r.path + "\"}"));
    });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QTcpSocket s;
    s.connectToHost(u"127.0.0.1"_s, server.serverPort());
    QVERIFY(s.waitForConnected(5000) || s.state() == QAbstractSocket::ConnectedState);
    for (int i = 0; i < 20; ++i) {
        s.write("GET /n" + QByteArray::number(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        const QByteArray in = readAnswers(s, 1);
        QVERIFY2(in.contains(QByteArray("{\"path\":\"/n" + QByteArray::number(i) + "\"}")),
                 in.constData());
        QVERIFY(!in.contains("Connection: close"));
    }
    QCOMPARE(served, 20);
    QCOMPARE(server.connectionCount(), 1);
}

void TestHttpServer::deferredAnswersStayInOrder() {
    HttpServer server;
    // The first request is answered last, after the others were completed.
    server.setHandler([&](const HttpRequest& r, HttpResponder responder) {
        const int delay = r.path == "/slow" ? 100 : 0;
        QTimer::singleShot(delay, &server, [responder, path = r.path] {
            responder.respond(HttpResponse::json(200, path));
        });
    });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QTcpSocket s;
    s.connectToHost(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(s.state(), QAbstractSocket::ConnectedState);
    s.write("GET /slow HTTP/1.1\r\n\r\nGET /fast1 HTTP/1.1\r\n\r\nGET /fast2 HTTP/1.1\r\n\r\n");
    const QByteArray in = readAnswers(s, 3);
    const qsizetype a = in.indexOf("/slow"), b = in.indexOf("/fast1"), c = in.indexOf("/fast2");
    QVERIFY2(a >= 0 && b > a && c > b, in.constData());
}

void TestHttpServer::slowRequestGets408() {
    HttpServerLimits limits;
    limits.requestTimeoutMs = 200;
    HttpServer server(limits);
    server.setHandler(
        [](const HttpRequest&, HttpResponder r) { r.respond(HttpResponse::json(200, "{}")); });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QTcpSocket slow, other;
    slow.connectToHost(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(slow.state(), QAbstractSocket::ConnectedState);
    slow.write("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // never finished
    // Others are served meanwhile.
    other.connectToHost(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(other.state(), QAbstractSocket::ConnectedState);
    other.write("GET / HTTP/1.1\r\n\r\n");
    QVERIFY(readAnswers(other, 1).startsWith("HTTP/1.1 200"));
    const QByteArray in = readAnswers(slow, 1, 5000);
    QVERIFY2(in.startsWith("HTTP/1.1 408"), in.constData());
    QVERIFY(in.contains("\"code\":\"invalid_argument\""));
    QTRY_COMPARE_WITH_TIMEOUT(slow.state(), QAbstractSocket::UnconnectedState, 5000);
}

void TestHttpServer::idleConnectionIsClosed() {
    HttpServerLimits limits;
    limits.idleTimeoutMs = 200;
    HttpServer server(limits);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QTcpSocket idle;
    idle.connectToHost(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(idle.state(), QAbstractSocket::ConnectedState);
    QTRY_COMPARE_WITH_TIMEOUT(idle.state(), QAbstractSocket::UnconnectedState, 5000);
    QTRY_COMPARE(server.connectionCount(), 0);
}

void TestHttpServer::connectionLimitAnswers503() {
    HttpServerLimits limits;
    limits.maxConnections = 3;
    HttpServer server(limits);
    server.setHandler(
        [](const HttpRequest&, HttpResponder r) { r.respond(HttpResponse::json(200, "{}")); });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    std::vector<std::unique_ptr<QTcpSocket>> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(std::make_unique<QTcpSocket>());
        held.back()->connectToHost(u"127.0.0.1"_s, server.serverPort());
    }
    QTRY_COMPARE(server.connectionCount(), 3);
    QTcpSocket extra;
    extra.connectToHost(u"127.0.0.1"_s, server.serverPort());
    extra.write("GET / HTTP/1.1\r\n\r\n");
    const QByteArray in = readAnswers(extra, 1);
    QVERIFY2(in.startsWith("HTTP/1.1 503"), in.constData());
    QVERIFY(in.contains("\"code\":\"overloaded\""));
    // A held connection is still served.
    held[0]->write("GET / HTTP/1.1\r\n\r\n");
    QVERIFY(readAnswers(*held[0], 1).startsWith("HTTP/1.1 200"));
}

void TestHttpServer::errorsCarryTheJsonBody() {
    const HttpResponse r = HttpServer::errorResponse(409, u"ticket_id: already \"matched\""_s);
    QCOMPARE(r.status, 409);
    const QByteArray expected =
        "{\"error\":{\"code\":\"conflict\",\"message\":\"ticket_id: already \\\"matched\\\"\"}}";
    QCOMPARE(r.body, expected);
    QCOMPARE(QByteArray(errorCodeForStatus(413)), QByteArray("too_large"));
    QCOMPARE(QByteArray(errorCodeForStatus(503)), QByteArray("unavailable"));
    QCOMPARE(QByteArray(errorCodeForStatus(401)), QByteArray("unauthorized"));
    const QByteArray wire = r.serialize(true);
    QVERIFY(wire.startsWith("HTTP/1.1 409 Conflict\r\n"));
    QVERIFY(
        wire.contains(QByteArray("Content-Length: " + QByteArray::number(r.body.size()) + "\r\n")));
    QVERIFY(!wire.contains("Connection: close"));
    QVERIFY(r.serialize(false).contains("Connection: close"));
}

void TestHttpServer::pipeliningIsBoundedAndResumes() {
    HttpServer server;
    std::vector<HttpResponder> held;
    bool release = false;
    int dispatched = 0;
    server.setHandler([&](const HttpRequest& r, HttpResponder responder) {
        ++dispatched;
        if (release)
            responder.respond(HttpResponse::json(200, r.path));
        else
            held.push_back(responder);
    });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QTcpSocket s;
    s.connectToHost(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(s.state(), QAbstractSocket::ConnectedState);
    QByteArray wire;
    for (int i = 0; i < 100; ++i)
        wire += "GET /r" + QByteArray::number(i) + " HTTP/1.1\r\n\r\n";
    s.write(wire);
    const int limit = server.limits().maxPipelinedRequests;
    QTRY_COMPARE(dispatched, limit);
    QTest::qWait(100);
    QCOMPARE(dispatched, limit);  // the rest waits, unread
    release = true;
    for (const HttpResponder& r : held)
        r.respond(HttpResponse::json(200, "held"));
    const QByteArray in = readAnswers(s, 100);
    QCOMPARE(in.count("HTTP/1.1 200"), 100);
    QCOMPARE(dispatched, 100);
    QVERIFY(in.lastIndexOf("held") < in.indexOf(QByteArray("/r" + QByteArray::number(limit))));
    QVERIFY(in.endsWith("/r99"));
}

void TestHttpServer::headHasNoBody() {
    HttpServer server;
    server.setHandler([](const HttpRequest&, HttpResponder r) {
        r.respond(HttpResponse::json(200, "{\"a\":1}"));
    });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QTcpSocket s;
    s.connectToHost(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(s.state(), QAbstractSocket::ConnectedState);
    s.write("HEAD /x HTTP/1.1\r\n\r\nGET /x HTTP/1.1\r\n\r\n");
    const QByteArray in = readAnswers(s, 2);
    QCOMPARE(in.count("Content-Length: 7"), 2);
    QCOMPARE(in.count("{\"a\":1}"), 1);
}

// Connections spread over several I/O threads, each pipelining requests that
// the handler answers at once or later in random order: every answer reaches
// its own connection in request order, the handler and the observer always
// run on the server's thread, and every answer is observed exactly once.
void TestHttpServer::manyClientsOverSeveralIoThreads_data() {
    QTest::addColumn<int>("ioThreads");
    QTest::addColumn<quint32>("seed");
    for (int threads : {1, 2, 3})
        for (quint32 seed : {1u, 2u, 3u})
            QTest::addRow("%d threads, seed %u", threads, seed) << threads << seed;
}

void TestHttpServer::manyClientsOverSeveralIoThreads() {
    QFETCH(int, ioThreads);
    QFETCH(quint32, seed);
    HttpServerLimits limits;
    limits.ioThreads = ioThreads;
    HttpServer server(limits);
    QRandomGenerator rng(seed);
    bool wrongThread = false;
    int observed = 0;
    std::map<int, int> observedByTag;
    server.setHandler([&](const HttpRequest& r, HttpResponder untagged) {
        wrongThread = wrongThread || QThread::currentThread() != server.thread();
        const int delay = int(rng.bounded(3)) * 5;  // 0, 5 or 10 ms
        // Tagged with its client ("/c<N>/..." -> N + 1): the tag must reach
        // the observer with its own answer, deferred or not.
        const int client = r.path.mid(2, r.path.indexOf('/', 1) - 2).toInt();
        const HttpResponder responder = untagged.tagged(client + 1);
        const auto answer = [responder, path = r.path] {
            responder.respond(HttpResponse::json(200, "{\"path\":\"" + path + "\"}"));
        };
        if (delay == 0)
            answer();
        else
            QTimer::singleShot(delay, &server, answer);
    });
    server.setResponseObserver([&](int status, double, int tag) {
        wrongThread = wrongThread || QThread::currentThread() != server.thread();
        observed += status == 200 ? 1 : 0;
        ++observedByTag[tag];
    });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    constexpr int kClients = 12;
    constexpr int kRequests = 20;
    std::vector<std::unique_ptr<QTcpSocket>> clients;
    for (int c = 0; c < kClients; ++c) {
        clients.push_back(std::make_unique<QTcpSocket>());
        clients.back()->connectToHost(u"127.0.0.1"_s, server.serverPort());
    }
    QTRY_COMPARE(server.connectionCount(), kClients);
    for (int c = 0; c < kClients; ++c) {
        QByteArray wire;
        for (int i = 0; i < kRequests; ++i)
            wire += "GET /c" + QByteArray::number(c) + "/r" + QByteArray::number(i) +
                    " HTTP/1.1\r\n\r\n";
        clients[std::size_t(c)]->write(wire);
    }
    std::vector<QByteArray> in(kClients);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            bool all = true;
            for (int c = 0; c < kClients; ++c) {
                in[std::size_t(c)] += clients[std::size_t(c)]->readAll();
                all = all && in[std::size_t(c)].count("HTTP/1.1 200") == kRequests;
            }
            return all;
        }(),
        10000);
    for (int c = 0; c < kClients; ++c) {
        qsizetype at = 0;
        for (int i = 0; i < kRequests; ++i) {
            const QByteArray expected =
                "{\"path\":\"/c" + QByteArray::number(c) + "/r" + QByteArray::number(i) + "\"}";
            const qsizetype next = in[std::size_t(c)].indexOf(expected, at);
            QVERIFY2(next >= at, expected.constData());  // present, and after the one before
            at = next + expected.size();
        }
    }
    QTRY_COMPARE(observed, kClients * kRequests);
    for (int c = 0; c < kClients; ++c)
        QCOMPARE(observedByTag[c + 1], kRequests);
    QCOMPARE(observedByTag.count(0), std::size_t(0));
    QVERIFY(!wrongThread);
    clients.clear();
    QTRY_COMPARE(server.connectionCount(), 0);
}

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
