#include "net/live/LiveServerLink.h"

#include "bridge/JsonReader.h"
#include "bridge/MetricsSnapshotJson.h"
#include "net/live/EventMessage.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QSslError>
#include <QUrl>
#include <QWebSocket>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

constexpr int kFirstBackoffMs = 250;
constexpr int kMaxBackoffMs = 2000;  // a restarted server is seen within ~2 s
constexpr int kPollIntervalMs = 1000;
constexpr int kRequestTimeoutMs = 2000;
constexpr int kStaleCheckMs = 100;

QString capText() {
    return u"%1 MiB"_s.arg(LiveServerLink::kMaxMessageBytes / (1024 * 1024));
}

QString sslErrorsText(const QList<QSslError>& errors) {
    QStringList texts;
    for (const QSslError& e : errors)
        texts << e.errorString();
    texts.removeDuplicates();
    return u"TLS certificate not accepted: "_s + texts.join(u"; "_s) +
           u" (to trust a self-signed server, give its CA certificate: --ca-cert FILE or the "
           "Connect dialog's CA certificate field)"_s;
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
    m_probeTimer.setInterval(kProbeIntervalMs);
    connect(&m_probeTimer, &QTimer::timeout, this, &LiveServerLink::probeReadiness);
}

LiveServerLink::~LiveServerLink() {
    stop();
}

void LiveServerLink::setCaCertificates(const QList<QSslCertificate>& certificates) {
    m_caCertificates = certificates;
}

QNetworkReply* LiveServerLink::get(const QString& path) {
    QNetworkRequest request{QUrl(m_baseUrl + path)};
    request.setTransferTimeout(kRequestTimeoutMs);
    if (!m_caCertificates.isEmpty()) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.addCaCertificates(m_caCertificates);
        request.setSslConfiguration(ssl);
    }
    QNetworkReply* reply = m_network->get(request);
    // Qt stops reading the socket once this much waits unread, so a huge
    // reply is never buffered whole before the check below aborts it.
    reply->setReadBufferSize(kMaxMessageBytes + 64 * 1024);
    m_pending = reply;
    m_pendingProblem.clear();
    m_sslProblem.clear();
    const QString where = m_baseUrl + path;
    // Cut off before buffering more than the cap: a declared length over it
    // is refused at the first bytes, an undeclared one once it gets there.
    connect(reply, &QNetworkReply::downloadProgress, this,
            [this, reply, where](qint64 received, qint64 total) {
                if (received <= kMaxMessageBytes && total <= kMaxMessageBytes)
                    return;
                if (reply == m_pending)
                    m_pendingProblem = u"%1: reply larger than the %2 cap (%3 bytes)"_s.arg(
                        where, capText(), QString::number(std::max(received, total)));
                reply->abort();
            });
    connect(reply, &QNetworkReply::sslErrors, this, [this, reply](const QList<QSslError>& errors) {
        if (reply == m_pending)
            m_sslProblem = sslErrorsText(errors);
    });
    auto* deadline = new QTimer(reply);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, this, [this, reply, where] {
        if (reply == m_pending)
            m_pendingProblem =
                u"%1: no complete reply within %2 s (the server answers too slowly)"_s.arg(
                    where, QString::number(kReplyDeadlineMs / 1000));
        reply->abort();
    });
    deadline->start(kReplyDeadlineMs);
    return reply;
}

QString LiveServerLink::replyProblem(QNetworkReply* reply, const QString& path) const {
    const QString where = m_baseUrl + path;
    if (!m_pendingProblem.isEmpty())
        return m_pendingProblem;
    if (reply->error() == QNetworkReply::NoError && reply->bytesAvailable() > kMaxMessageBytes)
        return u"%1: reply larger than the %2 cap (%3 bytes)"_s.arg(
            where, capText(), QString::number(reply->bytesAvailable()));
    if (!m_sslProblem.isEmpty())
        return where + u": "_s + m_sslProblem;
    if (reply->error() == QNetworkReply::OperationCanceledError)
        return where + u": no answer for %1 s (timed out)"_s.arg(kRequestTimeoutMs / 1000);
    return where + u": "_s + reply->errorString();
}

void LiveServerLink::setProblem(const QString& problem) {
    if (m_problem == problem)
        return;
    m_problem = problem;
    emit statusChanged();
}

void LiveServerLink::start() {
    if (m_running)
        return;
    m_running = true;
    m_lastData.start();
    m_staleCheck.start();
    m_probeTimer.start();
    requestInfo();
    probeReadiness();
}

