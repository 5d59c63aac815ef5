// The console's TLS client side against a TLS server made in the test
// (QSslSocket::startServerEncryption on loopback) with a self-signed
// certificate made by openssl: trusted through the CA file, data flows over
// https:// and wss://; untrusted, the problem names the server and Qt's SSL
// error, and no data is taken. CA files are validated (file named, why).
#include "MisbehavingServer.h"
#include "support/SelfSignedCertificate.h"

#include "net/live/CaCertificates.h"
#include "net/live/LiveSource.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>

using pulsco::LiveServerLink;
using pulsco::LiveSource;
using pulsco::Source;

class TestLiveTls : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void trustedServerGivesDataByPush();
    void trustedServerGivesDataByPolling();
    void untrustedServerIsAClearError();
    void caFileErrorsNameTheFile_data();
    void caFileErrorsNameTheFile();

private:
    pulsco::test::SelfSignedCertificate m_tls;
    QList<QSslCertificate> m_ca;
    QSslCertificate m_cert;
    QSslKey m_key;
};

void TestLiveTls::initTestCase() {
    PULSCO_MAKE_CERTIFICATE_OR_SKIP(m_tls);
    // The CA list the console would load from the certificate file.
    QString error;
    const auto ca = pulsco::loadCaCertificates(m_tls.certPath, &error);
    QVERIFY2(ca, qPrintable(error));
    m_ca = *ca;
    QCOMPARE(m_ca, QList<QSslCertificate>{m_tls.certificate});
    m_cert = m_tls.certificate;
    m_key = m_tls.key;
}

void TestLiveTls::trustedServerGivesDataByPush() {
    MisbehavingServer server;
    server.useTls(m_cert, m_key);
    QVERIFY(server.listenOnLoopback());
    QVERIFY(server.url().startsWith(u"https://"_s));
    LiveSource source({{server.url(), {}, m_ca}});
    QSignalSpy snapshots(&source, &Source::snapshotReady);
    source.start();
    QTRY_VERIFY_WITH_TIMEOUT(snapshots.size() >= 2, 10000);
    const LiveSource::ServerStatus status = source.servers().value(0);
    QCOMPARE(status.problem, QString());
    QCOMPARE(status.mode, LiveServerLink::Mode::Push);  // wss:// carried them
    QCOMPARE(status.color, u"blue"_s);
    QVERIFY(server.tlsHandshakesDone() >= 2);  // /v1/info and /v1/events
}

void TestLiveTls::trustedServerGivesDataByPolling() {
    MisbehavingServer server;
    server.useTls(m_cert, m_key);
    QVERIFY(server.listenOnLoopback());
    LiveSource source({{server.url(), {}, m_ca}});
    source.setPushAllowed(false);
    QSignalSpy snapshots(&source, &Source::snapshotReady);
    source.start();
    QTRY_VERIFY_WITH_TIMEOUT(snapshots.size() >= 2, 10000);
    QCOMPARE(source.servers().value(0).mode, LiveServerLink::Mode::Polling);
    QCOMPARE(source.servers().value(0).problem, QString());
}

void TestLiveTls::untrustedServerIsAClearError() {
    MisbehavingServer server;
    server.useTls(m_cert, m_key);
    QVERIFY(server.listenOnLoopback());
    LiveSource source({{server.url(), {}, {}}});  // no CA: the system's only
    QSignalSpy snapshots(&source, &Source::snapshotReady);
    source.start();
    const auto problem = [&] { return source.servers().value(0).problem; };
    const QString expected = server.url() + u"/v1/info: TLS certificate not accepted: "_s;
    QTRY_VERIFY2_WITH_TIMEOUT(problem().startsWith(expected), qPrintable(problem()), 10000);
    // Qt's own words for a self-signed certificate, and what to do about it.
    QVERIFY2(problem().contains(u"self-signed"_s, Qt::CaseInsensitive), qPrintable(problem()));
    QVERIFY2(problem().contains(u"--ca-cert"_s), qPrintable(problem()));
    QTest::qWait(1500);  // retries keep failing the same way; nothing is taken
    QCOMPARE(snapshots.size(), 0);
    QCOMPARE(server.tlsHandshakesDone(), 0);
    QVERIFY(source.state() != Source::State::Running);
}

void TestLiveTls::caFileErrorsNameTheFile_data() {
    QTest::addColumn<QByteArray>("content");  // empty: the file does not exist
    QTest::addColumn<QString>("why");
    QTest::addRow("missing") << QByteArray() << u"cannot read the CA certificate file"_s;
    QTest::addRow("not a certificate")
        << QByteArray("-----BEGIN NOTHING-----\nxx\n") << u"no PEM or DER certificate in it"_s;
    QTest::addRow("a private key") << QByteArray("key") << u"no PEM or DER certificate in it"_s;
}

void TestLiveTls::caFileErrorsNameTheFile() {
    QFETCH(QByteArray, content);
    QFETCH(QString, why);
    QString path = m_tls.dir.filePath(u"bad-ca.pem"_s);
    QFile::remove(path);
    if (content == "key") {
        path = m_tls.keyPath;
    } else if (!content.isEmpty()) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }
    QString error;
    QVERIFY(!pulsco::loadCaCertificates(path, &error));
    QVERIFY2(error.startsWith(path + u": "_s), qPrintable(error));
    QVERIFY2(error.contains(why), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestLiveTls)
#include "tst_live_tls.moc"
