// The console's alerts reach a real Alertmanager (Debian's
// prometheus-alertmanager 0.25 on loopback; issue 18, item 5): a firing
// alert is active there with its labels and annotations, its resolve ends
// it; while Alertmanager is down the alert waits, is retried and arrives once
// it is back; the real pulsco-console, running a scenario that goes bad,
// sends the alerts its engine fires.
#include "support/AlertmanagerProcess.h"
#include "support/ConsoleProcess.h"

#include "net/alerts/AlertmanagerClient.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using pulsco::AlertmanagerAlert;
using pulsco::AlertmanagerClient;
using pulsco::test::AlertmanagerProcess;

namespace {

// The alert named `name` among those Alertmanager lists as active; empty
// when it is not there.
AlertmanagerAlert firing(const QString& name) {
    AlertmanagerAlert a;
    a.labels = {
        {u"alertname"_s, name}, {u"severity"_s, u"critical"_s}, {u"service"_s, u"pulsco"_s}};
    a.annotations = {{u"summary"_s, u"error rate above 5 %"_s}};
    a.startsAt = QDateTime::currentDateTimeUtc();
    return a;
}

}  // namespace

class TestAlertmanager : public QObject {
    Q_OBJECT
private slots:
    void badUrlsAreRefused_data();
    void badUrlsAreRefused();
    void deliversFiringThenResolved();
    void retriesUntilAlertmanagerIsBack();
    void consoleSendsItsAlerts();
};

void TestAlertmanager::badUrlsAreRefused_data() {
    QTest::addColumn<QString>("url");
    QTest::newRow("no scheme") << u"127.0.0.1:9093"_s;
    QTest::newRow("ftp") << u"ftp://127.0.0.1:9093"_s;
    QTest::newRow("no host") << u"http://"_s;
    QTest::newRow("query") << u"http://127.0.0.1:9093/?x=1"_s;
    QTest::newRow("empty") << QString();
}

void TestAlertmanager::badUrlsAreRefused() {
    QFETCH(QString, url);
    QString error;
    QVERIFY(!AlertmanagerClient::parseUrl(url, &error));
    QVERIFY2(error.startsWith(u"--alertmanager: "_s) && error.contains(u"(got '"_s + url),
             qPrintable(error));
}

void TestAlertmanager::deliversFiringThenResolved() {
    AlertmanagerProcess am;
    const QString started = am.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    AlertmanagerClient client(QUrl(am.url()));
    AlertmanagerAlert alert = firing(u"rollback-error-rate"_s);
    client.send(alert);
    QTRY_COMPARE_WITH_TIMEOUT(client.status().delivered, 1, 5000);
    QVERIFY(client.status().lastError.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!am.activeAlert(u"rollback-error-rate"_s).isEmpty(), 5000);
    const QJsonObject there = am.activeAlert(u"rollback-error-rate"_s);
    QCOMPARE(there.value(u"labels").toObject().value(u"severity").toString(), u"critical"_s);
    QCOMPARE(there.value(u"annotations").toObject().value(u"summary").toString(),
             u"error rate above 5 %"_s);
    QCOMPARE(there.value(u"status").toObject().value(u"state").toString(), u"active"_s);
    QVERIFY2(client.statusText().contains(u"1 delivered"_s), qPrintable(client.statusText()));

    alert.endsAt = QDateTime::currentDateTimeUtc();
    client.send(alert);
    QTRY_COMPARE_WITH_TIMEOUT(client.status().delivered, 2, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(am.activeAlert(u"rollback-error-rate"_s).isEmpty(), 5000);
}

void TestAlertmanager::retriesUntilAlertmanagerIsBack() {
    const quint16 port = AlertmanagerProcess::freePort();
    AlertmanagerClient client(QUrl(u"http://127.0.0.1:%1"_s.arg(port)));
    client.setMaxBackoffMs(400);
    client.send(firing(u"error-rate-high"_s));
    QTRY_VERIFY_WITH_TIMEOUT(!client.status().lastError.isEmpty(), 5000);
    QCOMPARE(client.status().waiting, 1);
    QVERIFY2(client.statusText().startsWith(u"Alertmanager: failing ("_s),
             qPrintable(client.statusText()));
    // The same alert again while failing: still one waiting, not two.
    client.send(firing(u"error-rate-high"_s));
    QCOMPARE(client.status().waiting, 1);

    AlertmanagerProcess am;
    const QString started = am.start(port);
    QVERIFY2(started.isEmpty(), qPrintable(started));
    QTRY_VERIFY_WITH_TIMEOUT(client.status().lastError.isEmpty() && client.status().delivered >= 1,
                             10000);
    QCOMPARE(client.status().waiting, 0);
    QTRY_VERIFY_WITH_TIMEOUT(!am.activeAlert(u"error-rate-high"_s).isEmpty(), 5000);
}

void TestAlertmanager::consoleSendsItsAlerts() {
    AlertmanagerProcess am;
    const QString started = am.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    pulsco::test::ConsoleProcess console;
    QVERIFY(console.start({u"--simulate"_s, u"bad-release-green"_s, u"--speed"_s, u"max"_s,
                           u"--alertmanager"_s, am.url(), u"--quit-after"_s, u"60"_s}));
    // Green goes bad at 300 s of simulated time: the rollback trigger on
    // green fires, and Alertmanager has it, labelled by the console.
    QTRY_VERIFY_WITH_TIMEOUT(!am.activeAlert(u"rollback-error-rate-green"_s).isEmpty(), 60000);
    const QJsonObject labels =
        am.activeAlert(u"rollback-error-rate-green"_s).value(u"labels").toObject();
    QCOMPARE(labels.value(u"service").toString(), u"pulsco"_s);
    QCOMPARE(labels.value(u"severity").toString(), u"critical"_s);
    QVERIFY2(labels.value(u"console_source").toString().contains(u"bad-release-green"_s),
             qPrintable(labels.value(u"console_source").toString()));
    QVERIFY(!labels.contains(u"drill"_s));
}

QTEST_MAIN(TestAlertmanager)
#include "tst_alertmanager.moc"
