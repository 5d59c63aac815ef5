#include "net/live/LiveServerLink.h"

#include "bridge/JsonReader.h"
#include "bridge/MetricsSnapshotJson.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>
#include <QWebSocket>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

constexpr int kFirstBackoffMs = 250;
constexpr int kMaxBackoffMs = 2000;  // a restarted server is seen within ~2 s
constexpr int kPollIntervalMs = 1000;
constexpr int kRequestTimeoutMs = 2000;
constexpr int kStaleCheckMs = 100;

QNetworkRequest jsonRequest(const QString& url) {
    QNetworkRequest request{QUrl(url)};
    request.setTransferTimeout(kRequestTimeoutMs);
    return request;
}

// "ticket" and "match" messages of the stream as event-log lines; ticket
// state changes other than expiry and cancellation are too many to log.
std::optional<LogEvent> logEventOf(JsonObjectReader& message, const QString& type,
                                   const QString& color, double timeSeconds) {
    LogEvent event;
    event.color = color.toStdString();
    event.timeSeconds = timeSeconds;
    event.wallTimeUnixMs = static_cast<double>(QDateTime::currentMSecsSinceEpoch());
    const QJsonObject raw = message.raw();
    if (type == u"match") {
        const QJsonObject match = raw.value(u"match").toObject();
        event.kind = LogEventKind::Match;
        event.text = QString(match.value(u"queue").toString() + u" match "_s +
                             match.value(u"match_id").toString() + u" in "_s +
                             match.value(u"region").toString() + u", quality "_s +
                             QString::number(match.value(u"quality").toDouble(), 'f', 2))
                         .toStdString();
        return event;
    }
    if (type == u"ticket") {
        const QString state = raw.value(u"state").toString();
        if (state == u"expired")
            event.kind = LogEventKind::Expiry;
        else if (state == u"cancelled")
            event.kind = LogEventKind::Cancel;
        else
            return std::nullopt;
        event.text =
            QString(u"ticket "_s + raw.value(u"ticket_id").toString() + u' ' + state).toStdString();
        return event;
    }
    return std::nullopt;
}

}  // namespace

LiveServerLink::LiveServerLink(QString baseUrl, QNetworkAccessManager* network, QObject* parent)
    : QObject(parent)
    , m_baseUrl(std::move(baseUrl))
    , m_network(network) {
    while (m_baseUrl.endsWith(u'/'))
        m_baseUrl.chop(1);
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &LiveServerLink::requestInfo);
    m_pollTimer.setInterval(kPollIntervalMs);
    connect(&m_pollTimer, &QTimer::timeout, this, &LiveServerLink::poll);
    m_staleCheck.setInterval(kStaleCheckMs);
    connect(&m_staleCheck, &QTimer::timeout, this, &LiveServerLink::checkStaleness);
}

LiveServerLink::~LiveServerLink() {
    stop();
}

void LiveServerLink::start() {
    if (m_running)
        return;
    m_running = true;
    m_lastData.start();
    m_staleCheck.start();
    requestInfo();
}

void LiveServerLink::stop() {
    m_running = false;
    m_reconnect.stop();
    m_pollTimer.stop();
    m_staleCheck.stop();
    if (m_pending)
        m_pending->abort();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
}

void LiveServerLink::requestInfo() {
    if (!m_running)
        return;
    m_mode = Mode::Connecting;
    QNetworkReply* reply = m_network->get(jsonRequest(m_baseUrl + u"/v1/info"_s));
    m_pending = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onInfo(reply); });
}

void LiveServerLink::onInfo(QNetworkReply* reply) {
    reply->deleteLater();
    m_pending = nullptr;
    if (!m_running)
        return;
    if (reply->error() != QNetworkReply::NoError) {
        lost(m_baseUrl + u"/v1/info: "_s + reply->errorString());
        return;
    }
    JsonReader reader(m_baseUrl + u"/v1/info"_s);
    auto info = reader.parseObject(reply->readAll());
    QString color;
    bool admin = false;
    if (info) {
        color = info->oneOf(u"color", {u"blue"_s, u"green"_s});
        admin = info->optionalBoolean(u"admin_enabled", false);
    }
    if (!reader.ok()) {
        lost(reader.error());
        return;
    }
    m_color = color;
    m_adminEnabled = admin;
    m_problem.clear();
    if (m_pushAllowed)
        openPush();
    else
        poll();
    Q_EMIT statusChanged();
}

