// GET /v1/events: a WebSocket stream of JSON messages, each with a `seq` that
// increases by one per message of the stream (the same numbering for every
// client, so a gap means a lost message): a "snapshot" each second, and
// "ticket" and "match" events as they happen. A client that does not read
// fast enough is dropped with close code 1008 once more than maxBufferedBytes
// wait for it, so one slow consumer cannot grow the server's memory.
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>

class QWebSocket;
class QWebSocketServer;

namespace pulsco {

class EventStream : public QObject {
    Q_OBJECT
public:
    explicit EventStream(QObject* parent = nullptr);
    ~EventStream() override;

    QWebSocketServer* server() const { return m_server; }
    int clientCount() const { return int(m_clients.size()); }
    bool hasClients() const { return !m_clients.isEmpty(); }
    quint64 lastSeq() const { return m_seq; }
    void setMaxBufferedBytes(qint64 bytes) { m_maxBuffered = bytes; }

    // `fields` is the inside of a JSON object without braces, e.g.
    // "\"type\":\"snapshot\",\"snapshot\":{...}"; seq is prepended.
    void broadcast(const QByteArray& fields);
    void closeAll();

private:
    void onNewConnection();
    QWebSocketServer* m_server;
    QList<QWebSocket*> m_clients;
    quint64 m_seq = 0;
    qint64 m_maxBuffered = 8 * 1024 * 1024;
};

}  // namespace pulsco
