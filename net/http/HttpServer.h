// A small, strict HTTP/1.1 server over QTcpServer: keep-alive, pipelining,
// deferred answers, limits on header and body size, connection count, idle
// and slow requests; WebSocket upgrades on one path are handed to a
// QWebSocketServer; optional TLS. See docs/matchd.md for why not QHttpServer
// 6.4.
//
// Threads: the listening socket, the handler and the response observer live
// on the thread that owns this object (the "server thread"); connections
// (read, parse, prepare, serialise, write) live on `ioThreads` I/O threads.
// Requests cross to the server thread and answers cross back in batches:
// one queued invocation per batch, not per request.
#pragma once

#include "net/http/HttpConnection.h"
#include "net/http/HttpRequestParser.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QSslCertificate>
#include <QSslConfiguration>

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

class QDateTime;
class QTcpServer;
class QTcpSocket;
class QThread;
class QWebSocketServer;

namespace pulsco {

class HttpIoWorker;

struct HttpServerLimits {
    HttpLimits request;
    int maxConnections = 16000;
    int maxPipelinedRequests = 64;  // unanswered requests per connection
    // A started request must be complete by then; on a TLS port the
    // handshake starts the first request (a client that never finishes it
    // is cut off and counted as a 408, like a slow request).
    qint64 requestTimeoutMs = 10'000;
    qint64 idleTimeoutMs = 120'000;  // keep-alive connections with nothing to do
    int ioThreads = 1;               // threads owning the connections, at least 1
};

class HttpServer : public QObject {
    Q_OBJECT
public:
    // The request is the handler's to take from (e.g. move `prepared` out).
    using Handler = std::function<void(HttpRequest&, HttpResponder)>;
    // After each answer is written: status, time from request parsed to
    // written, and the answer's HttpResponse::observationTag (0 when the
    // HTTP layer answered by itself).
    using ResponseObserver = std::function<void(int status, double latencyMs, int tag)>;
    // Runs on an I/O thread before a request crosses to the server thread,
    // so work that needs no server state (parsing a JSON body against
    // immutable rules) is done there; it may fill HttpRequest::prepared.
    // Must be thread-safe.
    using Preparer = std::function<void(HttpRequest&)>;

    explicit HttpServer(HttpServerLimits limits = {}, QObject* parent = nullptr);
    ~HttpServer() override;

    // The preparer, TLS and WebSocket settings are read by the I/O threads:
    // set them before listen(). Handler and observer run on this thread.
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    void setResponseObserver(ResponseObserver observer) { m_observer = std::move(observer); }
    void setPreparer(Preparer preparer) { m_preparer = std::move(preparer); }
    // Serve HTTPS (and WSS) only: every accepted connection starts with a
    // TLS handshake under this configuration (certificate and key set).
    // `certificateSource` (its file) names the certificate in warnings.
    void setTlsConfiguration(const QSslConfiguration& tls, const QString& certificateSource = {}) {
        m_tls = tls;
        m_tlsCertificateSource = certificateSource;
    }
    bool tlsEnabled() const { return m_tls.has_value(); }
    // Upgrade requests for `path` go to `server` (which must outlive this).
    void setWebSocketServer(const QByteArray& path, QWebSocketServer* server);

    bool listen(const QHostAddress& address, quint16 port);
    quint16 serverPort() const;
    QString errorString() const;
    int connectionCount() const { return m_connectionCount.load(); }
    void close();  // stops listening and closes every connection

    // Builds the JSON error body of the API contract; `code` defaults to the
    // status's code (errorCodeForStatus).
    static HttpResponse errorResponse(int status, const QString& message,
                                      const char* code = nullptr);
    // Empty when `certificate` is valid at `now`; else the warning listen()
    // prints: clients will refuse it, but serving it is the operator's call
    // (a clock that is wrong, a renewal on its way).
    static QString certificateValidityWarning(const QSslCertificate& certificate,
                                              const QDateTime& now, const QString& source = {});

    const HttpServerLimits& limits() const { return m_limits; }
    const HttpRequestParser& parser() const { return m_parser; }
    qint64 nowMs() const { return m_clock.elapsed(); }
    qint64 nowNs() const { return m_clock.nsecsElapsed(); }

private:
    friend class HttpIoWorker;
    class Listener;
    struct Incoming {
        HttpRequest request;
        HttpResponder responder;
    };
    struct Observation {
        int status;
        double latencyMs;
        int tag;
    };

    void onIncomingConnection(qintptr descriptor);
    void refuseOverLimit(qintptr descriptor);
    // From I/O threads: queue, and post one drain per batch.
    void post(Incoming&& incoming);
    void postObservation(int status, double latencyMs, int tag);
    void postWebSocket(QTcpSocket* socket);  // already moved to this thread
    void postDrainLocked();                  // m_inboxMutex held
    Q_INVOKABLE void drainInbox();           // server thread
    void handOffWebSocket(QTcpSocket* socket);
    void stopWorkers();

    HttpServerLimits m_limits;
    HttpRequestParser m_parser;
    Listener* m_tcp;
    QElapsedTimer m_clock;
    std::atomic<int> m_connectionCount{0};
    std::vector<QThread*> m_threads;
    std::vector<HttpIoWorker*> m_workers;
    std::size_t m_nextWorker = 0;
    Handler m_handler;
    ResponseObserver m_observer;
    Preparer m_preparer;
    std::optional<QSslConfiguration> m_tls;
    QString m_tlsCertificateSource;
    QByteArray m_webSocketPath;
    QWebSocketServer* m_webSockets = nullptr;

    std::mutex m_inboxMutex;
    std::vector<Incoming> m_inbox;
    std::vector<Observation> m_observations;
    std::vector<QTcpSocket*> m_webSocketHandOffs;
    bool m_drainPosted = false;
    std::mutex m_joinMutex;            // makes a finished worker's last writes visible to TSan
    std::vector<Incoming> m_draining;  // kept to reuse capacity
    std::vector<Observation> m_observing;
};

// "invalid_argument" for 400, ... as in the API's error contract.
const char* errorCodeForStatus(int status);

}  // namespace pulsco
