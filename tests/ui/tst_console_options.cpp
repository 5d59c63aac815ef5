// pulsco-console's command line: good flags parse, bad ones are refused
// with the flag named and why.
#include "app/pulsco-console/ConsoleOptions.h"

#include <QTest>

using namespace pulsco;
using namespace Qt::StringLiterals;

class TestConsoleOptions : public QObject {
    Q_OBJECT
private slots:
    void good_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QString>("page");
        QTest::addColumn<double>("quitAfter");
        QTest::addColumn<QSize>("size");
        QTest::addColumn<double>("speed");  // -1 = not given
        QTest::addRow("no arguments")
            << QStringList{} << QString() << u"dashboard"_s << 0.0 << QSize() << -1.0;
        QTest::addRow("simulate file") << QStringList{u"--simulate"_s, u"x.json"_s} << u"x.json"_s
                                       << u"dashboard"_s << 0.0 << QSize() << -1.0;
        QTest::addRow("screenshot")
            << QStringList{u"--screenshot"_s, u"/tmp/a.png"_s, u"--quit-after"_s, u"5"_s,
                           u"--size"_s,       u"1920x1080"_s}
            << QString() << u"dashboard"_s << 5.0 << QSize(1920, 1080) << -1.0;
        QTest::addRow("speed max") << QStringList{u"--speed"_s, u"max"_s} << QString()
                                   << u"dashboard"_s << 0.0 << QSize() << 0.0;
        QTest::addRow("speed 100 and page")
            << QStringList{u"--speed"_s, u"100"_s, u"--page"_s, u"rollout"_s} << QString()
            << u"rollout"_s << 0.0 << QSize() << 100.0;
    }
    void good() {
        QFETCH(QStringList, args);
        QFETCH(QString, scenario);
        QFETCH(QString, page);
        QFETCH(double, quitAfter);
        QFETCH(QSize, size);
        QFETCH(double, speed);
        args.prepend(u"pulsco-console"_s);
        const ConsoleOptionsParse parsed = parseConsoleOptions(args);
        QVERIFY2(parsed.options, qPrintable(parsed.error));
        QCOMPARE(parsed.options->scenario, scenario);
        QCOMPARE(parsed.options->page, page);
        QCOMPARE(parsed.options->quitAfterSeconds, quitAfter);
        QCOMPARE(parsed.options->size, size);
        QCOMPARE(parsed.options->speed.value_or(-1.0), speed);
    }

    void bad_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::addRow("unknown flag") << QStringList{u"--bogus"_s} << u"bogus"_s;
        QTest::addRow("positional") << QStringList{u"stray"_s} << u"stray"_s;
        QTest::addRow("bad page") << QStringList{u"--page"_s, u"alerts"_s} << u"--page"_s;
        QTest::addRow("screenshot without quit-after")
            << QStringList{u"--screenshot"_s, u"a.png"_s} << u"--quit-after"_s;
        QTest::addRow("quit-after zero")
            << QStringList{u"--quit-after"_s, u"0"_s} << u"--quit-after"_s;
        QTest::addRow("quit-after text")
            << QStringList{u"--quit-after"_s, u"soon"_s} << u"--quit-after"_s;
        QTest::addRow("size junk") << QStringList{u"--size"_s, u"big"_s} << u"--size"_s;
        QTest::addRow("size too small") << QStringList{u"--size"_s, u"100x100"_s} << u"--size"_s;
        QTest::addRow("speed negative") << QStringList{u"--speed"_s, u"-3"_s} << u"--speed"_s;
        QTest::addRow("players zero") << QStringList{u"--players"_s, u"0"_s} << u"--players"_s;
        QTest::addRow("players huge")
            << QStringList{u"--players"_s, u"2000000"_s} << u"--players"_s;
        QTest::addRow("theme") << QStringList{u"--theme"_s, u"blue"_s} << u"--theme"_s;
        QTest::addRow("connect and simulate")
            << QStringList{u"--connect"_s, u"http://127.0.0.1:8080"_s, u"--simulate"_s, u"a.json"_s}
            << u"choose one"_s;
        QTest::addRow("connect empty") << QStringList{u"--connect"_s, u","_s} << u"--connect"_s;
    }
    void bad() {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        args.prepend(u"pulsco-console"_s);
        const ConsoleOptionsParse parsed = parseConsoleOptions(args);
        QVERIFY(!parsed.options);
        QVERIFY2(parsed.error.contains(mentions), qPrintable(parsed.error));
    }

    void help() {
        const ConsoleOptionsParse parsed = parseConsoleOptions({u"pulsco-console"_s, u"--help"_s});
        QVERIFY(!parsed.options);
        QVERIFY(parsed.helpText.contains(u"--simulate"_s));
        QVERIFY(parsed.helpText.contains(u"--screenshot"_s));
        QVERIFY(!parsed.helpText.contains(u"--bench-report"_s));  // hidden
    }

    // main() parses before QApplication exists: Qt's own GUI options are
    // left to QApplication, everything else is the console's.
    void qtGuiArgumentsAreLeftToQApplication_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QStringList>("kept");
        const QString exe = u"pulsco-console"_s;
        QTest::addRow("none") << QStringList{exe} << QStringList{exe};
        QTest::addRow("-platform offscreen")
            << QStringList{exe, u"-platform"_s, u"offscreen"_s, u"--page"_s, u"drills"_s}
            << QStringList{exe, u"--page"_s, u"drills"_s};
        QTest::addRow("-style=fusion -reverse")
            << QStringList{exe, u"-style=fusion"_s, u"-reverse"_s, u"--speed"_s, u"10"_s}
            << QStringList{exe, u"--speed"_s, u"10"_s};
        QTest::addRow("console flags and values untouched")
            << QStringList{exe, u"--simulate"_s, u"style"_s, u"--frobnicate"_s}
            << QStringList{exe, u"--simulate"_s, u"style"_s, u"--frobnicate"_s};
        QTest::addRow("after --") << QStringList{exe, u"--"_s, u"-platform"_s}
                                  << QStringList{exe, u"--"_s, u"-platform"_s};
    }
    void qtGuiArgumentsAreLeftToQApplication() {
        QFETCH(QStringList, args);
        QFETCH(QStringList, kept);
        QCOMPARE(withoutQtGuiArguments(args), kept);
    }
};

QTEST_GUILESS_MAIN(TestConsoleOptions)
#include "tst_console_options.moc"
