// The runtime API address as an operator writes it: the forms accepted and
// the error each wrong one gets (naming the text, the part and why).
#include "net/balancer/HaproxyAddress.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

class TestHaproxyAddress : public QObject {
    Q_OBJECT
private slots:
    void good_data();
    void good();
    void bad_data();
    void bad();
};

void TestHaproxyAddress::good_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("unix");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("printed");
    QTest::addRow("ipv4") << u"127.0.0.1:9999"_s << false << u"127.0.0.1"_s << 9999 << QString()
                          << u"127.0.0.1:9999"_s;
    QTest::addRow("name") << u"lb1.example:1"_s << false << u"lb1.example"_s << 1 << QString()
                          << u"lb1.example:1"_s;
    QTest::addRow("top port") << u"localhost:65535"_s << false << u"localhost"_s << 65535
                              << QString() << u"localhost:65535"_s;
    QTest::addRow("ipv6") << u"[::1]:9999"_s << false << u"::1"_s << 9999 << QString()
                          << u"[::1]:9999"_s;
    QTest::addRow("haproxy ipv4@") << u"ipv4@127.0.0.1:9999"_s << false << u"127.0.0.1"_s << 9999
                                   << QString() << u"127.0.0.1:9999"_s;
    QTest::addRow("unix:") << u"unix:/run/haproxy/admin.sock"_s << true << QString() << 0
                           << u"/run/haproxy/admin.sock"_s << u"unix:/run/haproxy/admin.sock"_s;
    QTest::addRow("haproxy unix@") << u"unix@/run/h.sock"_s << true << QString() << 0
                                   << u"/run/h.sock"_s << u"unix:/run/h.sock"_s;
    QTest::addRow("absolute path")
        << u"/run/haproxy/admin.sock"_s << true << QString() << 0 << u"/run/haproxy/admin.sock"_s
        << u"unix:/run/haproxy/admin.sock"_s;
}

void TestHaproxyAddress::good() {
    QFETCH(QString, text);
    QFETCH(bool, unix);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, path);
    QFETCH(QString, printed);
    QString error;
    const auto a = HaproxyAddress::parse(text, &error);
    QVERIFY2(a, qPrintable(error));
    QCOMPARE(a->kind == HaproxyAddress::Kind::Unix, unix);
    QCOMPARE(a->host, host);
    QCOMPARE(int(a->port), port);
    QCOMPARE(a->path, path);
    QCOMPARE(a->toString(), printed);
}

void TestHaproxyAddress::bad_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("error");
    const auto row = [](const char* name, const QString& text, const QString& why) {
        QTest::addRow("%s", name) << text << u"haproxy runtime address '"_s + text + u"': "_s + why;
    };
    row("empty", u""_s, u"empty (give host:port, unix:/path or /path)"_s);
    row("no port", u"127.0.0.1"_s, u"expected host:port, unix:/path or an absolute path"_s);
    row("port word", u"127.0.0.1:admin"_s, u"port: 'admin' is not a number 1–65535"_s);
    row("port empty", u"127.0.0.1:"_s, u"port: '' is not a number 1–65535"_s);
    row("port 0", u"127.0.0.1:0"_s, u"port: '0' is not a number 1–65535"_s);
    row("port too big", u"127.0.0.1:65536"_s, u"port: '65536' is not a number 1–65535"_s);
    row("port signed", u"127.0.0.1:+80"_s, u"port: '+80' is not a number 1–65535"_s);
    row("port negative", u"127.0.0.1:-1"_s, u"port: '-1' is not a number 1–65535"_s);
    row("host empty", u":9999"_s, u"host: empty"_s);
    row("bare ipv6", u"::1:9999"_s, u"host: write an IPv6 address as [address]:port"_s);
    row("bracket unclosed", u"[::1:9999"_s, u"host: '[' without ']'"_s);
    row("bracket not v6", u"[localhost]:9999"_s, u"host: 'localhost' is not an IPv6 address"_s);
    row("spaces", u" 127.0.0.1:9999"_s, u"leading or trailing spaces"_s);
    row("host space", u"a b:9999"_s, u"host: 'a b' contains ' '"_s);
    row("unix empty", u"unix:"_s, u"path: empty (give unix:/path/to/socket)"_s);
    row("unix relative", u"unix:run/admin.sock"_s, u"path: 'run/admin.sock' is not absolute"_s);
}

void TestHaproxyAddress::bad() {
    QFETCH(QString, text);
    QFETCH(QString, error);
    QString got;
    QVERIFY(!HaproxyAddress::parse(text, &got));
    QCOMPARE(got, error);
}

QTEST_GUILESS_MAIN(TestHaproxyAddress)
#include "tst_haproxyaddress.moc"
