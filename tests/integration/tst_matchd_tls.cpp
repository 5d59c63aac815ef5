// pulsco-matchd with --tls-cert/--tls-key, using a self-signed certificate
// made in the test by openssl: a client that trusts it gets real answers over
// HTTPS and events over WSS on the same port; a plain-HTTP client on that port
// gets no answer and is cut off, and the server keeps serving; bad key files
// are refused naming the file; the process says https:// when it listens.
#include "MatchdFixture.h"
#include "support/HttpTestClient.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSslKey>
#include <QSslSocket>
#include <QStandardPaths>
#include <QWebSocket>

using namespace Qt::StringLiterals;
using namespace pulsco::test;

namespace {

// One HTTPS request over a fresh connection; status 0 when no answer came.
// Waits by spinning the event loop (QTest::qWait), never with the blocking
// waitFor* calls: the in-process server answers on this same thread.
HttpResult httpsRequest(quint16 port, const QList<QSslCertificate>& trusted,
                        const QByteArray& method, const QByteArray& path,
                        const QByteArray& body = {}) {
    QSslSocket socket;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(trusted);
    socket.setSslConfiguration(tls);
    socket.setPeerVerifyName(u"127.0.0.1"_s);
    socket.connectToHostEncrypted(u"127.0.0.1"_s, port);
    HttpResult r;
    QElapsedTimer t;
    t.start();
    while (!socket.isEncrypted() && socket.state() != QAbstractSocket::UnconnectedState &&
           t.elapsed() < 10000)
        QTest::qWait(2);
    if (!socket.isEncrypted())
        return r;
    QByteArray raw = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (method == "POST")
        raw +=
            "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
            "\r\n";
    socket.write(raw + "\r\n" + body);
    QByteArray in;
    while (t.elapsed() < 10000 && socket.state() == QAbstractSocket::ConnectedState) {
        QTest::qWait(2);
        in += socket.readAll();
    }
    in += socket.readAll();
    const qsizetype headEnd = in.indexOf("\r\n\r\n");
    if (!in.startsWith("HTTP/1.1 ") || headEnd < 0)
        return r;
    r.status = in.mid(9, 3).toInt();
    r.head = in.left(headEnd);
    r.body = in.mid(headEnd + 4);
    return r;
}

}  // namespace

class TestMatchdTls : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void trustedClientGetsHttps();
    void eventsOverWss();
    void plainHttpOnTheTlsPortFailsCleanly();
    void untrustingClientIsRefusedByItsOwnCheck();
    void badKeyFilesAreRefused_data();
    void badKeyFilesAreRefused();
    void processListensOnHttps();

private:
    bool makeCertificate(const QString& name);
    quint16 port() const { return m_fx->port; }

    QTemporaryDir m_certs;
    QList<QSslCertificate> m_trusted;
    MatchdFixture* m_fx = nullptr;
};

bool TestMatchdTls::makeCertificate(const QString& name) {
    QProcess req;
    req.setProcessChannelMode(QProcess::MergedChannels);
    req.start(QStandardPaths::findExecutable(u"openssl"_s),
              {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-keyout"_s,
               m_certs.filePath(name + u"-key.pem"_s), u"-out"_s,
               m_certs.filePath(name + u"-cert.pem"_s), u"-days"_s, u"2"_s, u"-subj"_s,
               u"/CN=127.0.0.1"_s, u"-addext"_s, u"subjectAltName=IP:127.0.0.1"_s});
    if (!req.waitForFinished(60000) || req.exitCode() != 0) {
        qWarning() << req.readAll();
        return false;
    }
    return true;
}

void TestMatchdTls::initTestCase() {
    if (!QSslSocket::supportsSsl())
        QSKIP("Qt has no TLS backend here");
    if (QStandardPaths::findExecutable(u"openssl"_s).isEmpty())
        QSKIP("openssl is not installed (tools/install-deps.sh installs it)");
    QVERIFY(m_certs.isValid());
    QVERIFY(makeCertificate(u"server"_s));
    QVERIFY(makeCertificate(u"other"_s));
    m_trusted = QSslCertificate::fromPath(m_certs.filePath(u"server-cert.pem"_s));
    QCOMPARE(m_trusted.size(), 1);
}

void TestMatchdTls::init() {
    m_fx = new MatchdFixture;
    m_fx->tlsCertFile = m_certs.filePath(u"server-cert.pem"_s);
    m_fx->tlsKeyFile = m_certs.filePath(u"server-key.pem"_s);
    QString error;
    QVERIFY2(m_fx->start(true, 16000, &error), qPrintable(error));
}

void TestMatchdTls::cleanup() {
    delete m_fx;
    m_fx = nullptr;
}

void TestMatchdTls::trustedClientGetsHttps() {
    QCOMPARE(m_fx->server->url(), u"https://127.0.0.1:%1"_s.arg(port()));
    const HttpResult info = httpsRequest(port(), m_trusted, "GET", "/v1/info");
    QCOMPARE(info.status, 200);
    QCOMPARE(info.json().value(u"url").toString(), u"https://127.0.0.1:%1"_s.arg(port()));
    QCOMPARE(info.json().value(u"tls").toBool(), true);
    const HttpResult created =
        httpsRequest(port(), m_trusted, "POST", "/v1/tickets", soloTicket("squad-2v2", "tls1"));
    QCOMPARE(created.status, 201);
    const QString id = created.json().value(u"ticket_id").toString();
    const HttpResult ticket =
        httpsRequest(port(), m_trusted, "GET", "/v1/tickets/" + id.toLatin1());
    QCOMPARE(ticket.status, 200);
    QCOMPARE(ticket.json().value(u"state").toString(), u"searching"_s);
}

