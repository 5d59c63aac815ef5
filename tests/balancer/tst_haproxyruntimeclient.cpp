// The runtime API client against a real haproxy (tests/support/
// HaproxyProcess.h): weights set and read back over TCP and a Unix socket,
// HAProxy's text errors surfaced as errors naming the command, a socket at
// level operator refusing `set server`, and dead or silent addresses giving
// an error within the deadline.
#include "net/balancer/HaproxyRuntimeClient.h"
#include "support/HaproxyProcess.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;
using namespace pulsco;
using Expect = HaproxyRuntimeClient::Expect;

namespace {

// Servers that never get traffic here: only their runtime state is used.
const QString kConfig = uR"(global
    stats socket ipv4@127.0.0.1:@ADMIN_PORT@ level admin
    stats socket ipv4@127.0.0.1:@OPERATOR_PORT@ level operator
    stats socket @DIR@/admin.sock mode 600 level admin
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend fe
    bind 127.0.0.1:@FRONTEND_PORT@
    default_backend pulsco
backend pulsco
    balance roundrobin
    server blue 127.0.0.1:9 weight 100
    server green 127.0.0.1:9 weight 100
)"_s;

HaproxyAddress tcp(quint16 port) {
    HaproxyAddress a;
    a.host = u"127.0.0.1"_s;
    a.port = port;
    return a;
}

HaproxyAddress unixSocket(const QString& path) {
    HaproxyAddress a;
    a.kind = HaproxyAddress::Kind::Unix;
    a.path = path;
    return a;
}

// Sends one command and waits for its answer (the event loop runs).
HaproxyRuntimeClient::Answer ask(HaproxyRuntimeClient& client, const QString& command,
                                 Expect expect, int waitMs = 10000) {
    std::optional<HaproxyRuntimeClient::Answer> got;
    client.send(command, expect, [&](const HaproxyRuntimeClient::Answer& a) { got = a; });
    QElapsedTimer t;
    t.start();
    while (!got && t.elapsed() < waitMs)
        QTest::qWait(5);
    if (!got) {
        HaproxyRuntimeClient::Answer none;
        none.error = u"test: no callback within %1 ms"_s.arg(waitMs);
        return none;
    }
    return *got;
}

}  // namespace

class TestHaproxyRuntimeClient : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void setAndGetWeightRoundTrip();
    void overUnixSocket();
    void haproxyErrorsNameTheCommand_data();
    void haproxyErrorsNameTheCommand();
    void operatorLevelRefusesSetServer();
    void commandsAnswerInOrder();
    void refusedAddressFailsFast();
    void missingUnixSocket();
    void silentPeerTimesOut();
    void multiCommandRefused();

private:
    std::unique_ptr<test::HaproxyProcess> m_haproxy;
};

void TestHaproxyRuntimeClient::initTestCase() {
    m_haproxy = std::make_unique<test::HaproxyProcess>(kConfig);
    const QString error = m_haproxy->start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestHaproxyRuntimeClient::setAndGetWeightRoundTrip() {
    HaproxyRuntimeClient client(tcp(m_haproxy->adminPort()));
    const auto set = ask(client, u"set server pulsco/green weight 42"_s, Expect::Nothing);
    QVERIFY2(set.ok, qPrintable(set.error));
    QCOMPARE(set.text, QString());
    const auto get = ask(client, u"get weight pulsco/green"_s, Expect::Text);
    QVERIFY2(get.ok, qPrintable(get.error));
    QCOMPARE(get.text, u"42 (initial 100)"_s);
    // And HAProxy itself agrees (read with another client).
    QCOMPARE(m_haproxy->runtime(u"get weight pulsco/green"_s).trimmed(), u"42 (initial 100)"_s);
    QVERIFY(ask(client, u"set server pulsco/green weight 100"_s, Expect::Nothing).ok);
}

void TestHaproxyRuntimeClient::overUnixSocket() {
    HaproxyRuntimeClient client(unixSocket(m_haproxy->dir() + u"/admin.sock"_s));
    QVERIFY(ask(client, u"set server pulsco/blue weight 7"_s, Expect::Nothing).ok);
    const auto get = ask(client, u"get weight pulsco/blue"_s, Expect::Text);
    QVERIFY2(get.ok, qPrintable(get.error));
    QCOMPARE(get.text, u"7 (initial 100)"_s);
    QVERIFY(ask(client, u"set server pulsco/blue weight 100"_s, Expect::Nothing).ok);
}

void TestHaproxyRuntimeClient::haproxyErrorsNameTheCommand_data() {
    QTest::addColumn<QString>("command");
    QTest::addColumn<bool>("action");
    QTest::addColumn<QString>("why");
    QTest::addRow("set unknown server")
        << u"set server pulsco/nope weight 1"_s << true << u"No such server."_s;
    QTest::addRow("get unknown server")
        << u"get weight pulsco/nope"_s << false << u"No such server."_s;
    QTest::addRow("get unknown backend")
        << u"get weight nope/blue"_s << false << u"No such backend."_s;
    QTest::addRow("weight out of range")
        << u"set server pulsco/blue weight 300"_s << true
        << u"Absolute weight can only be between 0 and 256 inclusive."_s;
    // Only the first line: the rest of HAProxy's answer is its help text.
    QTest::addRow("unknown command")
        << u"frobnicate"_s << false
        << u"Unknown command, but maybe one of the following ones is a better match:"_s;
}

void TestHaproxyRuntimeClient::haproxyErrorsNameTheCommand() {
    QFETCH(QString, command);
    QFETCH(bool, action);
    QFETCH(QString, why);
    HaproxyRuntimeClient client(tcp(m_haproxy->adminPort()));
    QSignalSpy failed(&client, &HaproxyRuntimeClient::failed);
    const auto a = ask(client, command, action ? Expect::Nothing : Expect::Text);
    QVERIFY(!a.ok);
    QCOMPARE(a.error,
             u"haproxy 127.0.0.1:%1: '%2': %3"_s.arg(m_haproxy->adminPort()).arg(command, why));
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.at(0).at(2).toString(), a.error);
}

