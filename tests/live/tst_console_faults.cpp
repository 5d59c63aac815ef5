// The real console window, offscreen, against a misbehaving server on
// loopback (tests/live/MisbehavingServer.h): the status bar names the
// server and why, the source bar stops claiming RUNNING, the GUI event loop
// keeps turning while the server holds on, and all of it clears by itself
// once the server turns good. Set PULSCO_SCREENSHOT_DIR to keep pictures.
#include "MisbehavingServer.h"

#include "app/pulsco-console/ConsoleSourceFactory.h"
#include "app/pulsco-console/LiveServersStatus.h"
#include "ui/MainWindow.h"
#include "ui/SourceBar.h"

#include <QApplication>
#include <QDir>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace pulsco;
using Mode = MisbehavingServer::Mode;

Q_DECLARE_METATYPE(MisbehavingServer::Mode)

class TestConsoleFaults : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void statusNamesTheFaultAndRecovers_data();
    void statusNamesTheFaultAndRecovers();

private:
    QTemporaryDir m_settings;
};

void TestConsoleFaults::initTestCase() {
    // The factory reads admin tokens from the user's settings: not ours.
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
    QCoreApplication::setOrganizationName(u"pulsco-test"_s);
}

void TestConsoleFaults::statusNamesTheFaultAndRecovers_data() {
    QTest::addColumn<Mode>("mode");
    QTest::addColumn<QString>("why");
    QTest::addRow("too large") << Mode::TooLarge << u"larger than the 8 MiB cap"_s;
    QTest::addRow("garbage") << Mode::GarbageBody << u"invalid JSON"_s;
    QTest::addRow("trickle") << Mode::Trickle << u"no valid data for 3 s"_s;
}

void TestConsoleFaults::statusNamesTheFaultAndRecovers() {
    QFETCH(Mode, mode);
    QFETCH(QString, why);
    MisbehavingServer server;
    QVERIFY(server.listenOnLoopback());
    server.mode = mode;
    server.targets = MisbehavingServer::Stats | MisbehavingServer::Events;

    ConsoleSourceFactory factory;
    MainWindow window(factory);
    auto* status = new LiveServersStatus(window);
    window.resize(1280, 800);
    window.show();
    SourceRequest request;
    request.kind = SourceRequest::Kind::Live;
    request.urls = {server.url()};
    QString error;
    QVERIFY2(window.openSource(request, &error), qPrintable(error));
    QVERIFY(status->isVisible());

    int ticks = 0;
    QTimer heartbeat;
    connect(&heartbeat, &QTimer::timeout, this, [&ticks] { ++ticks; });
    heartbeat.start(20);

    QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains(server.url()) && status->text().contains(why),
                              qPrintable(status->text()), 12000);
    QVERIFY(status->text().startsWith(u"⚠ "_s));
    QVERIFY2(window.sourceBar()->stateText() != u"RUNNING"_s,
             qPrintable(window.sourceBar()->stateText()));
    // The GUI loop keeps turning while the server goes on misbehaving.
    const int atDetection = ticks;
    QTRY_VERIFY2(ticks >= atDetection + 3,
                 "the GUI event loop stalled while the server misbehaved");
    QVERIFY2(status->text().startsWith(u"⚠ "_s), qPrintable(status->text()));
    if (const QByteArray dir = qgetenv("PULSCO_SCREENSHOT_DIR"); !dir.isEmpty()) {
        QDir().mkpath(QString::fromLocal8Bit(dir));
        window.grab().save(QString::fromLocal8Bit(dir) + u"/console-faulty-"_s +
                           QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-') +
                           u".png"_s);
    }

    server.mode = Mode::Good;
    QTRY_VERIFY2_WITH_TIMEOUT(status->text() == u"blue "_s + server.url() + u": push"_s,
                              qPrintable(status->text()), 15000);
    QTRY_COMPARE_WITH_TIMEOUT(window.sourceBar()->stateText(), u"RUNNING"_s, 5000);
    const int before = ticks;
    QTRY_VERIFY(ticks > before);
}

QTEST_MAIN(TestConsoleFaults)
#include "tst_console_faults.moc"