void LiveServerLink::openPush() {
    QString url = m_baseUrl + u"/v1/events"_s;
    url.replace(0, 4, u"ws"_s);  // http -> ws, https -> wss
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    QWebSocket* socket = m_socket;
    connect(socket, &QWebSocket::connected, this, [this] {
        m_mode = Mode::Push;
        m_backoffMs = 0;
        Q_EMIT statusChanged();
    });
    connect(socket, &QWebSocket::textMessageReceived, this, &LiveServerLink::onPushMessage);
    // A failed handshake may report an error, a disconnect or both: the
    // first one wins (the socket is no longer m_socket afterwards).
    const auto ended = [this, socket] {
        if (socket != m_socket)
            return;
        const bool wasPush = m_mode == Mode::Push;
        m_socket = nullptr;
        socket->disconnect(this);
        socket->deleteLater();
        if (!m_running)
            return;
        if (wasPush) {
            lost(m_baseUrl + u"/v1/events: connection closed"_s);
        } else {
            // Refused at the upgrade (an old server, a proxy without
            // WebSocket support): poll; if the server itself is gone the
            // poll fails and the link reconnects.
            m_mode = Mode::Polling;
            poll();
            Q_EMIT statusChanged();
        }
    };
    connect(socket, &QWebSocket::disconnected, this, ended);
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, ended);
    socket->open(QUrl(url));
}

void LiveServerLink::onPushMessage(const QString& text) {
    JsonReader reader(m_baseUrl + u"/v1/events"_s);
    auto message = reader.parseObject(text.toUtf8());
    if (!message)
        return;
    const auto seq = static_cast<quint64>(message->integer(u"seq", 0, qint64(1) << 53));
    const QString type = message->optionalString(u"type", QString(), 32);
    m_lastSeq = seq;
    if (type == u"snapshot") {
        MetricsSnapshot snapshot = readMetricsSnapshot(message->object(u"snapshot"));
        if (!reader.ok()) {
            m_problem = reader.error();
            return;
        }
        acceptSnapshot(std::make_shared<const MetricsSnapshot>(std::move(snapshot)));
        return;
    }
    const double time = m_latest ? m_latest->timeSeconds : 0;
    if (auto event = logEventOf(*message, type, m_color, time)) {
        // Any message proves the server alive.
        m_lastData.restart();
        Q_EMIT eventsReceived(std::make_shared<const std::vector<LogEvent>>(1, *event));
    }
}

void LiveServerLink::poll() {
    if (!m_running || m_pending)
        return;
    m_mode = Mode::Polling;
    QNetworkReply* reply = m_network->get(jsonRequest(m_baseUrl + u"/v1/stats"_s));
    m_pending = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onPoll(reply); });
}

void LiveServerLink::onPoll(QNetworkReply* reply) {
    reply->deleteLater();
    m_pending = nullptr;
    if (!m_running)
        return;
    if (reply->error() != QNetworkReply::NoError) {
        m_pollTimer.stop();
        lost(m_baseUrl + u"/v1/stats: "_s + reply->errorString());
        return;
    }
    QString error;
    auto snapshot = metricsSnapshotFromJson(reply->readAll(), m_baseUrl + u"/v1/stats"_s, &error);
    if (!snapshot) {
        m_problem = error;
    } else {
        m_backoffMs = 0;
        acceptSnapshot(std::make_shared<const MetricsSnapshot>(std::move(*snapshot)));
    }
    if (!m_pollTimer.isActive())
        m_pollTimer.start();
}

void LiveServerLink::lost(const QString& why) {
    m_problem = why;
    m_mode = Mode::Connecting;
    m_pollTimer.stop();
    // Lost contact: whatever we hold stops being current right now, not
    // three seconds later.
    if (m_everData)
        setStale(true);
    scheduleReconnect();
    Q_EMIT statusChanged();
}

void LiveServerLink::scheduleReconnect() {
    m_backoffMs = m_backoffMs == 0 ? kFirstBackoffMs : std::min(kMaxBackoffMs, m_backoffMs * 2);
    m_reconnect.start(m_backoffMs);
}

void LiveServerLink::acceptSnapshot(SnapshotPtr snapshot) {
    m_everData = true;
    m_lastData.restart();
    m_latest = std::move(snapshot);
    m_problem.clear();
    setStale(false);
    Q_EMIT snapshotReceived(m_latest);
}

void LiveServerLink::checkStaleness() {
    // Silent but connected (a stalled process, a half-open socket): stale
    // once the data is older than the bar, and the connection is restarted.
    const qint64 age = m_lastData.elapsed();
    if (age > kStaleAfterMs && !m_stale) {
        setStale(true);
        if (m_mode == Mode::Push && m_socket) {
            m_socket->abort();
        }
        Q_EMIT statusChanged();
    }
}

void LiveServerLink::setStale(bool stale) {
    if (m_stale == stale)
        return;
    m_stale = stale;
    Q_EMIT statusChanged();
}

}  // namespace pulsco
