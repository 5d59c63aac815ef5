// The real pulsco-console, offscreen, against real pulsco-matchd processes:
// --connect renders the Dashboard from live data (blue and green), keeps
// running while a server is killed and restarted mid-run, and refuses a bad
// URL with exit 2 naming --connect.
#include "ConsoleProcess.h"
#include "MatchdProcess.h"

#include <QImage>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

using pulsco::test::consoleBinary;
using pulsco::test::isolatedEnvironment;

}  // namespace

class TestConsoleLive : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void dashboardRendersLiveServersThroughKillAndRestart();
    void badUrlIsRefused();
};

void TestConsoleLive::initTestCase() {
    if (!QFile::exists(consoleBinary()))
        QSKIP("pulsco-console is not built in this tree");
}

void TestConsoleLive::dashboardRendersLiveServersThroughKillAndRestart() {
    MatchdProcess blue(u"blue"_s), green(u"green"_s);
    QVERIFY(blue.start());
    QVERIFY(green.start());
    QTemporaryDir home;
    const QString png = home.filePath(u"live.png"_s);
    QProcess console;
    console.setProcessEnvironment(isolatedEnvironment(home));
    console.setProcessChannelMode(QProcess::ForwardedChannels);
    console.start(consoleBinary(), {u"--connect"_s, blue.url() + u',' + green.url(),
                                    u"--screenshot"_s, png, u"--quit-after"_s, u"6"_s});
    QVERIFY(console.waitForStarted(5000));
    QTest::qWait(1500);
    green.kill();  // mid-run: the console must neither crash nor hang
    QTest::qWait(1500);
    QVERIFY(green.start(green.port()));
    QVERIFY(console.waitForFinished(30000));
    QCOMPARE(console.exitStatus(), QProcess::NormalExit);
    QCOMPARE(console.exitCode(), 0);
    const QImage image(png);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() > 400 && image.height() > 300);
}

void TestConsoleLive::badUrlIsRefused() {
    QTemporaryDir home;
    QProcess console;
    console.setProcessEnvironment(isolatedEnvironment(home));
    console.start(consoleBinary(), {u"--connect"_s, u"ftp://127.0.0.1:9"_s});
    QVERIFY(console.waitForFinished(20000));
    QCOMPARE(console.exitCode(), 2);
    const QString err = QString::fromUtf8(console.readAllStandardError());
    QVERIFY2(err.contains(u"--connect: ftp://127.0.0.1:9: must be an http://"_s), qPrintable(err));
}

QTEST_GUILESS_MAIN(TestConsoleLive)
#include "tst_console_live.moc"
