// An HTTP/1.1 load client for pulsco-sim --target: keep-alive connections
// opened on demand up to a cap per target, one request in flight per
// connection, requests waiting in a queue when every connection is busy.
// Latency is counted from the *intended* send time to the last byte of the
// answer, so time spent waiting for a connection counts (no coordinated
// omission). Only the given base URLs are contacted; redirects are not
// followed. Minimal response parsing: status line and Content-Length.
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <deque>
#include <functional>
#include <memory>
#include <vector>

class QTcpSocket;

namespace pulsco {

struct HttpLoadAnswer {
    int status = 0;        // 0 = no answer, see failure
    QByteArray failure;    // "timeout", "connection", "" when answered
    double latencyMs = 0;  // intended send -> last byte
    QByteArray body;
};

class HttpLoadClient : public QObject {
    Q_OBJECT
public:
    using Callback = std::function<void(const HttpLoadAnswer&)>;

    // "" when `url` is a base URL we may target: http, a host, a port.
    static QString checkTargetUrl(const QString& url);

    HttpLoadClient(const QList<QUrl>& targets, int maxConnectionsPerTarget, double timeoutMs,
                   QObject* parent = nullptr);
    ~HttpLoadClient() override;

    double nowMs() const { return static_cast<double>(m_clock.nsecsElapsed()) / 1e6; }
    void send(int target, double intendedMs, const QByteArray& method, const QByteArray& path,
              const QByteArray& body, Callback done);
    // Keep-alive connections idle longer than this are closed: every open
    // socket costs a poll() slot on each event-loop turn.
    static constexpr double kIdleCloseMs = 250;
    int targetCount() const { return int(m_targets.size()); }
    int openConnections() const;
    // Closes every connection; requests in flight are dropped unanswered.
    void abortAll();

private:
    struct Request {
        double intendedMs = 0;
        QByteArray bytes;
        Callback done;
    };
    struct Connection {
        QTcpSocket* socket = nullptr;
        bool busy = false;
        Request current;
        QByteArray in;
        double idleSinceMs = 0;
    };
    struct Target {
        QString host;
        quint16 port = 0;
        QByteArray hostHeader;
        std::vector<std::unique_ptr<Connection>> connections;
        std::vector<Connection*> idle;
        std::deque<Request> waiting;
    };
    void dispatch(Target& target, Connection* connection, Request request);
    Connection* open(int targetIndex);
    void onReadyRead(int targetIndex, Connection* connection);
    void finish(int targetIndex, Connection* connection, HttpLoadAnswer answer, bool keep);
    void drop(int targetIndex, Connection* connection);
    void checkTimeouts();

    std::deque<Target> m_targets;  // never relocated: connections point into it
    int m_maxConnections;
    double m_timeoutMs;
    QElapsedTimer m_clock;
    QTimer m_timeoutCheck;
};

}  // namespace pulsco
