#include "net/load/HttpLoadClient.h"

#include <QTcpSocket>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// Content-Length of a header block ("" -> -1); case-insensitive name.
qint64 contentLength(const QByteArray& head) {
    qsizetype from = 0;
    while (true) {
        const qsizetype eol = head.indexOf("\r\n", from);
        if (eol < 0)
            return -1;
        const QByteArray line = head.mid(from, eol - from);
        from = eol + 2;
        if (line.size() > 15 && qstrnicmp(line.constData(), "content-length:", 15) == 0)
            return line.mid(15).trimmed().toLongLong();
    }
}

}  // namespace

QString HttpLoadClient::checkTargetUrl(const QString& text) {
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != u"http" || url.host().isEmpty())
        return text + u": must be an http:// URL with a host, e.g. http://127.0.0.1:8080"_s;
    if (!url.path().isEmpty() && url.path() != u"/")
        return text + u": must be the server's base URL, without a path"_s;
    if (url.hasQuery() || url.hasFragment() || !url.userInfo().isEmpty())
        return text + u": must not have a query, fragment or credentials"_s;
    return {};
}

HttpLoadClient::HttpLoadClient(const QList<QUrl>& targets, int maxConnectionsPerTarget,
                               double timeoutMs, QObject* parent)
    : QObject(parent)
    , m_maxConnections(std::max(1, maxConnectionsPerTarget))
    , m_timeoutMs(timeoutMs) {
    m_clock.start();
    for (const QUrl& url : targets) {
        Target& t = m_targets.emplace_back();
        t.host = url.host();
        t.port = static_cast<quint16>(url.port(80));
        t.hostHeader = url.host().toUtf8() + ':' + QByteArray::number(t.port);
    }
    m_timeoutCheck.setInterval(50);
    connect(&m_timeoutCheck, &QTimer::timeout, this, &HttpLoadClient::checkTimeouts);
    m_timeoutCheck.start();
}

HttpLoadClient::~HttpLoadClient() {
    abortAll();
}

int HttpLoadClient::openConnections() const {
    int n = 0;
    for (const Target& t : m_targets)
        n += int(t.connections.size());
    return n;
}

void HttpLoadClient::send(int targetIndex, double intendedMs, const QByteArray& method,
                          const QByteArray& path, const QByteArray& body, Callback done) {
    Target& target = m_targets[static_cast<std::size_t>(targetIndex)];
    Request request;
    request.intendedMs = intendedMs;
    request.done = std::move(done);
    request.bytes.reserve(128 + body.size());
    request.bytes += method + ' ' + path + " HTTP/1.1\r\nHost: " + target.hostHeader;
    if (!body.isEmpty() || method == "POST")
        request.bytes += "\r\nContent-Type: application/json\r\nContent-Length: " +
                         QByteArray::number(body.size());
    request.bytes += "\r\n\r\n" + body;
    if (!target.idle.empty()) {
        Connection* c = target.idle.back();
        target.idle.pop_back();
        dispatch(target, c, std::move(request));
    } else if (int(target.connections.size()) < m_maxConnections) {
        dispatch(target, open(targetIndex), std::move(request));
    } else {
        target.waiting.push_back(std::move(request));
    }
}

void HttpLoadClient::dispatch(Target&, Connection* connection, Request request) {
    connection->busy = true;
    connection->in.clear();
    connection->current = std::move(request);
    // Written while still connecting is fine: the socket sends it once
    // connected.
    connection->socket->write(connection->current.bytes);
}

HttpLoadClient::Connection* HttpLoadClient::open(int targetIndex) {
    Target& target = m_targets[static_cast<std::size_t>(targetIndex)];
    auto connection = std::make_unique<Connection>();
    Connection* c = connection.get();
    c->socket = new QTcpSocket(this);
    c->socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(c->socket, &QTcpSocket::readyRead, this,
            [this, targetIndex, c] { onReadyRead(targetIndex, c); });
    connect(c->socket, &QTcpSocket::disconnected, this, [this, targetIndex, c] {
        if (c->busy) {
            HttpLoadAnswer a;
            a.failure = "connection";
            a.latencyMs = nowMs() - c->current.intendedMs;
            finish(targetIndex, c, std::move(a), false);
        } else {
            drop(targetIndex, c);
        }
    });
    connect(c->socket, &QTcpSocket::errorOccurred, this,
            [this, targetIndex, c](QAbstractSocket::SocketError error) {
                if (error == QAbstractSocket::RemoteHostClosedError)
                    return;  // `disconnected` follows
                if (c->busy) {
                    HttpLoadAnswer a;
                    a.failure = "connection";
                    a.latencyMs = nowMs() - c->current.intendedMs;
                    finish(targetIndex, c, std::move(a), false);
                } else {
                    drop(targetIndex, c);
                }
            });
    c->socket->connectToHost(target.host, target.port);
    target.connections.push_back(std::move(connection));
    return c;
}

