// The real pulsco-console, offscreen, against real pulsco-matchd processes:
// --connect receives live data from blue and green (the console's stderr
// says so per server, with the snapshot's time), notices green killed
// mid-run, receives green's data again after it restarted on the same port,
// and still renders the Dashboard and exits 0; a bad URL is refused with
// exit 2 naming --connect. A console or pulsco-matchd that is not built is
// a broken build: the suite fails, it does not skip.
#include "support/BuiltBinaries.h"
#include "support/ConsoleProcess.h"
#include "support/MatchdProcess.h"

#include <QFile>
#include <QImage>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using pulsco::test::ConsoleProcess;
using pulsco::test::MatchdProcess;
using pulsco::test::notBuilt;

namespace {

// The console's line when a server's data starts (or starts again).
QRegularExpression receiving(const QString& color, const MatchdProcess& server) {
    return QRegularExpression(u"^pulsco-console: live: "_s + color + u' ' +
                              QRegularExpression::escape(server.url()) +
                              u": receiving data \\(t=\\d+\\.\\d s\\)$"_s);
}

}  // namespace

class TestConsoleLive : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void dashboardRendersLiveServersThroughKillAndRestart();
    void badUrlIsRefused();
};

void TestConsoleLive::initTestCase() {
    const QString missing = notBuilt({ConsoleProcess::binary(), MatchdProcess::binary()});
    QVERIFY2(missing.isEmpty(), qPrintable(missing));
}

void TestConsoleLive::dashboardRendersLiveServersThroughKillAndRestart() {
    MatchdProcess blue(u"blue"_s), green(u"green"_s);
    QVERIFY(blue.start());
    QVERIFY(green.start());
    ConsoleProcess console;
    const QString png = console.homePath(u"live.png"_s);
    // 20 s: time enough for the kill and the restart below under TSan too.
    QVERIFY(console.start({u"--connect"_s, blue.url() + u',' + green.url(), u"--screenshot"_s, png,
                           u"--quit-after"_s, u"20"_s}));
    QVERIFY2(console.waitForLine(receiving(u"blue"_s, blue), 15000) >= 0,
             "no data from blue reached the console");
    QVERIFY2(console.waitForLine(receiving(u"green"_s, green), 15000) >= 0,
             "no data from green reached the console");
    const qsizetype beforeKill = console.stderrLines().size();

    green.kill();  // mid-run: the console must notice, neither crash nor hang
    const QRegularExpression greenLost(u"^pulsco-console: live: "_s +
                                       QRegularExpression::escape(green.url()) + u"/v1/\\w+: "_s);
    const qsizetype lost = console.waitForLine(greenLost, 5000, beforeKill);
    QVERIFY2(lost >= 0, "the console did not report green going away");
    QVERIFY(green.start(green.port()));
    QVERIFY2(console.waitForLine(receiving(u"green"_s, green), 10000, lost + 1) >= 0,
             "the console did not receive green's data again after the restart");
    // Blue was never lost.
    QCOMPARE(console.stderrLines().filter(receiving(u"blue"_s, blue)).size(), 1);

    QCOMPARE(console.waitForExit(40000), 0);
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() > 400 && image.height() > 300);
}

void TestConsoleLive::badUrlIsRefused() {
    ConsoleProcess console;
    QVERIFY(console.start({u"--connect"_s, u"ftp://127.0.0.1:9"_s}));
    QCOMPARE(console.waitForExit(20000), 2);
    const QString err = console.stderrText();
    QVERIFY2(err.contains(u"--connect: ftp://127.0.0.1:9: must be an http://"_s), qPrintable(err));
}

QTEST_GUILESS_MAIN(TestConsoleLive)
#include "tst_console_live.moc"