void LiveServerLink::stop() {
    m_running = false;
    m_reconnect.stop();
    m_pollTimer.stop();
    m_staleCheck.stop();
    m_probeTimer.stop();
    if (m_probe) {
        m_probe->disconnect(this);
        m_probe->abort();
        m_probe->deleteLater();
    }
    if (m_pending)
        m_pending->abort();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
}

void LiveServerLink::setProbeIntervalMs(int ms) {
    m_probeTimer.setInterval(ms);
}

void LiveServerLink::probeReadiness() {
    const qint64 atMs = QDateTime::currentMSecsSinceEpoch();
    if (m_probe) {
        // The last probe is still unanswered a whole period later: that is
        // not ready, whatever it says in the end.
        m_probe->disconnect(this);
        m_probe->abort();
        m_probe->deleteLater();
        emit readinessProbed(atMs, false,
                             m_baseUrl +
                                 u"/readyz: no answer within %1 ms"_s.arg(m_probeTimer.interval()));
    }
    QNetworkRequest request{QUrl(m_baseUrl + u"/readyz"_s)};
    request.setTransferTimeout(std::max(1, m_probeTimer.interval()));
    if (!m_caCertificates.isEmpty()) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.addCaCertificates(m_caCertificates);
        request.setSslConfiguration(ssl);
    }
    QNetworkReply* reply = m_network->get(request);
    reply->setReadBufferSize(64 * 1024);  // {"ready":true}; nothing big is read
    m_probe = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply, atMs] {
        reply->deleteLater();
        if (m_probe == reply)
            m_probe = nullptr;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const bool ready = reply->error() == QNetworkReply::NoError && status == 200;
        QString reason;
        if (!ready && status != 0)
            reason = m_baseUrl + u"/readyz: HTTP %1 %2"_s.arg(status).arg(
                                     QString::fromUtf8(reply->read(300)).trimmed());
        else if (!ready)
            reason = m_baseUrl + u"/readyz: "_s + reply->errorString();
        emit readinessProbed(atMs, ready, reason);
    });
}

void LiveServerLink::requestInfo() {
    if (!m_running)
        return;
    m_mode = Mode::Connecting;
    QNetworkReply* reply = get(u"/v1/info"_s);
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onInfo(reply); });
}

void LiveServerLink::onInfo(QNetworkReply* reply) {
    reply->deleteLater();
    m_pending = nullptr;
    if (!m_running)
        return;
    if (reply->error() != QNetworkReply::NoError || reply->bytesAvailable() > kMaxMessageBytes) {
        lost(replyProblem(reply, u"/v1/info"_s));
        return;
    }
    JsonReader reader(m_baseUrl + u"/v1/info"_s);
    auto info = reader.parseObject(reply->readAll());
    QString color, environment, identity;
    bool admin = false;
    if (info) {
        // Who answered, for the audit trail: a restarted or replaced server
        // has another start time.
        const QString version = info->optionalString(u"version", {}, 64);
        const QString started = info->optionalString(u"started_at", {}, 64);
        identity = QString(u"pulsco-matchd "_s + version).trimmed();
        if (!started.isEmpty())
            identity += u", started "_s + started;
        color = info->oneOf(u"color", {u"blue"_s, u"green"_s});
        environment =
            info->optionalOneOf(u"environment", {u"staging"_s, u"production"_s}, u"staging"_s);
        admin = info->optionalBoolean(u"admin_enabled", false);
    }
    if (!reader.ok()) {
        lost(reader.error());
        return;
    }
    m_color = color;
    m_environment = environment;
    m_identity = identity;
    m_adminEnabled = admin;
    if (m_pushAllowed)
        openPush();
    else
        poll();
    emit statusChanged();
}

