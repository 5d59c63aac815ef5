// The real pulsco-console against https:// servers: --ca-cert with a
// self-signed certificate made in the test lets the data flow (the TLS
// server sees completed handshakes, the console says it receives data);
// without it the server is refused: the server sees handshakes attempted and
// none completed, the console names the server and the refused certificate
// on stderr, takes no data, still runs and exits cleanly; a CA file that
// cannot be used is refused with exit 2 naming --ca-cert and the file. And
// pulsco-matchd serving TLS (--tls-cert/--tls-key) is trusted by a
// LiveSource through the same CA, which receives its snapshots. A console or
// pulsco-matchd that is not built (or lacks --tls-cert) is a broken build:
// the suite fails. Set PULSCO_SCREENSHOT_DIR to keep the console's pictures.
#include "MisbehavingServer.h"
#include "support/BuiltBinaries.h"
#include "support/ConsoleProcess.h"
#include "support/MatchdProcess.h"
#include "support/SelfSignedCertificate.h"

#include "net/live/LiveSource.h"

#include <QImage>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using pulsco::LiveSource;
using pulsco::Source;

namespace {

using pulsco::test::ConsoleProcess;
using pulsco::test::MatchdProcess;
using pulsco::test::notBuilt;
using pulsco::test::SelfSignedCertificate;

QString screenshotPath(const ConsoleProcess& console, const QString& name) {
    const QByteArray dir = qgetenv("PULSCO_SCREENSHOT_DIR");
    return dir.isEmpty() ? console.homePath(name) : QString::fromLocal8Bit(dir) + u'/' + name;
}

}  // namespace

class TestConsoleTls : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void badCaFileIsRefused();
    void consoleTrustsServerThroughCaCert();
    void consoleRefusesUntrustedServer();
    void matchdOverTls();

private:
    // Serves TLS with the test certificate on `server` and runs `console`
    // on it for 4 s with `extra` arguments, saving `png`; the console's exit
    // code (-1: not started, -4: the server could not listen).
    int runConsole(MisbehavingServer& server, ConsoleProcess& console, const QStringList& extra,
                   const QString& png);
    SelfSignedCertificate m_tls;
};

void TestConsoleTls::initTestCase() {
    const QString missing = notBuilt({ConsoleProcess::binary(), MatchdProcess::binary()});
    QVERIFY2(missing.isEmpty(), qPrintable(missing));
    PULSCO_MAKE_CERTIFICATE_OR_SKIP(m_tls);
}

int TestConsoleTls::runConsole(MisbehavingServer& server, ConsoleProcess& console,
                               const QStringList& extra, const QString& png) {
    server.useTls(m_tls.certificate, m_tls.key);
    if (!server.listenOnLoopback())
        return -4;
    if (!console.start(QStringList{u"--connect"_s, server.url(), u"--screenshot"_s, png,
                                   u"--quit-after"_s, u"4"_s, u"--size"_s, u"1280x800"_s} +
                       extra))
        return -1;
    // The TLS server lives in this process: the wait keeps its event loop turning.
    return console.waitForExit(40000);
}

void TestConsoleTls::badCaFileIsRefused() {
    ConsoleProcess console;
    const QString missing = console.homePath(u"no-such-ca.pem"_s);
    QVERIFY(console.start({u"--connect"_s, u"https://127.0.0.1:9"_s, u"--ca-cert"_s, missing}));
    QCOMPARE(console.waitForExit(20000), 2);
    const QString err = console.stderrText();
    QVERIFY2(err.contains(u"--ca-cert: "_s + missing + u": cannot read the CA certificate file"_s),
             qPrintable(err));
}

void TestConsoleTls::consoleTrustsServerThroughCaCert() {
    MisbehavingServer server;
    ConsoleProcess console;
    const QString png = screenshotPath(console, u"console-tls-trusted.png"_s);
    QCOMPARE(runConsole(server, console, {u"--ca-cert"_s, m_tls.certPath}, png), 0);
    QVERIFY2(server.tlsHandshakesDone() >= 2, "the console never completed a TLS handshake");
    const QRegularExpression receiving(u"^pulsco-console: live: blue "_s +
                                       QRegularExpression::escape(server.url()) +
                                       u": receiving data "_s);
    QVERIFY2(!console.stderrLines().filter(receiving).isEmpty(),
             "no data reached the console over TLS");
    QVERIFY2(console.stderrLines().filter(u"TLS certificate not accepted"_s).isEmpty(),
             qPrintable(console.stderrText()));
    QVERIFY(!QImage(png).isNull());
}

void TestConsoleTls::consoleRefusesUntrustedServer() {
    MisbehavingServer server;
    ConsoleProcess console;
    const QString png = screenshotPath(console, u"console-tls-untrusted.png"_s);
    QCOMPARE(runConsole(server, console, {}, png), 0);
    // The console tried: the server saw TLS handshakes begin, and fail.
    QVERIFY2(server.tlsHandshakesFailed() >= 1,
             qPrintable(u"TLS connections: %1, failed handshakes: %2"_s.arg(server.tlsConnections())
                            .arg(server.tlsHandshakesFailed())));
    QCOMPARE(server.tlsHandshakesDone(), 0);  // refused, never silently accepted
    // And it said why, naming the server.
    const QRegularExpression refused(u"^pulsco-console: live: "_s +
                                     QRegularExpression::escape(server.url()) +
                                     u"/v1/info: TLS certificate not accepted: "_s);
    QVERIFY2(!console.stderrLines().filter(refused).isEmpty(), qPrintable(console.stderrText()));
    QVERIFY2(console.stderrLines().filter(u"receiving data"_s).isEmpty(),
             qPrintable(console.stderrText()));
    QVERIFY(!QImage(png).isNull());
}

void TestConsoleTls::matchdOverTls() {
    QProcess help;
    help.start(MatchdProcess::binary(), {u"--help"_s});
    QVERIFY2(help.waitForFinished(10000), "pulsco-matchd --help did not finish");
    QVERIFY2(help.readAll().contains("--tls-cert"),
             "this pulsco-matchd has no --tls-cert: the build is older than the TLS server");
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
