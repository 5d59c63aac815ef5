// One client connection: reads and parses requests, hands them to the server's
// handler, and writes the answers back in request order even when they are
// completed out of order (deferred answers, pipelined requests).
#pragma once

#include "net/http/HttpRequestParser.h"
#include "net/http/HttpResponse.h"

#include <QObject>
#include <QPointer>

#include <deque>

class QTcpSocket;

namespace pulsco {

class HttpServer;
class HttpConnection;

// Handle to the answer slot of one request. Copyable; answering twice, or
// after the client went away, does nothing.
class HttpResponder {
public:
    HttpResponder() = default;
    void respond(HttpResponse response) const;
    bool connected() const { return !m_connection.isNull(); }

private:
    friend class HttpConnection;
    HttpResponder(HttpConnection* connection, quint64 slot)
        : m_connection(connection)
        , m_slot(slot) {}
    QPointer<HttpConnection> m_connection;
    quint64 m_slot = 0;
};

class HttpConnection : public QObject {
    Q_OBJECT
public:
    HttpConnection(QTcpSocket* socket, HttpServer* server);

    // Called by the server's sweep timer; closes idle or too slow connections.
    void checkTimeouts(qint64 nowMs);
    void close();

private:
    friend class HttpResponder;
    struct Slot {
        quint64 id = 0;
        bool ready = false;
        bool keepAlive = true;
        bool head = false;  // a HEAD request: answer without the body
        QByteArray bytes;
        int status = 0;
        qint64 startNs = 0;
    };

    void onReadyRead();
    void processBuffer();
    void complete(quint64 slot, HttpResponse response);
    void flush();
    void failAndClose(int status, const QString& message);
    bool handOffWebSocket(const HttpRequest& request);

    QTcpSocket* m_socket;
    HttpServer* m_server;
    QByteArray m_buffer;
    std::deque<Slot> m_slots;
    quint64 m_nextSlot = 1;
    qint64 m_lastActivityMs = 0;
    qint64 m_partialSinceMs = -1;  // when the current unfinished request began
    bool m_inTransaction = false;
    bool m_processing = false;
    bool m_readPaused = false;  // stopped reading: too many unanswered requests
    bool m_closing = false;     // no more requests are read
};

}  // namespace pulsco