void TestMatchdTls::eventsOverWss() {
    QWebSocket ws;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(m_trusted);
    ws.setSslConfiguration(tls);
    QList<QJsonObject> messages;
    connect(&ws, &QWebSocket::textMessageReceived, this,
            [&](const QString& m) { messages << QJsonDocument::fromJson(m.toUtf8()).object(); });
    ws.open(QUrl(u"wss://127.0.0.1:%1/v1/events"_s.arg(port())));
    QTRY_COMPARE_WITH_TIMEOUT(ws.state(), QAbstractSocket::ConnectedState, 10000);
    QCOMPARE(
        httpsRequest(port(), m_trusted, "POST", "/v1/tickets", soloTicket("duel-1v1", "w1")).status,
        201);
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(messages.cbegin(), messages.cend(),
                                         [](const QJsonObject& o) {
                                             return o.value(u"type").toString() == u"ticket"_s &&
                                                    o.value(u"state").toString() == u"searching"_s;
                                         }),
                             5000);
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(messages.cbegin(), messages.cend(),
                                         [](const QJsonObject& o) {
                                             return o.value(u"type").toString() == u"snapshot"_s;
                                         }),
                             5000);
    ws.close();
}

void TestMatchdTls::plainHttpOnTheTlsPortFailsCleanly() {
    QTcpSocket plain;
    plain.connectToHost(u"127.0.0.1"_s, port());
    QTRY_COMPARE(plain.state(), QAbstractSocket::ConnectedState);
    plain.write("GET /v1/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray in;
    QElapsedTimer t;
    t.start();
    while (plain.state() == QAbstractSocket::ConnectedState && t.elapsed() < 10000) {
        QTest::qWait(2);
        in += plain.readAll();
    }
    QCOMPARE(plain.state(), QAbstractSocket::UnconnectedState);  // cut off, not left hanging
    QVERIFY2(!in.contains("HTTP/1.1"), in.constData());          // and nothing served in clear
    QTRY_COMPARE_WITH_TIMEOUT(m_fx->server->connectionCount(), 0, 5000);
    // The server keeps serving.
    QCOMPARE(httpsRequest(port(), m_trusted, "GET", "/healthz").status, 200);
}

// A client that does not trust the certificate stops at its own check;
// the server is unharmed by the aborted handshake.
void TestMatchdTls::untrustingClientIsRefusedByItsOwnCheck() {
    const QList<QSslCertificate> other =
        QSslCertificate::fromPath(m_certs.filePath(u"other-cert.pem"_s));
    QCOMPARE(httpsRequest(port(), other, "GET", "/healthz").status, 0);
    QCOMPARE(httpsRequest(port(), m_trusted, "GET", "/healthz").status, 200);
}

void TestMatchdTls::badKeyFilesAreRefused_data() {
    QTest::addColumn<QString>("cert");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("message");
    const QString cert = m_certs.filePath(u"server-cert.pem"_s);
    QTest::addRow("key is a certificate")
        << cert << cert << cert + u": --tls-key: no unencrypted PEM private key"_s;
    QTest::addRow("key missing") << cert << m_certs.filePath(u"nope.pem"_s)
                                 << m_certs.filePath(u"nope.pem"_s) + u": --tls-key: cannot read"_s;
    QTest::addRow("cert is a key")
        << m_certs.filePath(u"server-key.pem"_s) << cert
        << m_certs.filePath(u"server-key.pem"_s) + u": --tls-cert: no PEM certificate in it"_s;
}

void TestMatchdTls::badKeyFilesAreRefused() {
    QFETCH(QString, cert);
    QFETCH(QString, key);
    QFETCH(QString, message);
    MatchdFixture fx;
    fx.tlsCertFile = cert;
    fx.tlsKeyFile = key;
    QString error;
    QVERIFY(!fx.start(true, 16000, &error));
    QVERIFY2(error.startsWith(message), qPrintable(error));
    // The server already running is untouched.
    QCOMPARE(httpsRequest(port(), m_trusted, "GET", "/healthz").status, 200);
}

void TestMatchdTls::processListensOnHttps() {
    QTemporaryDir dir;
    QProcess p;
    p.start(QStringLiteral(PULSCO_BINARY_DIR "/bin/pulsco-matchd"),
            {u"--listen"_s, u"127.0.0.1:0"_s, u"--data-dir"_s, dir.filePath(u"data"_s),
             u"--tls-cert"_s, m_certs.filePath(u"server-cert.pem"_s), u"--tls-key"_s,
             m_certs.filePath(u"server-key.pem"_s)});
    QVERIFY(p.waitForStarted(5000));
    static const QRegularExpression listening(u"listening on https://127\\.0\\.0\\.1:(\\d+)"_s);
    QByteArray out;
    QRegularExpressionMatch m;
    QElapsedTimer t;
    t.start();
    while (!m.hasMatch() && t.elapsed() < 15000 && p.state() == QProcess::Running) {
        p.waitForReadyRead(100);
        out += p.readAllStandardOutput();
        m = listening.match(QString::fromUtf8(out));
    }
    QVERIFY2(m.hasMatch(), out.constData());
    const quint16 processPort = quint16(m.captured(1).toUInt());
    const HttpResult info = httpsRequest(processPort, m_trusted, "GET", "/v1/info");
    QCOMPARE(info.status, 200);
    QVERIFY(info.json().value(u"url").toString().startsWith(u"https://"_s));
    p.terminate();
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestMatchdTls)
#include "tst_matchd_tls.moc"
