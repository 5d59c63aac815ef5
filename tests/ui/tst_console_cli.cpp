// The built pulsco-console binary, driven as users and scripts drive it:
// --screenshot writes a PNG of the asked size, bad input exits 2 with the
// file/flag named, an unwritable screenshot exits 1.
#include "support/ShippedFiles.h"

#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct Run {
    int exitCode = -1;
    QString stdErr;
    QString stdOut;
};

// `headless`: as on a server or in CI, with no display at all and no
// platform chosen (no DISPLAY, WAYLAND_DISPLAY or QT_QPA_PLATFORM).
Run runConsole(const QStringList& args, const QString& configHome, bool headless = false) {
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (headless) {
        for (const QString& name : {u"DISPLAY"_s, u"WAYLAND_DISPLAY"_s, u"QT_QPA_PLATFORM"_s})
            env.remove(name);
    } else {
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    }
    env.insert(u"XDG_CONFIG_HOME"_s, configHome);  // never the user's settings
    env.insert(u"XDG_DATA_HOME"_s, configHome);    // nor the user's console store
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(PULSCO_BINARY_DIR "/bin/pulsco-console"), args);
    Run run;
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished();
        run.stdErr = u"timed out"_s;
        return run;
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.stdErr = QString::fromLocal8Bit(process.readAllStandardError());
    run.stdOut = QString::fromLocal8Bit(process.readAllStandardOutput());
    return run;
}

}  // namespace

class TestConsoleCli : public QObject {
    Q_OBJECT
private slots:
    void screenshot_data() {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QSize>("size");
        QTest::addRow("default 1280x800") << QStringList{} << QSize(1280, 800);
        QTest::addRow("rollout page") << QStringList{u"--page"_s, u"rollout"_s} << QSize(1280, 800);
        QTest::addRow("drills page") << QStringList{u"--page"_s, u"drills"_s} << QSize(1280, 800);
        QTest::addRow("1920x1080 dark")
            << QStringList{u"--size"_s, u"1920x1080"_s, u"--theme"_s, u"dark"_s}
            << QSize(1920, 1080);
    }
    void screenshot() {
        QFETCH(QStringList, extra);
        QFETCH(QSize, size);
        QTemporaryDir dir;
        const QString png = dir.filePath(u"shot.png"_s);
        const Run run =
            runConsole(QStringList{u"--screenshot"_s, png, u"--quit-after"_s, u"2"_s} + extra,
                       dir.filePath(u"config"_s));
        QVERIFY2(run.exitCode == 0, qPrintable(run.stdErr));
        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), size);
        // Not a blank image: a rendered window has many distinct colours.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7) {
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        }
        QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
    }

    void refusals_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("mentions");
        QTest::addRow("connect bad scheme") << QStringList{u"--connect"_s, u"ftp://127.0.0.1:9"_s}
                                            << 2 << u"--connect: ftp://127.0.0.1:9"_s;
        QTest::addRow("unknown page")
            << QStringList{u"--page"_s, u"settings"_s} << 2 << u"--page"_s;
        QTest::addRow("unknown item") << QStringList{u"--item"_s, u"p9.nothing"_s} << 2
                                      << u"--item: no checklist item \"p9.nothing\""_s;
        QTest::addRow("missing scenario file")
            << QStringList{u"--simulate"_s, u"/nonexistent/x.json"_s} << 2
            << u"/nonexistent/x.json"_s;
        QTest::addRow("bad flag") << QStringList{u"--frobnicate"_s} << 2 << u"frobnicate"_s;
        QTest::addRow("unwritable screenshot")
            << QStringList{u"--screenshot"_s, u"/proc/pulsco/x.png"_s, u"--quit-after"_s, u"1"_s}
            << 1 << u"/proc/pulsco/x.png"_s;
    }
    void refusals() {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, mentions);
        QTemporaryDir dir;
        const Run run = runConsole(args, dir.filePath(u"config"_s));
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY2(run.stdErr.contains(mentions), qPrintable(run.stdErr));
    }

    // Issue #14 item 5: the command line answers without a display; only
    // the window needs a platform plugin.
    void withoutADisplay_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("stdoutHas");
        QTest::addColumn<QString>("stderrHas");
        QTest::addRow("--help") << QStringList{u"--help"_s} << 0 << u"--simulate"_s << QString();
        QTest::addRow("-h") << QStringList{u"-h"_s} << 0 << u"--screenshot"_s << QString();
        QTest::addRow("--version")
            << QStringList{u"--version"_s} << 0 << u"pulsco-console "_s << QString();
        QTest::addRow("unknown flag")
            << QStringList{u"--frobnicate"_s} << 2 << QString() << u"frobnicate"_s;
        QTest::addRow("bad value")
            << QStringList{u"--speed"_s, u"fast"_s} << 2 << QString() << u"--speed: must be"_s;
        QTest::addRow("missing value") << QStringList{u"--page"_s} << 2 << QString() << u"page"_s;
        QTest::addRow("Qt's own -platform is not a console flag")
            << QStringList{u"-platform"_s, u"offscreen"_s, u"--help"_s} << 0 << u"--simulate"_s
            << QString();
    }
    void withoutADisplay() {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, stdoutHas);
        QFETCH(QString, stderrHas);
        QTemporaryDir dir;
        const Run run = runConsole(args, dir.filePath(u"config"_s), true);
        QVERIFY2(run.exitCode == exitCode,
                 qPrintable(u"exit %1, stderr: %2"_s.arg(run.exitCode).arg(run.stdErr)));
        if (!stdoutHas.isEmpty())
            QVERIFY2(run.stdOut.contains(stdoutHas), qPrintable(run.stdOut));
        if (!stderrHas.isEmpty()) {
            QVERIFY2(run.stdErr.contains(stderrHas), qPrintable(run.stdErr));
            QVERIFY2(run.stdErr.startsWith(u"pulsco-console: "_s), qPrintable(run.stdErr));
            QVERIFY(run.stdOut.isEmpty());
        }
        QVERIFY2(!run.stdErr.contains(u"display"_s, Qt::CaseInsensitive), qPrintable(run.stdErr));
        QVERIFY2(!run.stdErr.contains(u"platform plugin"_s), qPrintable(run.stdErr));
    }

    void badScenarioNamesFileAndField() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"bad.json"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(pulsco::test::baselineWith(u"population"_s, u"players"_s, 0));
        file.close();
        const Run run = runConsole({u"--simulate"_s, path}, dir.filePath(u"config"_s));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.stdErr.contains(path), qPrintable(run.stdErr));
        QVERIFY2(run.stdErr.contains(u"population.players"_s), qPrintable(run.stdErr));
    }
};

QTEST_GUILESS_MAIN(TestConsoleCli)
#include "tst_console_cli.moc"
