// A small, strict HTTP/1.1 server over QTcpServer: keep-alive, pipelining,
// deferred answers, limits on header and body size, connection count, idle
// and slow requests; WebSocket upgrades on one path are handed to a
// QWebSocketServer. See docs/matchd.md for why not QHttpServer 6.4.
#pragma once

#include "net/http/HttpConnection.h"
#include "net/http/HttpRequestParser.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>

class QTcpServer;
class QTcpSocket;
class QWebSocketServer;

namespace pulsco {

struct HttpServerLimits {
    HttpLimits request;
    int maxConnections = 16000;
    int maxPipelinedRequests = 64;     // unanswered requests per connection
    qint64 requestTimeoutMs = 10'000;  // a started request must be complete by then
    qint64 idleTimeoutMs = 120'000;    // keep-alive connections with nothing to do
};

class HttpServer : public QObject {
    Q_OBJECT
public:
    using Handler = std::function<void(const HttpRequest&, HttpResponder)>;
    // After each answer is written: status and time from request parsed to written.
    using ResponseObserver = std::function<void(int status, double latencyMs)>;

    explicit HttpServer(HttpServerLimits limits = {}, QObject* parent = nullptr);
    ~HttpServer() override;

    void setHandler(Handler handler) { m_handler = std::move(handler); }
    void setResponseObserver(ResponseObserver observer) { m_observer = std::move(observer); }
    // Upgrade requests for `path` go to `server` (which must outlive this).
    void setWebSocketServer(const QByteArray& path, QWebSocketServer* server);

    bool listen(const QHostAddress& address, quint16 port);
    quint16 serverPort() const;
    QString errorString() const;
    int connectionCount() const { return int(m_connections.size()); }
    void close();  // stops listening and closes every connection

    // Builds the JSON error body of the API contract; `code` defaults to the
    // status's code (errorCodeForStatus).
    static HttpResponse errorResponse(int status, const QString& message,
                                      const char* code = nullptr);

    const HttpServerLimits& limits() const { return m_limits; }
    const HttpRequestParser& parser() const { return m_parser; }
    qint64 nowMs() const { return m_clock.elapsed(); }
    qint64 nowNs() const { return m_clock.nsecsElapsed(); }

private:
    friend class HttpConnection;
    void onNewConnection();
    void dispatch(const HttpRequest& request, HttpResponder responder);
    void observe(int status, double latencyMs);
    void forget(HttpConnection* connection);
    void handOffWebSocket(QTcpSocket* socket);

    HttpServerLimits m_limits;
    HttpRequestParser m_parser;
    QTcpServer* m_tcp;
    QTimer m_sweep;
    QElapsedTimer m_clock;
    QSet<HttpConnection*> m_connections;
    Handler m_handler;
    ResponseObserver m_observer;
    QByteArray m_webSocketPath;
    QWebSocketServer* m_webSockets = nullptr;
};

// "invalid_argument" for 400, ... as in the API's error contract.
const char* errorCodeForStatus(int status);

}  // namespace pulsco
