// One keep-alive HTTP/1.1 connection of a load test, for the open model:
// every request is written at its intended time whether or not earlier
// answers arrived (HTTP pipelining), and its latency runs from that intended
// time to the last byte of its answer, so a slow server cannot hide behind a
// client that waits (no coordinated omission). Requests sent before the
// socket connects are written once it does. When the connection drops, every
// request without an answer is reported as failed: those are the requests
// whose fate the client cannot know (the kill -9 test's "in flight").
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTcpSocket>
#include <QTest>

#include <deque>
#include <functional>

struct LoadAnswer {
    int status = 0;  // 0: no answer (connection failed or dropped)
    QByteArray body;
    double latencyMs = 0;
};

class PipelinedConnection : public QObject {
public:
    using Done = std::function<void(const LoadAnswer&)>;

    PipelinedConnection(quint16 port, const QElapsedTimer* clock, QObject* parent = nullptr)
        : QObject(parent)
        , m_port(port)
        , m_clock(clock) {
        m_socket = new QTcpSocket(this);
        connect(m_socket, &QTcpSocket::connected, this, [this] {
            m_socket->write(m_unsent);
            m_unsent.clear();
        });
        connect(m_socket, &QTcpSocket::readyRead, this, &PipelinedConnection::onReadyRead);
        connect(m_socket, &QTcpSocket::disconnected, this, &PipelinedConnection::failPending);
        connect(m_socket, &QTcpSocket::errorOccurred, this, &PipelinedConnection::failPending);
        m_socket->connectToHost(QStringLiteral("127.0.0.1"), port);
    }

    static QByteArray request(const QByteArray& method, const QByteArray& path,
                              const QByteArray& body = {}) {
        QByteArray r = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        if (!body.isEmpty() || method == "POST")
            r += "Content-Type: application/json\r\nContent-Length: " +
                 QByteArray::number(body.size()) + "\r\n";
        return r + "\r\n" + body;
    }

    void send(double intendedMs, const QByteArray& bytes, Done done) {
        m_pending.push_back({intendedMs, std::move(done)});
        if (m_socket->state() == QAbstractSocket::ConnectedState)
            m_socket->write(bytes);
        else
            m_unsent += bytes;
    }
    std::size_t pending() const { return m_pending.size(); }
    bool isConnected() const { return m_socket->state() == QAbstractSocket::ConnectedState; }
    void abort() { m_socket->abort(); }

private:
    struct Pending {
        double intendedMs;
        Done done;
    };

    double nowMs() const { return double(m_clock->nsecsElapsed()) / 1e6; }

    void onReadyRead() {
        m_in += m_socket->readAll();
        for (;;) {
            const qsizetype headEnd = m_in.indexOf("\r\n\r\n");
            if (headEnd < 0 || m_pending.empty())
                return;
            const QByteArray head = m_in.left(headEnd);
            qint64 length = 0;
            const qsizetype cl = head.toLower().indexOf("content-length:");
            if (cl >= 0) {
                const qsizetype eol = head.indexOf("\r\n", cl);
                length = head.mid(cl + 15, (eol < 0 ? head.size() : eol) - cl - 15)
                             .trimmed()
                             .toLongLong();
            }
            if (m_in.size() < headEnd + 4 + length)
                return;
            LoadAnswer a;
            a.status = m_in.mid(9, 3).toInt();
            a.body = m_in.mid(headEnd + 4, length);
            m_in.remove(0, headEnd + 4 + length);
            Pending p = std::move(m_pending.front());
            m_pending.pop_front();
            a.latencyMs = nowMs() - p.intendedMs;
            if (p.done)
                p.done(a);
        }
    }

    void failPending() {
        auto pending = std::move(m_pending);
        m_pending.clear();
        m_unsent.clear();
        for (Pending& p : pending) {
            LoadAnswer a;
            a.latencyMs = nowMs() - p.intendedMs;
            if (p.done)
                p.done(a);
        }
    }

    quint16 m_port;
    const QElapsedTimer* m_clock;
    QTcpSocket* m_socket;
    QByteArray m_unsent;
    QByteArray m_in;
    std::deque<Pending> m_pending;
};

// One request on a fresh connection, waiting (event loop running) for its
// answer; status 0 when none came within `timeoutMs`.
inline LoadAnswer exchangeOnce(quint16 port, const QByteArray& request, int timeoutMs = 10000) {
    QElapsedTimer clock;
    clock.start();
    PipelinedConnection c(port, &clock);
    LoadAnswer answer;
    bool done = false;
    c.send(0, request, [&](const LoadAnswer& a) {
        answer = a;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, timeoutMs))
        answer = {};
    return answer;
}