void TestHaproxyRuntimeClient::operatorLevelRefusesSetServer() {
    HaproxyRuntimeClient client(tcp(m_haproxy->operatorPort()));
    // Reading works at level operator...
    QVERIFY(ask(client, u"get weight pulsco/blue"_s, Expect::Text).ok);
    // ...changing a server does not.
    const auto a = ask(client, u"set server pulsco/blue weight 5"_s, Expect::Nothing);
    QVERIFY(!a.ok);
    QCOMPARE(a.error, u"haproxy 127.0.0.1:%1: 'set server pulsco/blue weight 5': Permission "
                      "denied"_s.arg(m_haproxy->operatorPort()));
    QCOMPARE(m_haproxy->runtime(u"get weight pulsco/blue"_s).trimmed(), u"100 (initial 100)"_s);
}

void TestHaproxyRuntimeClient::commandsAnswerInOrder() {
    HaproxyRuntimeClient client(tcp(m_haproxy->adminPort()));
    QStringList order;
    for (int w : {11, 12, 13}) {
        const QString set = u"set server pulsco/green weight %1"_s.arg(w);
        client.send(set, Expect::Nothing,
                    [&order, set](const auto& a) { order << (a.ok ? set : a.error); });
        client.send(u"get weight pulsco/green"_s, Expect::Text,
                    [&order](const auto& a) { order << (a.ok ? a.text : a.error); });
    }
    QCOMPARE(client.pending(), 6);
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 6, 10000);
    QCOMPARE(order, QStringList({u"set server pulsco/green weight 11"_s, u"11 (initial 100)"_s,
                                 u"set server pulsco/green weight 12"_s, u"12 (initial 100)"_s,
                                 u"set server pulsco/green weight 13"_s, u"13 (initial 100)"_s}));
    QCOMPARE(client.pending(), 0);
    QVERIFY(ask(client, u"set server pulsco/green weight 100"_s, Expect::Nothing).ok);
}

void TestHaproxyRuntimeClient::refusedAddressFailsFast() {
    const quint16 dead = test::HaproxyProcess::freePort();
    HaproxyRuntimeClient client(tcp(dead));
    QElapsedTimer t;
    t.start();
    const auto a = ask(client, u"show stat"_s, Expect::Text);
    QVERIFY(!a.ok);
    QVERIFY2(t.elapsed() < client.timeoutMs() + 500, qPrintable(QString::number(t.elapsed())));
    QCOMPARE(a.error, u"haproxy 127.0.0.1:%1: 'show stat': connection refused (is HAProxy "
                      "running with a stats socket on this address?)"_s.arg(dead));
}

void TestHaproxyRuntimeClient::missingUnixSocket() {
    const QString path = m_haproxy->dir() + u"/no-such.sock"_s;
    HaproxyRuntimeClient client(unixSocket(path));
    const auto a = ask(client, u"show stat"_s, Expect::Text);
    QVERIFY(!a.ok);
    QCOMPARE(a.error, u"haproxy unix:%1: 'show stat': socket missing (no such file)"_s.arg(path));
}

void TestHaproxyRuntimeClient::silentPeerTimesOut() {
    // Accepts, reads, never answers nor closes: a hung HAProxy.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    HaproxyRuntimeClient client(tcp(silent.serverPort()));
    client.setTimeoutMs(300);
    QElapsedTimer t;
    t.start();
    const auto a = ask(client, u"show stat"_s, Expect::Text);
    QVERIFY(!a.ok);
    // A Qt coarse timer may fire up to 5 % early (CI saw 289 ms); what
    // matters is that it waited about its timeout, then gave up.
    QVERIFY2(t.elapsed() >= 250 && t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
    QCOMPARE(a.error, u"haproxy 127.0.0.1:%1: 'show stat': no answer within 300 ms"_s.arg(
                          silent.serverPort()));
    // The next command still runs (the hung one did not wedge the queue).
    QCOMPARE(ask(client, u"show info"_s, Expect::Text).ok, false);
    QCOMPARE(client.pending(), 0);
}

void TestHaproxyRuntimeClient::multiCommandRefused() {
    HaproxyRuntimeClient client(tcp(m_haproxy->adminPort()));
    const auto a =
        ask(client, u"get weight pulsco/blue; set server pulsco/blue weight 1"_s, Expect::Text);
    QVERIFY(!a.ok);
    QVERIFY2(a.error.contains(u"refused before sending"_s), qPrintable(a.error));
    QCOMPARE(m_haproxy->runtime(u"get weight pulsco/blue"_s).trimmed(), u"100 (initial 100)"_s);
}

QTEST_GUILESS_MAIN(TestHaproxyRuntimeClient)
#include "tst_haproxyruntimeclient.moc"
