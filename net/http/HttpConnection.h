// One client connection, living on an I/O thread: reads and parses requests,
// hands them to the server's handler (on the server's thread), and writes the
// answers back in request order even when they are completed out of order
// (deferred answers, pipelined requests).
#pragma once

#include "net/http/HttpRequestParser.h"
#include "net/http/HttpResponse.h"

#include <QObject>

#include <deque>
#include <memory>

class QTcpSocket;

namespace pulsco {

class HttpIoWorker;
struct HttpAnswerChannel;

// Handle to the answer slot of one request. Copyable, usable from any thread;
// answering twice, or after the client went away, does nothing.
class HttpResponder {
public:
    HttpResponder() = default;
    void respond(HttpResponse response) const;
    // A copy that stamps `tag` on every answer it gives
    // (HttpResponse::observationTag): the handler classifies a request once,
    // and every answer to it, however deferred, carries that class.
    HttpResponder tagged(int tag) const {
        HttpResponder copy = *this;
        copy.m_tag = tag;
        return copy;
    }

private:
    friend class HttpIoWorker;
    HttpResponder(std::shared_ptr<HttpAnswerChannel> channel, quint64 connection, quint64 slot)
        : m_channel(std::move(channel))
        , m_connection(connection)
        , m_slot(slot) {}
    std::shared_ptr<HttpAnswerChannel> m_channel;
    quint64 m_connection = 0;
    quint64 m_slot = 0;
    int m_tag = 0;
};

class HttpConnection : public QObject {
    Q_OBJECT
public:
    HttpConnection(QTcpSocket* socket, quint64 id, HttpIoWorker* worker);

    quint64 id() const { return m_id; }
    // An answer from the server thread for one of this connection's requests.
    void complete(quint64 slot, HttpResponse response);

    // Called by the server's sweep timer; closes idle or too slow connections.
    void checkTimeouts(qint64 nowMs);
    void close();

private:
    struct Slot {
        quint64 id = 0;
        bool ready = false;
        bool keepAlive = true;
        bool head = false;  // a HEAD request: answer without the body
        QByteArray bytes;
        int status = 0;
        int tag = 0;  // HttpResponse::observationTag
        qint64 startNs = 0;
    };

    void onReadyRead();
    void processBuffer();
    void flush();
    void failAndClose(int status, const QString& message);
    void dropUnfinishedHandshake();
    bool handOffWebSocket(const HttpRequest& request);

    QTcpSocket* m_socket;
    quint64 m_id;
    HttpIoWorker* m_worker;
    QByteArray m_buffer;
    std::deque<Slot> m_slots;
    quint64 m_nextSlot = 1;
    qint64 m_lastActivityMs = 0;
    // When the current unfinished request began; on a TLS connection the
    // handshake is the start of its first request, so a client that never
    // finishes it meets the same deadline as a slow request.
    qint64 m_partialSinceMs = -1;
    bool m_handshaking = false;  // TLS: not encrypted yet, nothing can be answered
    bool m_inTransaction = false;
    bool m_processing = false;
    bool m_readPaused = false;  // stopped reading: too many unanswered requests
    bool m_closing = false;     // no more requests are read
};

}  // namespace pulsco
