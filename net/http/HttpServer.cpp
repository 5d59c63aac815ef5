#include "net/http/HttpServer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocketServer>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {
// Accepted sockets are opened unbuffered for writing: an answer goes to the
// kernel in the write() call itself instead of waiting for the next event
// loop turn and a write notifier (measured: fewer microseconds per request).
class UnbufferedTcpServer : public QTcpServer {
public:
    using QTcpServer::QTcpServer;

protected:
    void incomingConnection(qintptr descriptor) override {
        auto* socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor, QAbstractSocket::ConnectedState,
                                         QIODevice::ReadWrite | QIODevice::Unbuffered)) {
            delete socket;
            return;
        }
        addPendingConnection(socket);
    }
};
}  // namespace

const char* errorCodeForStatus(int status) {
    switch (status) {
    case 401:
    case 403:
        return "unauthorized";
    case 404:
    case 405:
        return "not_found";
    case 409:
        return "conflict";
    case 413:
    case 431:
        return "too_large";
    case 429:
        return "overloaded";
    case 503:
        return "unavailable";
    default:
        return status >= 500 ? "unavailable" : "invalid_argument";
    }
}

HttpResponse HttpServer::errorResponse(int status, const QString& message, const char* code) {
    QJsonObject error{{u"code"_s, QString::fromLatin1(code ? code : errorCodeForStatus(status))},
                      {u"message"_s, message}};
    QJsonObject body{{u"error"_s, error}};
    return HttpResponse::json(status, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

HttpServer::HttpServer(HttpServerLimits limits, QObject* parent)
    : QObject(parent)
    , m_limits(limits)
    , m_parser(limits.request)
    , m_tcp(new UnbufferedTcpServer(this)) {
    m_clock.start();
    m_tcp->setMaxPendingConnections(1024);
    connect(m_tcp, &QTcpServer::newConnection, this, &HttpServer::onNewConnection);
    m_sweep.setInterval(1000);
    connect(&m_sweep, &QTimer::timeout, this, [this] {
        const qint64 now = nowMs();
        const auto connections = m_connections;  // checkTimeouts may forget one
        for (HttpConnection* c : connections)
            c->checkTimeouts(now);
    });
}

HttpServer::~HttpServer() = default;

void HttpServer::setWebSocketServer(const QByteArray& path, QWebSocketServer* server) {
    m_webSocketPath = path;
    m_webSockets = server;
}

bool HttpServer::listen(const QHostAddress& address, quint16 port) {
    if (!m_tcp->listen(address, port))
        return false;
    m_sweep.start();
    return true;
}

quint16 HttpServer::serverPort() const {
    return m_tcp->serverPort();
}
QString HttpServer::errorString() const {
    return m_tcp->errorString();
}

void HttpServer::close() {
    m_tcp->close();
    m_sweep.stop();
    const auto connections = m_connections;
    for (HttpConnection* c : connections)
        c->close();
}

void HttpServer::onNewConnection() {
    while (QTcpSocket* socket = m_tcp->nextPendingConnection()) {
        if (m_connections.size() >= m_limits.maxConnections) {
            // Refuse cheaply and say why, rather than letting one more client
            // starve the ones already served.
            HttpResponse r = errorResponse(
                503, u"connections: the server already holds %1"_s.arg(m_limits.maxConnections),
                "overloaded");
            r.closeConnection = true;
            socket->setParent(this);
            socket->write(r.serialize(false));
            // Read what the client sends meanwhile: closing with unread bytes
            // makes the kernel send a reset that can destroy our answer.
            connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            QTimer::singleShot(200, socket, [socket] {
                socket->readAll();
                socket->disconnectFromHost();
            });
            continue;
        }
        m_connections.insert(new HttpConnection(socket, this));
    }
}

void HttpServer::dispatch(const HttpRequest& request, HttpResponder responder) {
    if (m_handler)
        m_handler(request, std::move(responder));
    else
        responder.respond(errorResponse(404, u"path: no handler"_s));
}

void HttpServer::observe(int status, double latencyMs) {
    if (m_observer)
        m_observer(status, latencyMs);
}

void HttpServer::forget(HttpConnection* connection) {
    m_connections.remove(connection);
}

void HttpServer::handOffWebSocket(QTcpSocket* socket) {
    m_webSockets->handleConnection(socket);
    // The upgrade request is unread again; let QWebSocketServer see it.
    Q_EMIT socket->readyRead();
}

}  // namespace pulsco
