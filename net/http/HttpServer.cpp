#include "net/http/HttpServer.h"

#include "net/http/HttpIoWorker.h"

#include <QDateTime>
#include <QDebug>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QWebSocketServer>

using namespace Qt::StringLiterals;

namespace pulsco {

// Accepted descriptors go to the server, which hands them to an I/O thread;
// no QTcpSocket is made on the listening thread.
class HttpServer::Listener : public QTcpServer {
public:
    explicit Listener(HttpServer* server)
        : QTcpServer(server)
        , m_server(server) {}

protected:
    void incomingConnection(qintptr descriptor) override {
        m_server->onIncomingConnection(descriptor);
    }

private:
    HttpServer* m_server;
};

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
    , m_tcp(new Listener(this)) {
    m_clock.start();
    m_tcp->setMaxPendingConnections(1024);
    // Qt's default listen backlog (50) made a crowd of clients connect at
    // ~60/s (SYN retries): let the kernel queue as many as it allows.
    m_tcp->setListenBacklogSize(4096);
    const int threads = std::max(1, limits.ioThreads);
    for (int i = 0; i < threads; ++i) {
        auto* thread = new QThread(this);
        thread->setObjectName(u"http-io-%1"_s.arg(i));
        auto* worker = new HttpIoWorker(this);  // deleted on its thread by stopWorkers()
        worker->moveToThread(thread);
        m_threads.push_back(thread);
        m_workers.push_back(worker);
    }
}

HttpServer::~HttpServer() {
    m_tcp->close();
    stopWorkers();
    // Upgrades moved here but never drained have no owner but us.
    std::vector<QTcpSocket*> unhandled;
    {
        std::lock_guard lock(m_inboxMutex);
        unhandled.swap(m_webSocketHandOffs);
    }
    qDeleteAll(unhandled);
}

void HttpServer::stopWorkers() {
    for (std::size_t i = 0; i < m_workers.size(); ++i) {
        HttpIoWorker* worker = m_workers[i];
        QThread* thread = m_threads[i];
        if (thread->isRunning()) {
            // Queued behind any answers still to write; the worker never
            // blocks on this thread, so this cannot deadlock.
            QMetaObject::invokeMethod(worker, "shutdown", Qt::BlockingQueuedConnection);
            thread->quit();
            thread->wait();
            std::lock_guard join(m_joinMutex);  // see HttpIoWorker::shutdown
        }
        delete worker;
    }
    m_workers.clear();
    m_threads.clear();
}

void HttpServer::setWebSocketServer(const QByteArray& path, QWebSocketServer* server) {
    m_webSocketPath = path;
    m_webSockets = server;
}

QString HttpServer::certificateValidityWarning(const QSslCertificate& certificate,
                                               const QDateTime& now, const QString& source) {
    const QDateTime from = certificate.effectiveDate();
    const QDateTime until = certificate.expiryDate();
    QString problem;
    if (until.isValid() && now > until)
        problem = u"expired on "_s + until.toUTC().toString(Qt::ISODate);
    else if (from.isValid() && now < from)
        problem = u"is not valid before "_s + from.toUTC().toString(Qt::ISODate);
    if (problem.isEmpty())
        return {};
    const QStringList names = certificate.subjectInfo(QSslCertificate::CommonName);
    const QString subject =
        names.isEmpty() ? QString::fromLatin1(certificate.serialNumber()) : names.join(u", "_s);
    return u"warning: %1TLS certificate '%2' %3 (now %4): clients that check it will refuse the "
           "handshake"_s.arg(source.isEmpty() ? QString() : source + u": "_s, subject, problem,
                             now.toUTC().toString(Qt::ISODate));
}

bool HttpServer::listen(const QHostAddress& address, quint16 port) {
    if (m_tls && !QSslSocket::supportsSsl()) {
        qWarning().noquote() << "TLS: this Qt build has no usable TLS backend";
        return false;
    }
    if (!m_tcp->listen(address, port))
        return false;
    if (m_tls) {
        const QString warning = certificateValidityWarning(
            m_tls->localCertificate(), QDateTime::currentDateTimeUtc(), m_tlsCertificateSource);
        if (!warning.isEmpty())
            qWarning().noquote() << warning;
    }
    for (std::size_t i = 0; i < m_workers.size(); ++i) {
        if (m_threads[i]->isRunning())
            continue;
        m_threads[i]->start();
        QMetaObject::invokeMethod(m_workers[i], "start", Qt::QueuedConnection);
    }
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
    for (HttpIoWorker* worker : m_workers)
        QMetaObject::invokeMethod(worker, "closeAll", Qt::QueuedConnection);
}

void HttpServer::onIncomingConnection(qintptr descriptor) {
    if (m_connectionCount.load() >= m_limits.maxConnections) {
        refuseOverLimit(descriptor);
        return;
    }
    m_connectionCount.fetch_add(1);  // given back by the worker's forget()
    m_workers[m_nextWorker++ % m_workers.size()]->queueDescriptor(descriptor);
}

void HttpServer::refuseOverLimit(qintptr descriptor) {
    // Refuse cheaply and say why, rather than letting one more client starve
    // the ones already served. Plain text even on a TLS port: the client
    // sees a failed handshake, which is refusal enough.
    auto* socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    HttpResponse r = errorResponse(
        503, u"connections: the server already holds %1"_s.arg(m_limits.maxConnections),
        "overloaded");
    r.closeConnection = true;
    socket->write(r.serialize(false));
    // Read what the client sends meanwhile: closing with unread bytes makes
    // the kernel send a reset that can destroy our answer.
    connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(200, socket, [socket] {
        socket->readAll();
        socket->disconnectFromHost();
    });
}

void HttpServer::postDrainLocked() {
    if (!m_drainPosted) {
        m_drainPosted = true;
        QMetaObject::invokeMethod(this, "drainInbox", Qt::QueuedConnection);
    }
}

void HttpServer::post(Incoming&& incoming) {
    std::lock_guard lock(m_inboxMutex);
    m_inbox.push_back(std::move(incoming));
    postDrainLocked();
}

void HttpServer::postObservation(int status, double latencyMs, int tag) {
    // m_observer is not read here: it may be set after the threads started.
    std::lock_guard lock(m_inboxMutex);
    m_observations.push_back({status, latencyMs, tag});
    postDrainLocked();
}

void HttpServer::postWebSocket(QTcpSocket* socket) {
    std::lock_guard lock(m_inboxMutex);
    m_webSocketHandOffs.push_back(socket);
    postDrainLocked();
}

void HttpServer::drainInbox() {
    std::vector<QTcpSocket*> webSockets;
    {
        std::lock_guard lock(m_inboxMutex);
        m_draining.swap(m_inbox);
        m_observing.swap(m_observations);
        webSockets.swap(m_webSocketHandOffs);
        m_drainPosted = false;
    }
    for (QTcpSocket* socket : webSockets)
        handOffWebSocket(socket);
    // Observations first: each was queued before its answer was written, so
    // before any request that could have followed that answer.
    if (m_observer)
        for (const Observation& o : m_observing)
            m_observer(o.status, o.latencyMs, o.tag);
    m_observing.clear();
    for (Incoming& in : m_draining) {
        if (m_handler)
            m_handler(in.request, std::move(in.responder));
        else
            in.responder.respond(errorResponse(404, u"path: no handler"_s));
    }
    m_draining.clear();
}

void HttpServer::handOffWebSocket(QTcpSocket* socket) {
    if (!m_webSockets) {
        socket->deleteLater();
        return;
    }
    // Owned by the WebSocket server from here: QWebSocketServer does not
    // take ownership of a handed-in socket (LeakSanitizer found those of
    // streams still open at shutdown).
    socket->setParent(m_webSockets);
    m_webSockets->handleConnection(socket);
    // The upgrade request is unread again; let QWebSocketServer see it.
    emit socket->readyRead();
}

// ---- HttpIoWorker ---------------------------------------------------------

HttpIoWorker::HttpIoWorker(HttpServer* server)
    : m_server(server)
    , m_channel(std::make_shared<HttpAnswerChannel>())
    , m_sweep(this) {
    m_channel->worker = this;
    m_sweep.setInterval(1000);
    connect(&m_sweep, &QTimer::timeout, this, [this] {
        const qint64 now = nowMs();
        std::vector<HttpConnection*> connections;
        connections.reserve(m_connections.size());
        for (const auto& [id, c] : m_connections)
            connections.push_back(c);  // checkTimeouts may forget one
        for (HttpConnection* c : connections)
            c->checkTimeouts(now);
    });
}

HttpIoWorker::~HttpIoWorker() {
    shutdown();  // a no-op when it already ran on the worker's thread
}

void HttpIoWorker::shutdown() {
    m_sweep.stop();
    {
        std::lock_guard lock(m_channel->mutex);
        m_channel->worker = nullptr;
        m_channel->answers.clear();
    }
    m_server->m_connectionCount.fetch_sub(int(m_connections.size()));
    std::vector<HttpConnection*> connections;
    for (const auto& [id, c] : m_connections)
        connections.push_back(c);
    m_connections.clear();
    qDeleteAll(connections);  // here, so their sockets close on their own thread
    // Qt's thread join is invisible to ThreadSanitizer; this lock, taken
    // again by stopWorkers() after the join, makes the writes above visible.
    std::lock_guard join(m_server->m_joinMutex);
}

void HttpIoWorker::start() {
    m_sweep.start();
}

void HttpIoWorker::queueDescriptor(qintptr descriptor) {
    std::lock_guard lock(m_descriptorMutex);
    m_descriptors.push_back(descriptor);
    if (m_descriptors.size() == 1)
        QMetaObject::invokeMethod(this, "adoptQueued", Qt::QueuedConnection);
}

void HttpIoWorker::adoptQueued() {
    std::vector<qintptr> descriptors;
    {
        std::lock_guard lock(m_descriptorMutex);
        descriptors.swap(m_descriptors);
    }
    for (qintptr descriptor : descriptors)
        adopt(descriptor);
}

void HttpIoWorker::adopt(qintptr descriptor) {
    QTcpSocket* socket = nullptr;
    if (m_server->m_tls) {
        auto* tls = new QSslSocket;
        tls->setSslConfiguration(*m_server->m_tls);
        socket = tls;
    } else {
        socket = new QTcpSocket;
    }
    // Plain sockets are opened unbuffered for writing: an answer goes to the
    // kernel in the write() call itself instead of waiting for the next event
    // loop turn and a write notifier (measured: fewer microseconds per
    // request). TLS needs its buffered path.
    const auto mode =
        m_server->m_tls ? QIODevice::ReadWrite : QIODevice::ReadWrite | QIODevice::Unbuffered;
    if (!socket->setSocketDescriptor(descriptor, QAbstractSocket::ConnectedState, mode)) {
        delete socket;
        m_server->m_connectionCount.fetch_sub(1);
        return;
    }
    const quint64 id = m_nextConnectionId++;
    auto* connection = new HttpConnection(socket, id, this);
    m_connections.emplace(id, connection);
    if (auto* tls = qobject_cast<QSslSocket*>(socket)) {
        // A failed handshake (a plain-HTTP client, an untrusted peer) just
        // closes this connection; the socket is not usable afterwards.
        connect(tls, &QSslSocket::sslErrors, connection, [connection] { connection->close(); });
        connect(tls, &QAbstractSocket::errorOccurred, connection,
                [tls](QAbstractSocket::SocketError) { tls->abort(); });
        tls->startServerEncryption();
    }
}

void HttpIoWorker::closeAll() {
    m_sweep.stop();
    std::vector<HttpConnection*> connections;
    for (const auto& [id, c] : m_connections)
        connections.push_back(c);
    for (HttpConnection* c : connections)
        c->close();
}

const HttpServerLimits& HttpIoWorker::limits() const {
    return m_server->m_limits;
}
const HttpRequestParser& HttpIoWorker::parser() const {
    return m_server->m_parser;
}
qint64 HttpIoWorker::nowMs() const {
    return m_server->m_clock.elapsed();
}
qint64 HttpIoWorker::nowNs() const {
    return m_server->m_clock.nsecsElapsed();
}

bool HttpIoWorker::isWebSocketPath(const QByteArray& path) const {
    return m_server->m_webSockets && path == m_server->m_webSocketPath;
}

void HttpIoWorker::dispatch(HttpRequest&& request, quint64 connection, quint64 slot) {
    if (m_server->m_preparer)
        m_server->m_preparer(request);
    m_server->post({std::move(request), HttpResponder(m_channel, connection, slot)});
}

void HttpIoWorker::observe(int status, double latencyMs, int tag) {
    m_server->postObservation(status, latencyMs, tag);
}

void HttpIoWorker::forget(HttpConnection* connection) {
    if (m_connections.erase(connection->id()) > 0)
        m_server->m_connectionCount.fetch_sub(1);
}

void HttpIoWorker::handOffWebSocket(QTcpSocket* socket) {
    // QWebSocketServer lives on the server thread: the socket moves there,
    // with its unread upgrade request still in its buffer. Moved one event
    // loop turn later, not from inside its own readyRead: the socket's code
    // still on the stack (QSslSocket's in particular) touches its notifiers
    // after the signal returns, and must do so on the thread they belong to.
    // Owned by the worker until the move: a worker that stops before the
    // queued move runs still deletes it.
    socket->setParent(this);
    HttpServer* server = m_server;
    QMetaObject::invokeMethod(
        this,
        [server, socket] {
            socket->setParent(nullptr);
            socket->moveToThread(server->thread());
            server->postWebSocket(socket);
        },
        Qt::QueuedConnection);
}

void HttpIoWorker::drainAnswers() {
    std::vector<HttpAnswerChannel::Answer> answers;
    {
        std::lock_guard lock(m_channel->mutex);
        answers.swap(m_channel->answers);
    }
    for (HttpAnswerChannel::Answer& a : answers) {
        const auto it = m_connections.find(a.connection);
        if (it != m_connections.end())
            it->second->complete(a.slot, std::move(a.response));
    }
}

}  // namespace pulsco

#include "moc_HttpIoWorker.cpp"
