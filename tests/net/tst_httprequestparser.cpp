// The HTTP/1.1 request parser: good requests, every refusal, pipelining,
// and byte-by-byte arrival.
#include "net/http/HttpRequestParser.h"

#include <QTest>

using namespace Qt::StringLiterals;
using pulsco::HttpLimits;
using pulsco::HttpRequest;
using pulsco::HttpRequestParser;

class TestHttpRequestParser : public QObject {
    Q_OBJECT
private slots:
    void good_data();
    void good();
    void bad_data();
    void bad();
    void incompleteNeedsMore_data();
    void incompleteNeedsMore();
    void pipelined();
    void byteByByte();
};

void TestHttpRequestParser::good_data() {
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("keepAlive");
    QTest::addColumn<bool>("upgrade");

    QTest::addRow("get") << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                         << QByteArray("GET") << QByteArray("/healthz") << QByteArray()
                         << QByteArray() << true << false;
    QTest::addRow("query") << QByteArray("GET /v1/stats?x=1&y HTTP/1.1\r\n\r\n")
                           << QByteArray("GET") << QByteArray("/v1/stats") << QByteArray("x=1&y")
                           << QByteArray() << true << false;
    QTest::addRow("post body")
        << QByteArray("POST /v1/tickets HTTP/1.1\r\nContent-Length: 7\r\n\r\n{\"a\":1}")
        << QByteArray("POST") << QByteArray("/v1/tickets") << QByteArray()
        << QByteArray("{\"a\":1}") << true << false;
    QTest::addRow("close") << QByteArray("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
                           << QByteArray("GET") << QByteArray("/") << QByteArray() << QByteArray()
                           << false << false;
    QTest::addRow("http10 default close")
        << QByteArray("GET / HTTP/1.0\r\n\r\n") << QByteArray("GET") << QByteArray("/")
        << QByteArray() << QByteArray() << false << false;
    QTest::addRow("http10 keep-alive")
        << QByteArray("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") << QByteArray("GET")
        << QByteArray("/") << QByteArray() << QByteArray() << true << false;
    QTest::addRow("websocket upgrade")
        << QByteArray("GET /v1/events HTTP/1.1\r\nUpgrade: websocket\r\nConnection: keep-alive, "
                      "Upgrade\r\n\r\n")
        << QByteArray("GET") << QByteArray("/v1/events") << QByteArray() << QByteArray() << true
        << true;
    QTest::addRow("header whitespace trimmed")
        << QByteArray(
               "DELETE /v1/tickets/t1 HTTP/1.1\r\nX-A: \t spaced \t\r\nContent-Length:  0 \r\n\r\n")
        << QByteArray("DELETE") << QByteArray("/v1/tickets/t1") << QByteArray() << QByteArray()
        << true << false;
    QTest::addRow("same content-length twice")
        << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab")
        << QByteArray("POST") << QByteArray("/x") << QByteArray() << QByteArray("ab") << true
        << false;
}

void TestHttpRequestParser::good() {
    QFETCH(QByteArray, wire);
    HttpRequestParser parser;
    HttpRequest req;
    const auto r = parser.parse(wire, 0, req);
    QCOMPARE(r.status, HttpRequestParser::Status::Complete);
    QCOMPARE(r.consumed, wire.size());
    QTEST(req.method, "method");
    QTEST(req.path, "path");
    QTEST(req.query, "query");
    QTEST(req.body, "body");
    QTEST(req.keepAlive, "keepAlive");
    QTEST(req.webSocketUpgrade, "upgrade");
}

void TestHttpRequestParser::bad_data() {
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("messagePart");

    QTest::addRow("no target") << QByteArray("GET HTTP/1.1\r\n\r\n") << 400 << u"request line"_s;
    QTest::addRow("extra space") << QByteArray("GET  / HTTP/1.1\r\n\r\n") << 400
                                 << u"request line"_s;
    QTest::addRow("relative target") << QByteArray("GET x HTTP/1.1\r\n\r\n") << 400 << u"target"_s;
    QTest::addRow("bad method") << QByteArray("G(T / HTTP/1.1\r\n\r\n") << 400 << u"method"_s;
    QTest::addRow("http2") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505 << u"HTTP/1.1"_s;
    QTest::addRow("garbage") << QByteArray("\x01\x02\x03\r\n\r\n") << 400 << u"request line"_s;
    QTest::addRow("folded header")
        << QByteArray("GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n") << 400 << u"folding"_s;
    QTest::addRow("no colon") << QByteArray("GET / HTTP/1.1\r\nAbc\r\n\r\n") << 400
                              << u"malformed"_s;
    QTest::addRow("space before colon")
        << QByteArray("GET / HTTP/1.1\r\nA : b\r\n\r\n") << 400 << u"malformed"_s;
    QTest::addRow("control in value")
        << QByteArray("GET / HTTP/1.1\r\nA: b\x01\r\n\r\n") << 400 << u"control"_s;
    QTest::addRow("negative length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n")
                                     << 400 << u"Content-Length"_s;
    QTest::addRow("hex length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n")
                                << 400 << u"Content-Length"_s;
    QTest::addRow("conflicting lengths")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab") << 400
        << u"different"_s;
    QTest::addRow("chunked") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                             << 400 << u"Transfer-Encoding"_s;
    QTest::addRow("body too large")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 65537\r\n\r\n") << 413
        << u"request body"_s;
    QTest::addRow("huge length") << QByteArray(
                                        "POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n")
                                 << 413 << u"request body"_s;
    QTest::addRow("headers too large")
        << (QByteArray("GET / HTTP/1.1\r\nX: ") + QByteArray(17000, 'a') + "\r\n\r\n") << 431
        << u"headers"_s;
    QTest::addRow("unterminated huge head")
        << (QByteArray("GET / HTTP/1.1\r\nX: ") + QByteArray(17000, 'a')) << 431 << u"headers"_s;
    QByteArray many("GET / HTTP/1.1\r\n");
    for (int i = 0; i < 101; ++i)
        many += "H" + QByteArray::number(i) + ": v\r\n";
    QTest::addRow("too many headers") << many + "\r\n" << 431 << u"fields"_s;
}

void TestHttpRequestParser::bad() {
    QFETCH(QByteArray, wire);
    QFETCH(QString, messagePart);
    HttpRequestParser parser;
    HttpRequest req;
    const auto r = parser.parse(wire, 0, req);
    QCOMPARE(r.status, HttpRequestParser::Status::Error);
    QTEST(r.httpStatus, "status");
    QVERIFY2(r.message.contains(messagePart), qPrintable(r.message));
}

void TestHttpRequestParser::incompleteNeedsMore_data() {
    QTest::addColumn<QByteArray>("wire");
    QTest::addRow("empty") << QByteArray();
    QTest::addRow("partial line") << QByteArray("GET /heal");
    QTest::addRow("no blank line") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n");
    QTest::addRow("partial body") << QByteArray(
        "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n12345");
}

void TestHttpRequestParser::incompleteNeedsMore() {
    QFETCH(QByteArray, wire);
    HttpRequestParser parser;
    HttpRequest req;
    QCOMPARE(parser.parse(wire, 0, req).status, HttpRequestParser::Status::NeedMore);
}

void TestHttpRequestParser::pipelined() {
    const QByteArray wire =
        "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\n\r\n"
        "GET /c HTTP/1.1\r\nConnection: close\r\n\r\n";
    HttpRequestParser parser;
    HttpRequest req;
    qsizetype offset = 0;
    QList<QByteArray> paths;
    while (offset < wire.size()) {
        const auto r = parser.parse(wire, offset, req);
        QCOMPARE(r.status, HttpRequestParser::Status::Complete);
        paths << req.path;
        offset += r.consumed;
    }
    QCOMPARE(paths, (QList<QByteArray>{"/a", "/b", "/c"}));
    QVERIFY(!req.keepAlive);
}

void TestHttpRequestParser::byteByByte() {
    const QByteArray wire =
        "POST /v1/tickets HTTP/1.1\r\nContent-Length: 5\r\nHost: h\r\n\r\nhello";
    HttpRequestParser parser;
    QByteArray buffer;
    for (qsizetype i = 0; i < wire.size(); ++i) {
        buffer.append(wire[i]);
        HttpRequest req;
        const auto r = parser.parse(buffer, 0, req);
        if (i + 1 < wire.size()) {
            QCOMPARE(r.status, HttpRequestParser::Status::NeedMore);
        } else {
            QCOMPARE(r.status, HttpRequestParser::Status::Complete);
            QCOMPARE(req.body, QByteArray("hello"));
            QCOMPARE(req.header("host"), QByteArray("h"));
        }
    }
}

QTEST_GUILESS_MAIN(TestHttpRequestParser)
#include "tst_httprequestparser.moc"
