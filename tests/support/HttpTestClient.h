// A tiny HTTP/1.1 client for the server, integration and hardening suites:
// raw bytes over a real loopback socket, spinning the event loop while it
// waits (so an in-process server on the same thread keeps serving). Raw on
// purpose: tests need to send malformed and oversized requests that a real
// client refuses to send, and pipelined ones whose answers they count.
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

namespace pulsco::test {

struct HttpResult {
    int status = 0;  // 0: no answer
    QByteArray head;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString errorCode() const {
        return json()
            .value(QLatin1String("error"))
            .toObject()
            .value(QLatin1String("code"))
            .toString();
    }
    QString errorMessage() const {
        return json()
            .value(QLatin1String("error"))
            .toObject()
            .value(QLatin1String("message"))
            .toString();
    }
};

// Sends `raw` as is, reads until the server closes or one full answer arrived.
inline HttpResult httpRaw(quint16 port, const QByteArray& raw, int timeoutMs = 10000) {
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    QElapsedTimer timer;
    timer.start();
    while (socket.state() != QAbstractSocket::ConnectedState && timer.elapsed() < timeoutMs)
        QTest::qWait(1);
    socket.write(raw);
    QByteArray in;
    HttpResult r;
    while (timer.elapsed() < timeoutMs) {
        QTest::qWait(1);
        in += socket.readAll();
        const qsizetype headEnd = in.indexOf("\r\n\r\n");
        if (headEnd >= 0) {
            r.head = in.left(headEnd);
            const qsizetype cl = r.head.toLower().indexOf("content-length:");
            qsizetype length = 0;
            if (cl >= 0)
                length = r.head.mid(cl + 15, r.head.indexOf("\r\n", cl) - cl - 15)
                             .trimmed()
                             .toLongLong();
            if (in.size() >= headEnd + 4 + length) {
                r.status = in.mid(9, 3).toInt();
                r.body = in.mid(headEnd + 4, length);
                break;
            }
        }
        if (socket.state() == QAbstractSocket::UnconnectedState && socket.bytesAvailable() == 0)
            break;
    }
    return r;
}

inline HttpResult http(quint16 port, const QByteArray& method, const QByteArray& path,
                       const QByteArray& body = {}, const QByteArray& extraHeaders = {}) {
    QByteArray raw = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!body.isEmpty() || method == "POST")
        raw +=
            "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
            "\r\n";
    raw += extraHeaders + "\r\n" + body;
    return httpRaw(port, raw);
}

inline QByteArray soloTicket(const QByteArray& queue, const QByteArray& player,
                             const QByteArray& region = "eu-west", int ping = 20,
                             const QByteArray& rating = {}) {
    QByteArray p = R"({"id":")" + player + R"(","pings":{")" + region + R"(":)" +
                   QByteArray::number(ping) + '}';
    if (!rating.isEmpty())
        p += R"(,"rating":)" + rating;
    return R"({"queue":")" + queue + R"(","players":[)" + p + "}]}";
}

// Reads what `s` receives until `count` answers ("HTTP/1.1 " lines) arrived
// or the peer closed, then 20 ms more for anything trailing.
inline QByteArray readAnswers(QTcpSocket& s, int count, int timeoutMs = 5000) {
    QByteArray in;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs && in.count("HTTP/1.1 ") < count &&
           s.state() != QAbstractSocket::UnconnectedState) {
        QTest::qWait(2);
        in += s.readAll();
    }
    QTest::qWait(20);
    in += s.readAll();
    return in;
}

}  // namespace pulsco::test
