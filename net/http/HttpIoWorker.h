// One I/O thread of the HTTP server: owns its connections (sockets, reading,
// parsing, answer serialisation and writing) and crosses to the server's
// thread in batches: parsed requests go through the server's inbox, answers
// come back through this worker's AnswerChannel, each with one queued
// invocation per batch rather than per request. Defined in HttpServer.cpp
// (the server and its threads are one job).
//
// Data crosses threads only through mutex-protected queues, and the queued
// calls are made by method name (no functor allocated on one thread and run
// on another): the hand-offs stay visible to ThreadSanitizer, for which Qt's
// own event queue is uninstrumented.
#pragma once

#include "net/http/HttpRequest.h"
#include "net/http/HttpResponse.h"

#include <QObject>
#include <QTimer>

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

class QTcpSocket;

namespace pulsco {

class HttpConnection;
class HttpIoWorker;
class HttpServer;
class HttpRequestParser;
struct HttpServerLimits;

// Answers on their way from the server thread to one worker. The worker
// pointer is cleared (under the mutex) when the worker goes away, so a late
// answer is dropped instead of reaching a deleted object.
struct HttpAnswerChannel {
    struct Answer {
        quint64 connection = 0;
        quint64 slot = 0;
        HttpResponse response;
    };
    std::mutex mutex;
    HttpIoWorker* worker = nullptr;
    std::vector<Answer> answers;
};

class HttpIoWorker : public QObject {
    Q_OBJECT
public:
    explicit HttpIoWorker(HttpServer* server);  // then moved to its thread
    ~HttpIoWorker() override;  // after shutdown() ran on its thread and the thread ended

    // From the server thread: a descriptor to adopt (queued, batched).
    void queueDescriptor(qintptr descriptor);

    // Queued calls, run on the worker's thread:
    Q_INVOKABLE void adoptQueued();
    Q_INVOKABLE void start();     // sweep timer
    Q_INVOKABLE void closeAll();  // graceful: answers written, then disconnected
    // Last call on its thread: closes and deletes every connection there.
    Q_INVOKABLE void shutdown();

    // For its connections (worker thread):
    const HttpServerLimits& limits() const;
    const HttpRequestParser& parser() const;
    qint64 nowMs() const;
    qint64 nowNs() const;
    void dispatch(HttpRequest&& request, quint64 connection, quint64 slot);
    void observe(int status, double latencyMs, int tag);
    void forget(HttpConnection* connection);
    void handOffWebSocket(QTcpSocket* socket);
    bool isWebSocketPath(const QByteArray& path) const;

    const std::shared_ptr<HttpAnswerChannel>& channel() const { return m_channel; }
    // Posted (once per batch) when answers arrive in the channel.
    Q_INVOKABLE void drainAnswers();

private:
    void adopt(qintptr descriptor);

    HttpServer* m_server;
    std::shared_ptr<HttpAnswerChannel> m_channel;
    std::unordered_map<quint64, HttpConnection*> m_connections;
    quint64 m_nextConnectionId = 1;
    QTimer m_sweep;
    std::mutex m_descriptorMutex;
    std::vector<qintptr> m_descriptors;
};

}  // namespace pulsco
