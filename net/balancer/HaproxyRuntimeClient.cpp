#include "net/balancer/HaproxyRuntimeClient.h"

#include <QLocalSocket>
#include <QTcpSocket>

namespace pulsco {

namespace {
// `show stat` of a large configuration is a few hundred kB; anything far
// past that is not HAProxy talking.
constexpr qsizetype kMaxAnswerBytes = 16 * 1024 * 1024;
}  // namespace

HaproxyRuntimeClient::HaproxyRuntimeClient(HaproxyAddress address, QObject* parent)
    : QObject(parent)
    , m_address(std::move(address)) {
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this,
            [this] { onSocketError(QStringLiteral("no answer within %1 ms").arg(m_timeoutMs)); });
}

HaproxyRuntimeClient::~HaproxyRuntimeClient() {
    if (m_socket) {
        m_socket->disconnect(this);
        delete m_socket.data();
    }
}

bool HaproxyRuntimeClient::looksLikeHaproxyError(const QString& text) {
    // The 2.6 CLI's error answers start with one of these (src/cli.c,
    // src/server.c, src/proxy.c, src/stats.c). Checked on the first line
    // only: a `show` answer's later lines are data.
    static const QLatin1String prefixes[] = {
        QLatin1String("Unknown command"), QLatin1String("Permission denied"),
        QLatin1String("No such "),        QLatin1String("Require "),
        QLatin1String("Missing "),        QLatin1String("Invalid "),
        QLatin1String("Can't "),          QLatin1String("Cannot "),
        QLatin1String("Absolute weight"), QLatin1String("Relative weight"),
        QLatin1String("'set server "),    QLatin1String("'get weight"),
        QLatin1String("Unknown "),        QLatin1String("Unsupported "),
    };
    const QString firstLine = text.section(u'\n', 0, 0).trimmed();
    for (const auto& p : prefixes)
        if (firstLine.startsWith(p))
            return true;
    return false;
}

quint64 HaproxyRuntimeClient::send(const QString& command, Expect expect, Callback callback) {
    Job job{m_nextId++, command, expect, std::move(callback)};
    const quint64 id = job.id;
    m_queue.push_back(std::move(job));
    // Started from the event loop, never from inside send(): a caller gets
    // its id before any answer (even a refused one) can reach it.
    QMetaObject::invokeMethod(this, &HaproxyRuntimeClient::startNext, Qt::QueuedConnection);
    return id;
}

QString HaproxyRuntimeClient::errorFor(const QString& command, const QString& why) const {
    return QStringLiteral("haproxy %1: '%2': %3").arg(m_address.toString(), command, why);
}

