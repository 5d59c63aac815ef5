#include "net/http/HttpConnection.h"

#include "net/http/HttpIoWorker.h"
#include "net/http/HttpServer.h"

#include <QSslSocket>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace pulsco {

void HttpResponder::respond(HttpResponse response) const {
    if (!m_channel)
        return;
    std::lock_guard lock(m_channel->mutex);
    HttpIoWorker* worker = m_channel->worker;
    if (!worker)
        return;  // the server is going away
    if (m_tag != 0)
        response.observationTag = m_tag;
    const bool first = m_channel->answers.empty();
    m_channel->answers.push_back({m_connection, m_slot, std::move(response)});
    // One queued call drains every answer that arrives before it runs.
    if (first)
        QMetaObject::invokeMethod(worker, "drainAnswers", Qt::QueuedConnection);
}

HttpConnection::HttpConnection(QTcpSocket* socket, quint64 id, HttpIoWorker* worker)
    : QObject(worker)
    , m_socket(socket)
    , m_id(id)
    , m_worker(worker) {
    socket->setParent(this);
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_lastActivityMs = worker->nowMs();
    if (auto* tls = qobject_cast<QSslSocket*>(socket); tls && !tls->isEncrypted()) {
        m_handshaking = true;
        m_partialSinceMs = m_lastActivityMs;
        connect(tls, &QSslSocket::encrypted, this, [this] {
            m_handshaking = false;
            m_lastActivityMs = m_worker->nowMs();
            if (m_buffer.isEmpty())
                m_partialSinceMs = -1;
        });
    }
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QTcpSocket::disconnected, this, [this] {
        m_worker->forget(this);
        deleteLater();
    });
    if (socket->bytesAvailable() > 0)
        onReadyRead();
}

void HttpConnection::close() {
    m_closing = true;
    m_socket->disconnectFromHost();
}

void HttpConnection::checkTimeouts(qint64 nowMs) {
    if (m_closing)
        return;
    if (m_partialSinceMs >= 0 && nowMs - m_partialSinceMs > m_worker->limits().requestTimeoutMs) {
        if (m_handshaking) {
            dropUnfinishedHandshake();
            return;
        }
        failAndClose(
            408, u"request: not complete within %1 ms"_s.arg(m_worker->limits().requestTimeoutMs));
        return;
    }
    if (m_slots.empty() && m_buffer.isEmpty() &&
        nowMs - m_lastActivityMs > m_worker->limits().idleTimeoutMs)
        close();
}

void HttpConnection::onReadyRead() {
    if (m_closing) {
        m_socket->readAll();  // discard: we answer nothing more on this connection
        return;
    }
    // Too many unanswered requests: leave further bytes in the kernel, so
    // TCP flow control slows the client instead of our buffer growing.
    if (qsizetype(m_slots.size()) >= m_worker->limits().maxPipelinedRequests) {
        m_readPaused = true;
        return;
    }
    // A WebSocket upgrade must reach QWebSocketServer unread, so a
    // connection's first request is read inside a transaction we can roll
    // back, however many reads it takes to arrive (at most the header and
    // body limits). Only a first request can be an upgrade worth handing over
    // (QWebSocketServer wants a fresh connection), so later ones skip it.
    if (m_nextSlot == 1 && m_buffer.isEmpty() && !m_inTransaction) {
        m_socket->startTransaction();
        m_inTransaction = true;
    }
    // Read straight into the connection's buffer, which keeps its capacity
    // between requests: no temporary allocation per read. Fixed chunks, not
    // bytesAvailable(): on an unbuffered socket that is one more system call
    // (FIONREAD) per read. A full chunk means there may be more (a buffered
    // TLS socket signals only new data, so it must be emptied).
    constexpr qint64 kChunk = 4096;
    constexpr qsizetype kMaxReadAhead = 256 * 1024;
    qint64 got = 0;
    do {
        const qsizetype old = m_buffer.size();
        m_buffer.resize(old + qsizetype(kChunk));
        got = m_socket->read(m_buffer.data() + old, kChunk);
        m_buffer.resize(old + qsizetype(std::max<qint64>(got, 0)));
    } while (got == kChunk && m_buffer.size() < kMaxReadAhead);
    m_lastActivityMs = m_worker->nowMs();
    processBuffer();
    if (m_inTransaction && (m_nextSlot > 1 || m_closing)) {
        m_inTransaction = false;
        m_socket->commitTransaction();
    }
}