void HttpLoadClient::onReadyRead(int targetIndex, Connection* c) {
    c->in += c->socket->readAll();
    if (!c->busy)
        return;
    const qsizetype headEnd = c->in.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return;
    const qint64 length = contentLength(c->in.left(headEnd + 2));
    const qsizetype total = headEnd + 4 + std::max<qint64>(0, length);
    if (c->in.size() < total)
        return;
    HttpLoadAnswer a;
    a.latencyMs = nowMs() - c->current.intendedMs;
    // "HTTP/1.1 201 Created"
    a.status = c->in.mid(9, 3).toInt();
    a.body = c->in.mid(headEnd + 4, std::max<qint64>(0, length));
    const QByteArray head = c->in.left(headEnd).toLower();
    const bool keep = length >= 0 && !head.contains("connection: close");
    c->in.remove(0, total);
    finish(targetIndex, c, std::move(a), keep);
}

void HttpLoadClient::finish(int targetIndex, Connection* c, HttpLoadAnswer answer, bool keep) {
    Callback done = std::move(c->current.done);
    c->busy = false;
    c->current = {};
    Target& target = m_targets[static_cast<std::size_t>(targetIndex)];
    if (!keep) {
        drop(targetIndex, c);
    } else if (!target.waiting.empty()) {
        Request next = std::move(target.waiting.front());
        target.waiting.pop_front();
        dispatch(target, c, std::move(next));
    } else {
        c->idleSinceMs = nowMs();
        target.idle.push_back(c);
    }
    if (done)
        done(answer);
    // A dropped connection's waiting requests go out on a fresh one.
    if (!keep && !target.waiting.empty() && int(target.connections.size()) < m_maxConnections) {
        Request next = std::move(target.waiting.front());
        target.waiting.pop_front();
        dispatch(target, open(targetIndex), std::move(next));
    }
}

void HttpLoadClient::drop(int targetIndex, Connection* c) {
    Target& target = m_targets[static_cast<std::size_t>(targetIndex)];
    target.idle.erase(std::remove(target.idle.begin(), target.idle.end(), c), target.idle.end());
    auto it = std::find_if(target.connections.begin(), target.connections.end(),
                           [c](const auto& p) { return p.get() == c; });
    if (it == target.connections.end())
        return;
    c->socket->disconnect(this);
    c->socket->abort();
    c->socket->deleteLater();
    target.connections.erase(it);
}

void HttpLoadClient::checkTimeouts() {
    const double now = nowMs();
    for (int t = 0; t < int(m_targets.size()); ++t) {
        Target& target = m_targets[static_cast<std::size_t>(t)];
        std::vector<Connection*> late;
        for (const auto& c : target.connections)
            if (c->busy && now - c->current.intendedMs > m_timeoutMs)
                late.push_back(c.get());
        for (Connection* c : late) {
            HttpLoadAnswer a;
            a.failure = "timeout";
            a.latencyMs = now - c->current.intendedMs;
            finish(t, c, std::move(a), false);
        }
        // The idle stack is LIFO (hot connections stay hot), so the longest
        // idle are at its bottom.
        std::vector<Connection*> cold;
        for (Connection* c : target.idle) {
            if (now - c->idleSinceMs <= kIdleCloseMs)
                break;
            cold.push_back(c);
        }
        for (Connection* c : cold)
            drop(t, c);
        while (!target.waiting.empty() && now - target.waiting.front().intendedMs > m_timeoutMs) {
            Request r = std::move(target.waiting.front());
            target.waiting.pop_front();
            HttpLoadAnswer a;
            a.failure = "timeout";
            a.latencyMs = now - r.intendedMs;
            if (r.done)
                r.done(a);
        }
    }
}

void HttpLoadClient::abortAll() {
    m_timeoutCheck.stop();
    for (Target& target : m_targets) {
        for (const auto& c : target.connections) {
            c->socket->disconnect(this);
            c->socket->abort();
            c->socket->deleteLater();
        }
        target.connections.clear();
        target.idle.clear();
        target.waiting.clear();
    }
}

}  // namespace pulsco
