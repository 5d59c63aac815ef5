// Test helper shared by the server suites: read raw HTTP answers off a socket.
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>

namespace pulsco::testing {

// Reads until `count` answers arrived or the peer closed.
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

}  // namespace pulsco::testing
