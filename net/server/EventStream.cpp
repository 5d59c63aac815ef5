#include "net/server/EventStream.h"

#include <QDebug>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace Qt::StringLiterals;

namespace pulsco {

EventStream::EventStream(QObject* parent)
    : QObject(parent)
    , m_server(new QWebSocketServer(u"pulsco-matchd"_s, QWebSocketServer::NonSecureMode, this)) {
    connect(m_server, &QWebSocketServer::newConnection, this, &EventStream::onNewConnection);
}

EventStream::~EventStream() = default;

void EventStream::onNewConnection() {
    while (QWebSocket* socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        m_clients.append(socket);
        connect(socket, &QWebSocket::disconnected, this, [this, socket] {
            m_clients.removeAll(socket);
            socket->deleteLater();
        });
    }
}

void EventStream::broadcast(const QByteArray& fields) {
    ++m_seq;
    if (m_clients.isEmpty())
        return;
    QByteArray message;
    message.reserve(fields.size() + 32);
    message += "{\"seq\":" + QByteArray::number(m_seq) + ',' + fields + '}';
    const QString text = QString::fromUtf8(message);
    const auto clients = m_clients;
    for (QWebSocket* socket : clients) {
        if (socket->bytesToWrite() > m_maxBuffered) {
            qWarning().noquote() << "events: dropping a slow consumer"
                                 << socket->peerAddress().toString() << "with"
                                 << socket->bytesToWrite() << "bytes unsent";
            m_clients.removeAll(socket);
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                          u"slow consumer: too many unsent bytes"_s);
            socket->abort();
            continue;
        }
        socket->sendTextMessage(text);
    }
}

void EventStream::closeAll() {
    const auto clients = m_clients;
    for (QWebSocket* socket : clients)
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, u"server shutting down"_s);
}

}  // namespace pulsco
