// The real pulsco-console reading real blue and green pulsco-matchd through
// a real Prometheus (issue 18, item 2: "a Source like the others: every
// page, gate and alert works on it"). The console names both colours as up;
// green then fails half its API requests (an error_rate fault through its
// admin API, never through Prometheus): the console's own alert engine,
// fed only by PromQL, fires the green rollback trigger, which reaches a
// real Alertmanager labelled with the Prometheus source; killing green
// makes the console say it is down.
#include "support/AlertmanagerProcess.h"
#include "support/ConsoleProcess.h"
#include "support/HttpTestClient.h"
#include "support/MatchdProcess.h"
#include "support/PrometheusProcess.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>
#include <QTimer>
#include <QUrl>

using namespace Qt::StringLiterals;
using pulsco::test::AlertmanagerProcess;
using pulsco::test::http;
using pulsco::test::MatchdProcess;
using pulsco::test::PrometheusProcess;

namespace {

const QByteArray kToken = "console-prometheus-token";

QString hostPort(const MatchdProcess& server) {
    return QUrl(server.url()).authority();
}

}  // namespace

class TestConsolePrometheus : public QObject {
    Q_OBJECT
private slots:
    void refusesBadOptions_data();
    void refusesBadOptions();
    void alertsFireThroughPrometheus();
};

void TestConsolePrometheus::refusesBadOptions_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("says");
    QTest::newRow("bad url") << QStringList{u"--prometheus"_s, u"localhost:9090"_s}
                             << u"--prometheus: localhost:9090: must be an http:// or https://"_s;
    QTest::newRow("bad selector")
        << QStringList{u"--prometheus"_s, u"http://127.0.0.1:9"_s, u"--selector"_s, u"job"_s}
        << u"--prometheus: selector job: must be label matchers in braces"_s;
    QTest::newRow("two sources") << QStringList{u"--prometheus"_s, u"http://127.0.0.1:9"_s,
                                                u"--connect"_s, u"http://127.0.0.1:8"_s}
                                 << u"--prometheus: choose one source (not with --connect)"_s;
    QTest::newRow("selector alone") << QStringList{u"--selector"_s, u"{job=\"x\"}"_s}
                                    << u"--selector: only with --prometheus"_s;
}

void TestConsolePrometheus::refusesBadOptions() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, says);
    pulsco::test::ConsoleProcess console;
    QVERIFY(console.start(arguments));
    QVERIFY(console.waitForLine(QRegularExpression(QRegularExpression::escape(says)), 20000) >= 0);
    QCOMPARE(console.waitForExit(20000), 2);
}

void TestConsolePrometheus::alertsFireThroughPrometheus() {
    MatchdProcess blue(u"blue"_s), green(u"green"_s, kToken);
    QVERIFY(blue.start());
    QVERIFY(green.start());
    PrometheusProcess prometheus;
    QString started =
        prometheus.start(PrometheusProcess::scrapeConfig({hostPort(blue), hostPort(green)}));
    QVERIFY2(started.isEmpty(), qPrintable(started));
    AlertmanagerProcess am;
    started = am.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));

    // Steady API traffic on both colours for the whole test.
    int sent = 0;
    QTimer load;
    load.setInterval(20);
    connect(&load, &QTimer::timeout, this, [&] {
        for (const MatchdProcess* server : {&blue, &green})
            if (server->running())
                http(server->port(), "POST", "/v1/tickets",
                     pulsco::test::soloTicket("ranked-5v5", "p" + QByteArray::number(++sent)));
    });
    load.start();

    pulsco::test::ConsoleProcess console;
    QVERIFY(
        console.start({u"--prometheus"_s, prometheus.url(), u"--selector"_s, u"{job=\"pulsco\"}"_s,
                       u"--alertmanager"_s, am.url(), u"--quit-after"_s, u"90"_s}));
    const QString both = u"blue %1: up · green %2: up"_s.arg(hostPort(blue), hostPort(green));
    QVERIFY(console.waitForLine(QRegularExpression(QRegularExpression::escape(both)), 30000) >= 0);

    // Green fails half its requests: a fault on the server itself.
    const auto injected =
        http(green.port(), "POST", "/v1/admin/faults", R"({"kind":"error_rate","share":0.5})",
             "Authorization: Bearer " + kToken + "\r\n");
    QCOMPARE(injected.status, 201);
    QTRY_VERIFY_WITH_TIMEOUT(!am.activeAlert(u"rollback-error-rate-green"_s).isEmpty(), 40000);
    const QJsonObject labels =
        am.activeAlert(u"rollback-error-rate-green"_s).value(u"labels").toObject();
    QVERIFY2(labels.value(u"console_source").toString().contains(u"Prometheus"_s),
             qPrintable(labels.value(u"console_source").toString()));

    // Green killed: the console says so, naming it.
    green.kill();
    const QString down = u"green %1: down (up == 0)"_s.arg(hostPort(green));
    QVERIFY(console.waitForLine(QRegularExpression(QRegularExpression::escape(down)), 20000) >= 0);
    load.stop();
}

QTEST_GUILESS_MAIN(TestConsolePrometheus)
#include "tst_console_prometheus.moc"
