// The one URL rule every operator-given URL passes (bridge/HttpUrl.h).
#include "bridge/HttpUrl.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestHttpUrl : public QObject {
    Q_OBJECT
private slots:
    void httpOrHttpsWithAHost_data();
    void httpOrHttpsWithAHost();
};

void TestHttpUrl::httpOrHttpsWithAHost_data() {
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("http") << u"http://127.0.0.1:8080"_s << true;
    QTest::newRow("https with path") << u"https://alerts.example/hook"_s << true;
    QTest::newRow("upper-case scheme") << u"HTTP://h:1"_s << true;
    QTest::newRow("ipv6") << u"http://[::1]:9090"_s << true;
    QTest::newRow("no scheme") << u"127.0.0.1:8080"_s << false;
    QTest::newRow("ftp") << u"ftp://h/x"_s << false;
    QTest::newRow("no host") << u"http:///path"_s << false;
    QTest::newRow("relative") << u"/v1/stats"_s << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("bad port") << u"http://h:99999"_s << false;
}

void TestHttpUrl::httpOrHttpsWithAHost() {
    QFETCH(QString, url);
    QFETCH(bool, accepted);
    QCOMPARE(pulsco::isHttpUrlWithHost(QUrl(url, QUrl::StrictMode)), accepted);
}

QTEST_GUILESS_MAIN(TestHttpUrl)
#include "tst_httpurl.moc"