void HaproxyRuntimeClient::startNext() {
    if (m_current || m_queue.empty())
        return;
    m_current = std::make_unique<Job>(std::move(m_queue.front()));
    m_queue.pop_front();
    m_buffer.clear();
    const QString& command = m_current->command;
    if (command.trimmed().isEmpty() || command.contains(u'\n') || command.contains(u'\r') ||
        command.contains(u';')) {
        finish(false, QStringLiteral("refused before sending: a command is one line without "
                                     "';' (HAProxy would run the rest as another command)"));
        return;
    }
    m_deadline.start(m_timeoutMs);
    if (m_address.kind == HaproxyAddress::Kind::Tcp) {
        auto* s = new QTcpSocket(this);
        m_socket = s;
        connect(s, &QTcpSocket::connected, this, &HaproxyRuntimeClient::onConnected);
        connect(s, &QTcpSocket::readyRead, this, &HaproxyRuntimeClient::onReadyRead);
        connect(s, &QTcpSocket::disconnected, this, &HaproxyRuntimeClient::onClosed);
        connect(s, &QTcpSocket::errorOccurred, this, [this, s](QAbstractSocket::SocketError e) {
            // HAProxy closing after its answer is how an answer ends.
            if (e == QAbstractSocket::RemoteHostClosedError)
                return;
            QString why;
            switch (e) {
            case QAbstractSocket::ConnectionRefusedError:
                why = QStringLiteral("connection refused (is HAProxy running with a stats "
                                     "socket on this address?)");
                break;
            case QAbstractSocket::HostNotFoundError:
                why = QStringLiteral("host not found");
                break;
            case QAbstractSocket::SocketAccessError:
                why = QStringLiteral("permission denied");
                break;
            default:
                why = s->errorString();
            }
            onSocketError(why);
        });
        s->connectToHost(m_address.host, m_address.port);
    } else {
        auto* s = new QLocalSocket(this);
        m_socket = s;
        connect(s, &QLocalSocket::connected, this, &HaproxyRuntimeClient::onConnected);
        connect(s, &QLocalSocket::readyRead, this, &HaproxyRuntimeClient::onReadyRead);
        connect(s, &QLocalSocket::disconnected, this, &HaproxyRuntimeClient::onClosed);
        connect(s, &QLocalSocket::errorOccurred, this, [this, s](QLocalSocket::LocalSocketError e) {
            if (e == QLocalSocket::PeerClosedError)
                return;
            QString why;
            switch (e) {
            case QLocalSocket::ServerNotFoundError:
                why = QStringLiteral("socket missing (no such file)");
                break;
            case QLocalSocket::SocketAccessError:
                why = QStringLiteral("permission denied (the socket's owner or mode keeps this "
                                     "user out)");
                break;
            case QLocalSocket::ConnectionRefusedError:
                why = QStringLiteral("connection refused (a stale socket file: is HAProxy "
                                     "running?)");
                break;
            default:
                why = s->errorString();
            }
            onSocketError(why);
        });
        s->connectToServer(m_address.path);
    }
}

void HaproxyRuntimeClient::onConnected() {
    if (m_socket && m_current)
        m_socket->write(m_current->command.toUtf8() + '\n');
}

void HaproxyRuntimeClient::onReadyRead() {
    if (!m_socket || !m_current)
        return;
    m_buffer += m_socket->readAll();
    if (m_buffer.size() > kMaxAnswerBytes)
        onSocketError(QStringLiteral("answer longer than %1 bytes").arg(kMaxAnswerBytes));
}

void HaproxyRuntimeClient::onClosed() {
    if (!m_socket || !m_current)
        return;
    m_buffer += m_socket->readAll();
    // Even a command that worked answers something (an empty line): no byte
    // at all is a connection cut before HAProxy answered.
    if (m_buffer.isEmpty()) {
        finish(false, QStringLiteral("closed without an answer"));
        return;
    }
    QString text = QString::fromUtf8(m_buffer);
    while (text.endsWith(u'\n'))
        text.chop(1);
    if (m_current->expect == Expect::Nothing) {
        // Action commands answer an empty line when they worked; whatever
        // HAProxy says instead is why they did not.
        if (!text.trimmed().isEmpty()) {
            finish(false, text.section(u'\n', 0, 0).trimmed());
            return;
        }
    } else if (looksLikeHaproxyError(text)) {
        // "Unknown command" is followed by the whole help text: the first
        // line is the message.
        finish(false, text.section(u'\n', 0, 0).trimmed());
        return;
    } else if (text.trimmed().isEmpty()) {
        finish(false, QStringLiteral("empty answer (HAProxy closed without a word)"));
        return;
    }
    finish(true, text);
}

void HaproxyRuntimeClient::onSocketError(const QString& why) {
    if (m_current)
        finish(false, why);
}

void HaproxyRuntimeClient::finish(bool ok, const QString& textOrWhy) {
    m_deadline.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->close();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    const std::unique_ptr<Job> job = std::move(m_current);
    Answer answer;
    answer.id = job->id;
    answer.command = job->command;
    answer.ok = ok;
    if (ok) {
        answer.text = textOrWhy;
        emit answered(job->id, job->command, answer.text);
    } else {
        answer.error = errorFor(job->command, textOrWhy);
        emit failed(job->id, job->command, answer.error);
    }
    // The next command starts before the callback runs, from the event loop,
    // so a callback that sends again queues behind it in order.
    QMetaObject::invokeMethod(this, &HaproxyRuntimeClient::startNext, Qt::QueuedConnection);
    if (job->callback)
        job->callback(answer);
}

}  // namespace pulsco