void LiveServerLink::openPush() {
    QString url = m_baseUrl + u"/v1/events"_s;
    url.replace(0, 4, u"ws"_s);  // http -> ws, https -> wss
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    QWebSocket* socket = m_socket;
    // Qt refuses a frame or message over the cap as it arrives (close code
    // 1009) instead of assembling it.
    socket->setMaxAllowedIncomingFrameSize(kMaxMessageBytes);
    socket->setMaxAllowedIncomingMessageSize(kMaxMessageBytes);
    m_closeReason.clear();
    m_sslProblem.clear();
    if (!m_caCertificates.isEmpty()) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.addCaCertificates(m_caCertificates);
        socket->setSslConfiguration(ssl);
    }
    connect(socket, &QWebSocket::sslErrors, this, [this, socket](const QList<QSslError>& errors) {
        if (socket == m_socket)
            m_sslProblem = sslErrorsText(errors);
    });
    connect(socket, &QWebSocket::connected, this, [this] {
        m_mode = Mode::Push;
        m_backoffMs = 0;
        emit statusChanged();
    });
    connect(socket, &QWebSocket::textMessageReceived, this, &LiveServerLink::onPushMessage);
    // A failed handshake may report an error, a disconnect or both: the
    // first one wins (the socket is no longer m_socket afterwards).
    const auto ended = [this, socket] {
        if (socket != m_socket)
            return;
        const bool wasPush = m_mode == Mode::Push;
        const QString where = m_baseUrl + u"/v1/events"_s;
        QString why = std::exchange(m_closeReason, QString());
        if (why.isEmpty() && socket->closeCode() == QWebSocketProtocol::CloseCodeTooMuchData)
            why = u"%1: message larger than the %2 cap"_s.arg(where, capText());
        if (why.isEmpty() && !m_sslProblem.isEmpty())
            why = where + u": "_s + m_sslProblem;
        if (why.isEmpty() && socket->error() != QAbstractSocket::UnknownSocketError)
            why = where + u": connection closed ("_s + socket->errorString() + u')';
        m_socket = nullptr;
        socket->disconnect(this);
        socket->deleteLater();
        if (!m_running)
            return;
        if (wasPush || !m_sslProblem.isEmpty()) {
            lost(why.isEmpty() ? where + u": connection closed"_s : why);
        } else {
            // Refused at the upgrade (an old server, a proxy without
            // WebSocket support): poll; if the server itself is gone the
            // poll fails and the link reconnects.
            m_mode = Mode::Polling;
            poll();
            emit statusChanged();
        }
    };
    connect(socket, &QWebSocket::disconnected, this, ended);
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, ended);
    socket->open(QUrl(url));
}

void LiveServerLink::onPushMessage(const QString& text) {
    QString error;
    auto message = parseEventMessage(text.toUtf8(),
                                     {m_baseUrl + u"/v1/events"_s, m_color,
                                      m_latest ? m_latest->timeSeconds : 0,
                                      double(QDateTime::currentMSecsSinceEpoch())},
                                     &error);
    if (!message) {
        setProblem(error);
        return;
    }
    m_lastSeq = message->seq;
    if (message->snapshot) {
        acceptSnapshot(std::make_shared<const MetricsSnapshot>(std::move(*message->snapshot)));
        return;
    }
    if (message->event) {
        // Any message proves the server alive.
        m_lastData.restart();
        emit eventsReceived(
            std::make_shared<const std::vector<LogEvent>>(1, std::move(*message->event)));
    }
}

void LiveServerLink::poll() {
    if (!m_running || m_pending)
        return;
    m_mode = Mode::Polling;
    QNetworkReply* reply = get(u"/v1/stats"_s);
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onPoll(reply); });
}

void LiveServerLink::onPoll(QNetworkReply* reply) {
    reply->deleteLater();
    m_pending = nullptr;
    if (!m_running)
        return;
    // The whole reply may have arrived before the progress check ran.
    if (reply->error() != QNetworkReply::NoError || reply->bytesAvailable() > kMaxMessageBytes) {
        m_pollTimer.stop();
        lost(replyProblem(reply, u"/v1/stats"_s));
        return;
    }
    QString error;
    auto snapshot = metricsSnapshotFromJson(reply->readAll(), m_baseUrl + u"/v1/stats"_s, &error);
    if (!snapshot) {
        setProblem(error);
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
    emit statusChanged();
}

void LiveServerLink::scheduleReconnect() {
    m_backoffMs = m_backoffMs == 0 ? kFirstBackoffMs : std::min(kMaxBackoffMs, m_backoffMs * 2);
    m_reconnect.start(m_backoffMs);
}

void LiveServerLink::acceptSnapshot(SnapshotPtr snapshot) {
    m_everData = true;
    m_lastData.restart();
    m_latest = std::move(snapshot);
    setProblem({});
    setStale(false);
    emit snapshotReceived(m_latest);
}

void LiveServerLink::checkStaleness() {
    // Silent but connected (a stalled process, a half-open socket): stale
    // once the data is older than the bar, and the connection is restarted.
    const qint64 age = m_lastData.elapsed();
    if (age > kStaleAfterMs && !m_stale) {
        setStale(true);
        // Also a WebSocket upgrade that was never answered: Qt 6.4 has no
        // handshake timeout, and the link must fall back to polling.
        if (m_socket) {
            m_closeReason = u"%1/v1/events: no valid data for %2 s"_s.arg(
                m_baseUrl, QString::number(kStaleAfterMs / 1000));
            if (!m_problem.isEmpty())
                m_closeReason += u" (last problem: "_s + m_problem + u')';
            m_socket->abort();
        }
        emit statusChanged();
    }
}

void LiveServerLink::setStale(bool stale) {
    if (m_stale == stale)
        return;
    m_stale = stale;
    emit statusChanged();
}

}  // namespace pulsco
