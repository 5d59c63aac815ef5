#include "net/alerts/AlertmanagerClient.h"

#include "bridge/HttpUrl.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

QJsonObject toJson(const QMap<QString, QString>& map) {
    QJsonObject o;
    for (auto it = map.cbegin(); it != map.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QString rfc3339(const QDateTime& t) {
    return t.toUTC().toString(Qt::ISODateWithMs);
}

}  // namespace

QByteArray alertmanagerPayload(const QList<AlertmanagerAlert>& alerts) {
    QJsonArray out;
    for (const AlertmanagerAlert& a : alerts) {
        QJsonObject o;
        o[u"labels"_s] = toJson(a.labels);
        o[u"annotations"_s] = toJson(a.annotations);
        o[u"startsAt"_s] = rfc3339(a.startsAt);
        if (a.endsAt)
            o[u"endsAt"_s] = rfc3339(*a.endsAt);
        if (!a.generatorUrl.isEmpty())
            o[u"generatorURL"_s] = a.generatorUrl;
        out.append(o);
    }
    return QJsonDocument(out).toJson(QJsonDocument::Compact);
}

std::optional<QUrl> AlertmanagerClient::parseUrl(const QString& text, QString* error) {
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    if (!isHttpUrlWithHost(url)) {
        *error = u"--alertmanager: must be an http:// or https:// URL such as "
                 "http://127.0.0.1:9093 (got '%1')"_s.arg(text);
        return std::nullopt;
    }
    if (url.hasQuery() || url.hasFragment()) {
        *error = u"--alertmanager: no query or fragment, the base URL only (got '%1')"_s.arg(text);
        return std::nullopt;
    }
    return url;
}

AlertmanagerClient::AlertmanagerClient(QUrl baseUrl, QObject* parent)
    : QObject(parent)
    , m_url(std::move(baseUrl)) {
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &AlertmanagerClient::flush);
    m_resend.setInterval(30000);
    connect(&m_resend, &QTimer::timeout, this, [this] {
        for (auto it = m_firing.cbegin(); it != m_firing.cend(); ++it)
            if (!m_outbox.contains(it.key()))
                m_outbox.insert(it.key(), it.value());
        flush();
    });
    m_resend.start();
}

QString AlertmanagerClient::keyOf(const AlertmanagerAlert& alert) {
    return QString::fromUtf8(QJsonDocument(toJson(alert.labels)).toJson(QJsonDocument::Compact));
}

void AlertmanagerClient::send(const AlertmanagerAlert& alert) {
    const QString key = keyOf(alert);
    m_outbox.insert(key, alert);
    if (alert.resolved())
        m_firing.remove(key);
    else
        m_firing.insert(key, alert);
    m_status.waiting = int(m_outbox.size());
    emit statusChanged();
    // While failing, the retry timer decides when to try again.
    if (!m_retry.isActive())
        flush();
}

void AlertmanagerClient::flush() {
    if (m_inFlight || m_outbox.isEmpty())
        return;
    QUrl endpoint = m_url;
    QString path = endpoint.path();
    if (path.endsWith(u'/'))
        path.chop(1);
    endpoint.setPath(path + u"/api/v2/alerts"_s);
    QNetworkRequest request(endpoint);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setTransferTimeout(10000);
    const QList<AlertmanagerAlert> batch = m_outbox.values();
    const QStringList keys = m_outbox.keys();
    m_inFlight = true;
    QNetworkReply* reply = m_network.post(request, alertmanagerPayload(batch));
    connect(reply, &QNetworkReply::finished, this, [this, reply, batch, keys] {
        reply->deleteLater();
        m_inFlight = false;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() == QNetworkReply::NoError && status / 100 == 2) {
            // Only what was sent leaves the outbox; a newer state of the
            // same alert queued meanwhile stays.
            for (qsizetype i = 0; i < keys.size(); ++i) {
                const auto it = m_outbox.constFind(keys[i]);
                if (it != m_outbox.cend() &&
                    alertmanagerPayload({*it}) == alertmanagerPayload({batch[i]}))
                    m_outbox.remove(keys[i]);
            }
            m_status.deliveredAtMs = QDateTime::currentMSecsSinceEpoch();
            m_status.delivered += int(batch.size());
            m_status.lastError.clear();
            m_status.nextAttemptMs = 0;
            m_backoffMs = 0;
        } else {
            const QByteArray body = reply->readAll().trimmed().left(300);
            m_status.lastError = status ? u"HTTP %1: %2"_s.arg(status).arg(QString::fromUtf8(body))
                                        : reply->errorString();
            m_backoffMs = m_backoffMs == 0 ? 1000 : std::min(m_backoffMs * 2, m_maxBackoffMs);
            m_status.nextAttemptMs = QDateTime::currentMSecsSinceEpoch() + m_backoffMs;
            m_retry.start(m_backoffMs);
        }
        m_status.waiting = int(m_outbox.size());
        emit statusChanged();
        if (m_status.lastError.isEmpty())
            flush();  // what was queued while this one was in flight
    });
}

QString AlertmanagerClient::statusText() const {
    QString text = u"Alertmanager: "_s;
    if (!m_status.lastError.isEmpty()) {
        const qint64 inMs = m_status.nextAttemptMs - QDateTime::currentMSecsSinceEpoch();
        return text + u"failing (%1), %2 waiting, retry in %3 s"_s.arg(m_status.lastError)
                          .arg(m_status.waiting)
                          .arg(std::max<qint64>(0, (inMs + 999) / 1000));
    }
    if (m_status.deliveredAtMs == 0)
        return text +
               (m_status.waiting ? u"sending %1"_s.arg(m_status.waiting) : u"nothing sent yet"_s);
    return text +
           u"%1 delivered, last %2"_s.arg(m_status.delivered)
               .arg(QDateTime::fromMSecsSinceEpoch(m_status.deliveredAtMs).toString(u"HH:mm:ss"_s));
}

}  // namespace pulsco
