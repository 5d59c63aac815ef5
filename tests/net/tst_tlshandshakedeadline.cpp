// The HTTP server on a TLS port, on real loopback sockets: a client that
// connects and never finishes the TLS handshake (says nothing, or stops
// halfway through its ClientHello) is cut off at the request deadline, not
// after the idle timeout, and counted as a 408 like a slow request; a normal
// TLS client is served meanwhile and keeps its idle keep-alive connection.
#include "net/http/HttpServer.h"
#include "support/HttpTestClient.h"
#include "support/SelfSignedCertificate.h"

#include <QSslSocket>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;
using pulsco::test::SelfSignedCertificate;

namespace {
using test::readAnswers;

// Long enough that a cut by the idle timeout cannot pass for the deadline.
constexpr qint64 kDeadlineMs = 1000;
constexpr qint64 kIdleMs = 60'000;
}  // namespace

class TestTlsHandshakeDeadline : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void unfinishedHandshakesAreCutOff();

private:
    SelfSignedCertificate m_cert;
};

void TestTlsHandshakeDeadline::initTestCase() {
    PULSCO_MAKE_CERTIFICATE_OR_SKIP(m_cert);
}

// Both kinds of stalled client on one server (one wait for the deadline).
void TestTlsHandshakeDeadline::unfinishedHandshakesAreCutOff() {
    HttpServerLimits limits;
    limits.requestTimeoutMs = kDeadlineMs;
    limits.idleTimeoutMs = kIdleMs;
    HttpServer server(limits);
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(m_cert.certificate);
    tls.setPrivateKey(m_cert.key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    server.setTlsConfiguration(tls);
    server.setHandler([](const HttpRequest& r, HttpResponder responder) {
        responder.respond(HttpResponse::json(200, "{\"path\":\"" + r.path + "\"}"));
    });
    QList<int> observed;
    server.setResponseObserver([&](int status, double, int) { observed << status; });
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));

    QTcpSocket silent, halfHello;
    for (QTcpSocket* s : {&silent, &halfHello})
        s->connectToHost(u"127.0.0.1"_s, server.serverPort());
    QTRY_COMPARE(silent.state(), QAbstractSocket::ConnectedState);
    QTRY_COMPARE(halfHello.state(), QAbstractSocket::ConnectedState);
    // A handshake record announcing 512 bytes of ClientHello, 43 of which
    // arrive: the TLS layer waits for the rest forever.
    QByteArray half("\x16\x03\x01\x02\x00"       // record: handshake, TLS 1.0, 512 bytes
                    "\x01\x00\x01\xfc\x03\x03",  // ClientHello of 508 bytes, TLS 1.2
                    11);
    half += QByteArray(32, '\x5a');  // client random
    halfHello.write(half);

    // A normal TLS client is served while the stalled ones wait.
    QSslSocket normal;
    QSslConfiguration trusting = QSslConfiguration::defaultConfiguration();
    trusting.setCaCertificates({m_cert.certificate});
    normal.setSslConfiguration(trusting);
    normal.setPeerVerifyName(u"127.0.0.1"_s);
    normal.connectToHostEncrypted(u"127.0.0.1"_s, server.serverPort());
    QTRY_VERIFY_WITH_TIMEOUT(normal.isEncrypted(), 10000);
    normal.write("GET /first HTTP/1.1\r\nHost: x\r\n\r\n");
    const QByteArray first = readAnswers(normal, 1, 10000);
    QVERIFY2(first.startsWith("HTTP/1.1 200") && first.contains("/first"), first.constData());

    // Cut off at the deadline (checked each second), far before the idle timeout.
    QTRY_COMPARE_WITH_TIMEOUT(silent.state(), QAbstractSocket::UnconnectedState, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(halfHello.state(), QAbstractSocket::UnconnectedState, 15000);
    QVERIFY2(silent.readAll().isEmpty(), "nothing is answered in clear on a TLS port");
    QVERIFY2(halfHello.readAll().isEmpty(), "nothing is answered in clear on a TLS port");
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 1, 5000);
    // Counted like other requests cut off for being slow.
    QTRY_COMPARE_WITH_TIMEOUT(observed.count(408), 2, 5000);

    // The normal client, idle past the deadline after its handshake and its
    // answer (and a sweep later), still has its keep-alive connection and is
    // served on it: the deadline is for unfinished handshakes and requests.
    QTest::qWait(int(kDeadlineMs) + 1200);
    QCOMPARE(normal.state(), QAbstractSocket::ConnectedState);
    normal.write("GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
    const QByteArray second = readAnswers(normal, 1, 10000);
    QVERIFY2(second.startsWith("HTTP/1.1 200") && second.contains("/second"), second.constData());
    QCOMPARE(observed.count(200), 2);
    QCOMPARE(observed.count(408), 2);
}

QTEST_GUILESS_MAIN(TestTlsHandshakeDeadline)
#include "tst_tlshandshakedeadline.moc"
