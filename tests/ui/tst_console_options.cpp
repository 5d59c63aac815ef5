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
        QTest::addRow("item opens the rollout page")
            << QStringList{u"--item"_s, u"p1.criteria.database-migrations-tested-and-rollb"_s}
            << QString() << u"rollout"_s << 0.0 << QSize() << -1.0;
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

    void alertmanager() {
        const ConsoleOptionsParse parsed =
            parseConsoleOptions({u"pulsco-console"_s, u"--alertmanager"_s,
                                 u"http://127.0.0.1:9093"_s, u"--alertmanager-drills"_s});
        QVERIFY2(parsed.options, qPrintable(parsed.error));
        QCOMPARE(parsed.options->alertmanager,
                 std::optional<QUrl>(QUrl(u"http://127.0.0.1:9093"_s)));
        QVERIFY(parsed.options->alertmanagerDrills);
        const ConsoleOptionsParse none = parseConsoleOptions({u"pulsco-console"_s});
        QVERIFY(!none.options->alertmanager && !none.options->alertmanagerDrills);
    }

    void surgeTarget() {
        const ConsoleOptionsParse parsed =
            parseConsoleOptions({u"pulsco-console"_s, u"--surge-target"_s,
                                 u"http://127.0.0.1:8000"_s, u"--surge-players"_s, u"300"_s});
        QVERIFY2(parsed.options, qPrintable(parsed.error));
        QCOMPARE(parsed.options->surgeTarget, u"http://127.0.0.1:8000"_s);
        QCOMPARE(parsed.options->surgePlayers, 300);
        const ConsoleOptionsParse none = parseConsoleOptions({u"pulsco-console"_s});
        QVERIFY(none.options->surgeTarget.isEmpty());
        QCOMPARE(none.options->surgePlayers, 1000);
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
        QTest::addRow("item with another page")
            << QStringList{u"--item"_s, u"p1.x"_s, u"--page"_s, u"drills"_s} << u"--item"_s;
        QTest::addRow("item empty") << QStringList{u"--item"_s, u" "_s} << u"--item"_s;
        QTest::addRow("alertmanager not a URL")
            << QStringList{u"--alertmanager"_s, u"localhost:9093"_s} << u"--alertmanager:"_s;
        QTest::addRow("surge target not http")
            << QStringList{u"--surge-target"_s, u"ftp://127.0.0.1:8000"_s}
            << u"--surge-target: \"ftp://127.0.0.1:8000\" is not an http:// or https:// URL"_s;
        QTest::addRow("surge players zero")
            << QStringList{u"--surge-target"_s, u"http://127.0.0.1:8000"_s, u"--surge-players"_s,
                           u"0"_s}
            << u"--surge-players: must be a whole number from 1 to 1000000 (got \"0\")"_s;
        QTest::addRow("surge players alone") << QStringList{u"--surge-players"_s, u"500"_s}
                                             << u"--surge-players: needs --surge-target"_s;
        QTest::addRow("alertmanager drills alone")
            << QStringList{u"--alertmanager-drills"_s} << u"--alertmanager-drills: needs"_s;
        QTest::addRow("connect and simulate")
            << QStringList{u"--connect"_s, u"http://127.0.0.1:8080"_s, u"--simulate"_s, u"a.json"_s}
            << u"choose one"_s;
        QTest::addRow("connect empty") << QStringList{u"--connect"_s, u","_s} << u"--connect"_s;
        const QString url = u"http://127.0.0.1:8080"_s;
        QTest::addRow("haproxy without connect")
            << QStringList{u"--haproxy"_s, u"127.0.0.1:9999"_s} << u"only for live servers"_s;
        QTest::addRow("haproxy and webhook")
            << QStringList{u"--connect"_s, url, u"--haproxy"_s, u"127.0.0.1:9999"_s, u"--webhook"_s,
                           u"http://h/x"_s}
            << u"choose one traffic controller"_s;
        QTest::addRow("haproxy servers alone")
            << QStringList{u"--connect"_s, url, u"--haproxy-servers"_s, u"a,b"_s}
            << u"only with --haproxy"_s;
        QTest::addRow("haproxy one server")
            << QStringList{u"--connect"_s,         url,      u"--haproxy"_s, u"127.0.0.1:9999"_s,
                           u"--haproxy-servers"_s, u"blue"_s}
            << u"--haproxy-servers: needs two names"_s;
        QTest::addRow("haproxy same servers")
            << QStringList{u"--connect"_s,         url,     u"--haproxy"_s, u"127.0.0.1:9999"_s,
                           u"--haproxy-servers"_s, u"x,x"_s}
            << u"blue and green are both 'x'"_s;
        QTest::addRow("haproxy bad backend")
            << QStringList{u"--connect"_s,         url,     u"--haproxy"_s, u"127.0.0.1:9999"_s,
                           u"--haproxy-backend"_s, u"a b"_s}
            << u"--haproxy-backend: 'a b'"_s;
        QTest::addRow("haproxy spare alone")
            << QStringList{u"--connect"_s, url, u"--haproxy-spare"_s, u"s2"_s}
            << u"only with --haproxy"_s;
        QTest::addRow("haproxy spare is blue")
            << QStringList{u"--connect"_s,       url,      u"--haproxy"_s, u"127.0.0.1:9999"_s,
                           u"--haproxy-spare"_s, u"blue"_s}
            << u"--haproxy-spare: 'blue' is already blue's or green's server"_s;
        QTest::addRow("haproxy spare bad name")
            << QStringList{u"--connect"_s,       url,     u"--haproxy"_s, u"127.0.0.1:9999"_s,
                           u"--haproxy-spare"_s, u"a b"_s}
            << u"--haproxy-spare: 'a b' is not a HAProxy server name"_s;
        QTest::addRow("webhook not http")
            << QStringList{u"--connect"_s, url, u"--webhook"_s, u"ftp://h/x"_s}
            << u"--webhook: 'ftp://h/x' is not an http:// or https:// URL"_s;
    }

    void trafficControllerFlags() {
        const ConsoleOptionsParse parsed = parseConsoleOptions(
            {u"pulsco-console"_s, u"--connect"_s, u"http://127.0.0.1:8080"_s, u"--haproxy"_s,
             u"unix:/run/haproxy/admin.sock"_s, u"--haproxy-backend"_s, u"mm"_s,
             u"--haproxy-servers"_s, u"b1,g1"_s, u"--haproxy-spare"_s, u"s1"_s});
        QVERIFY2(parsed.options, qPrintable(parsed.error));
        QVERIFY(parsed.options->traffic);
        const TrafficControllerConfig& t = *parsed.options->traffic;
        QVERIFY(t.kind == TrafficControllerConfig::Kind::Haproxy);
        QCOMPARE(t.haproxyAddress, u"unix:/run/haproxy/admin.sock"_s);
        QCOMPARE(t.haproxyBackend, u"mm"_s);
        QCOMPARE(t.haproxyBlueServer, u"b1"_s);
        QCOMPARE(t.haproxyGreenServer, u"g1"_s);
        QCOMPARE(t.haproxySpareServer, u"s1"_s);
        // Saved with the server set and read back the same.
        QString error;
        QCOMPARE(TrafficControllerConfig::fromVariant(t.toVariant(), &error), t);
        QVERIFY(error.isEmpty());
        QVariantMap broken = t.toVariant();
        broken[u"kind"_s] = u"nginx"_s;
        const TrafficControllerConfig fallback =
            TrafficControllerConfig::fromVariant(broken, &error);
        QVERIFY(fallback.kind == TrafficControllerConfig::Kind::Manual);
        QVERIFY2(error.contains(u"kind 'nginx'"_s), qPrintable(error));

        qputenv("PULSCO_WEBHOOK_TOKEN", "tok");
        const ConsoleOptionsParse hook =
            parseConsoleOptions({u"pulsco-console"_s, u"--connect"_s, u"http://127.0.0.1:8080"_s,
                                 u"--webhook"_s, u"https://switch.example/x"_s});
        qunsetenv("PULSCO_WEBHOOK_TOKEN");
        QVERIFY2(hook.options && hook.options->traffic, qPrintable(hook.error));
        QVERIFY(hook.options->traffic->kind == TrafficControllerConfig::Kind::Webhook);
        QCOMPARE(hook.options->traffic->webhookToken, u"tok"_s);
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