void HttpConnection::processBuffer() {
    // Answers given synchronously from dispatch() call flush(), which must not
    // re-enter here while this loop still owns the buffer.
    if (m_processing)
        return;
    m_processing = true;
    qsizetype offset = 0;
    const qsizetype maxSlots = m_worker->limits().maxPipelinedRequests;
    while (!m_closing && offset < m_buffer.size() && qsizetype(m_slots.size()) < maxSlots) {
        HttpRequest request;
        const auto result = m_worker->parser().parse(m_buffer, offset, request);
        if (result.status == HttpRequestParser::Status::NeedMore)
            break;
        if (result.status == HttpRequestParser::Status::Error) {
            m_buffer.clear();
            m_processing = false;
            failAndClose(result.httpStatus, result.message);
            return;
        }
        if (request.webSocketUpgrade && offset == 0 && m_inTransaction &&
            result.consumed == m_buffer.size() && handOffWebSocket(request)) {
            m_processing = false;
            return;
        }
        offset += result.consumed;
        Slot slot;
        slot.id = m_nextSlot++;
        slot.keepAlive = request.keepAlive;
        slot.head = request.method == "HEAD";
        slot.startNs = m_worker->nowNs();
        m_slots.push_back(std::move(slot));
        if (!request.keepAlive)
            m_closing = true;  // answer this one, read nothing after it
        m_worker->dispatch(std::move(request), m_id, m_slots.back().id);
    }
    if (offset == m_buffer.size())
        m_buffer.resize(0);  // keeps the capacity for the next request
    else if (offset > 0)
        m_buffer.remove(0, offset);
    m_processing = false;
    m_partialSinceMs =
        m_buffer.isEmpty() ? -1 : (m_partialSinceMs < 0 ? m_worker->nowMs() : m_partialSinceMs);
}

bool HttpConnection::handOffWebSocket(const HttpRequest& request) {
    if (!m_worker->isWebSocketPath(request.path))
        return false;
    m_inTransaction = false;
    m_socket->rollbackTransaction();
    m_socket->disconnect(this);
    disconnect(m_socket, nullptr, this, nullptr);
    QTcpSocket* socket = m_socket;
    socket->setParent(nullptr);
    m_worker->forget(this);
    m_worker->handOffWebSocket(socket);
    deleteLater();
    return true;
}

void HttpConnection::complete(quint64 slotId, HttpResponse response) {
    for (Slot& slot : m_slots) {
        if (slot.id != slotId)
            continue;
        if (slot.ready)
            return;
        slot.ready = true;
        slot.status = response.status;
        slot.tag = response.observationTag;
        const bool keepAlive = slot.keepAlive && !response.closeConnection;
        slot.keepAlive = keepAlive;
        slot.bytes = response.serialize(keepAlive);
        if (slot.head)
            slot.bytes.chop(response.body.size());  // HEAD: the headers of a GET only
        break;
    }
    flush();
}

void HttpConnection::flush() {
    bool wrote = false;
    while (!m_slots.empty() && m_slots.front().ready) {
        Slot slot = std::move(m_slots.front());
        m_slots.pop_front();
        // Observed before the write, so the server thread counts this answer
        // before any request the client sends after reading it.
        m_worker->observe(slot.status, double(m_worker->nowNs() - slot.startNs) / 1e6, slot.tag);
        m_socket->write(slot.bytes);
        wrote = true;
        if (!slot.keepAlive) {
            m_closing = true;
            m_slots.clear();
            m_socket->disconnectFromHost();  // after the written bytes are sent
            return;
        }
    }
    if (wrote) {
        m_lastActivityMs = m_worker->nowMs();
        // Requests held back by the pipelining limit can go now.
        if (!m_buffer.isEmpty() && !m_closing)
            processBuffer();
        if (m_readPaused && !m_closing &&
            qsizetype(m_slots.size()) < m_worker->limits().maxPipelinedRequests) {
            m_readPaused = false;
            if (m_socket->bytesAvailable() > 0)
                onReadyRead();
        }
    }
}

void HttpConnection::dropUnfinishedHandshake() {
    // No 408 can be written without encryption (QSslSocket would hold it, and
    // the close with it, until a handshake that never comes): counted as a
    // 408 like any other request cut off for being slow, then cut off.
    m_closing = true;
    m_worker->observe(408, 0.0, 0);
    m_socket->abort();  // emits disconnected(): forgotten and deleted
}

void HttpConnection::failAndClose(int status, const QString& message) {
    // Earlier pipelined requests still get their answers first.
    m_closing = true;
    Slot slot;
    slot.id = m_nextSlot++;
    slot.keepAlive = false;
    slot.startNs = m_worker->nowNs();
    m_slots.push_back(std::move(slot));
    complete(m_slots.back().id, HttpServer::errorResponse(status, message));
}

}  // namespace pulsco
