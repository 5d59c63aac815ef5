// The real pulsco-console against https:// servers: --ca-cert with a
// self-signed certificate made in the test lets the data flow (the TLS
// server sees completed handshakes); without it the server is refused (no
// handshake completes) and the console still runs and exits cleanly; a CA
// file that cannot be used is refused with exit 2 naming --ca-cert and the
// file. And, when pulsco-matchd serves TLS (--tls-cert/--tls-key), a
// LiveSource trusts it through the same CA and receives its snapshots.
// Set PULSCO_SCREENSHOT_DIR to keep the console's pictures.
#include "ConsoleProcess.h"
#include "MatchdProcess.h"
#include "MisbehavingServer.h"
#include "SelfSignedCertificate.h"

#include "net/live/LiveSource.h"

#include <QDeadlineTimer>
#include <QImage>
#include <QSignalSpy>
#include <QTest>

using pulsco::LiveSource;
using pulsco::Source;

namespace {

using pulsco::test::consoleBinary;
using pulsco::test::isolatedEnvironment;

QString screenshotPath(const QTemporaryDir& home, const QString& name) {
    const QByteArray dir = qgetenv("PULSCO_SCREENSHOT_DIR");
    return dir.isEmpty() ? home.filePath(name) : QString::fromLocal8Bit(dir) + u'/' + name;
}

}  // namespace

class TestConsoleTls : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void badCaFileIsRefused();
    void consoleTrustsServerThroughCaCert();
    void consoleRefusesUntrustedServer();
    void matchdOverTls();

private:
    // Runs the console on `url` for 4 s with `extra` arguments; exit code.
    int runConsole(const QString& url, const QStringList& extra, const QString& png);
    SelfSignedCertificate m_tls;
};

void TestConsoleTls::initTestCase() {
    if (!QFile::exists(consoleBinary()))
        QSKIP("pulsco-console is not built in this tree");
    if (!QSslSocket::supportsSsl())
        QSKIP("Qt has no TLS backend here");
    const QString why = m_tls.make();
    if (why.contains(u"not installed"_s))
        QSKIP(qPrintable(why));
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

int TestConsoleTls::runConsole(const QString& url, const QStringList& extra, const QString& png) {
    QTemporaryDir home;
    QProcess console;
    console.setProcessEnvironment(isolatedEnvironment(home));
    console.setProcessChannelMode(QProcess::ForwardedChannels);
    console.start(consoleBinary(),
                  QStringList{u"--connect"_s, url, u"--screenshot"_s, png, u"--quit-after"_s,
                              u"4"_s, u"--size"_s, u"1280x800"_s} +
                      extra);
    if (!console.waitForStarted(10000))
        return -1;
    // The TLS server lives in this process: keep its event loop turning.
    QDeadlineTimer deadline(40000);
    while (console.state() != QProcess::NotRunning && !deadline.hasExpired())
        QTest::qWait(50);
    if (console.state() != QProcess::NotRunning)
        return -3;
    return console.exitStatus() == QProcess::NormalExit ? console.exitCode() : -2;
}

void TestConsoleTls::badCaFileIsRefused() {
    QTemporaryDir home;
    const QString missing = home.filePath(u"no-such-ca.pem"_s);
    QProcess console;
    console.setProcessEnvironment(isolatedEnvironment(home));
    console.start(consoleBinary(),
                  {u"--connect"_s, u"https://127.0.0.1:9"_s, u"--ca-cert"_s, missing});
    QVERIFY(console.waitForFinished(20000));
    QCOMPARE(console.exitCode(), 2);
    const QString err = QString::fromUtf8(console.readAllStandardError());
    QVERIFY2(err.contains(u"--ca-cert: "_s + missing + u": cannot read the CA certificate file"_s),
             qPrintable(err));
}

void TestConsoleTls::consoleTrustsServerThroughCaCert() {
    MisbehavingServer server;
    server.useTls(m_tls.certificate, m_tls.key);
    QVERIFY(server.listenOnLoopback());
    QTemporaryDir home;
    const QString png = screenshotPath(home, u"console-tls-trusted.png"_s);
    QCOMPARE(runConsole(server.url(), {u"--ca-cert"_s, m_tls.certPath}, png), 0);
    QVERIFY2(server.tlsHandshakesDone() >= 2, "the console never completed a TLS handshake");
    QVERIFY(!QImage(png).isNull());
}

void TestConsoleTls::consoleRefusesUntrustedServer() {
    MisbehavingServer server;
    server.useTls(m_tls.certificate, m_tls.key);
    QVERIFY(server.listenOnLoopback());
    QTemporaryDir home;
    const QString png = screenshotPath(home, u"console-tls-untrusted.png"_s);
    QCOMPARE(runConsole(server.url(), {}, png), 0);
    QCOMPARE(server.tlsHandshakesDone(), 0);  // refused, never silently accepted
    QVERIFY(!QImage(png).isNull());
}

void TestConsoleTls::matchdOverTls() {
    if (!QFile::exists(MatchdProcess::binary()))
        QSKIP("pulsco-matchd is not built in this tree");
    QProcess help;
    help.start(MatchdProcess::binary(), {u"--help"_s});
    if (!help.waitForFinished(10000) || !help.readAll().contains("--tls-cert"))
        QSKIP("this pulsco-matchd has no --tls-cert yet");
    MatchdProcess matchd(u"green"_s);
    matchd.setExtraArguments({u"--tls-cert"_s, m_tls.certPath, u"--tls-key"_s, m_tls.keyPath});
    QVERIFY(matchd.start());
    QVERIFY2(matchd.url().startsWith(u"https://"_s), qPrintable(matchd.url()));
    LiveSource source({{matchd.url(), {}, {m_tls.certificate}}});
    QSignalSpy snapshots(&source, &Source::snapshotReady);
    source.start();
    QTRY_VERIFY_WITH_TIMEOUT(snapshots.size() >= 2, 15000);
    QCOMPARE(source.servers().value(0).color, u"green"_s);
    QCOMPARE(source.servers().value(0).problem, QString());
    QCOMPARE(source.servers().value(0).mode, pulsco::LiveServerLink::Mode::Push);
}

QTEST_GUILESS_MAIN(TestConsoleTls)
#include "tst_console_tls.moc"
