#include "rollout/WebhookTrafficController.h"

#include "bridge/HttpUrl.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

QString validateWebhookSettings(const WebhookSettings& s) {
    if (!isHttpUrlWithHost(s.url))
        return u"url: '%1' is not an http:// or https:// URL with a host"_s.arg(s.url.toString());
    if (s.bearerToken.contains(u'\n') || s.bearerToken.contains(u'\r'))
        return u"token: must be one line"_s;
    if (s.attempts < 1 || s.attempts > 10)
        return u"attempts: %1 is not 1-10"_s.arg(s.attempts);
    if (s.backoffMs < 0 || s.backoffMs > 60000)
        return u"backoff: %1 ms is not 0-60000"_s.arg(s.backoffMs);
    if (s.timeoutMs < 100 || s.timeoutMs > 120000)
        return u"timeout: %1 ms is not 100-120000"_s.arg(s.timeoutMs);
    return {};
}

WebhookTrafficController::WebhookTrafficController(WebhookSettings settings, QObject* parent)
    : TrafficController(parent)
    , m_settings(std::move(settings))
    , m_network(new QNetworkAccessManager(this))
    , m_retry(new QTimer(this)) {
    m_retry->setSingleShot(true);
    connect(m_retry, &QTimer::timeout, this, &WebhookTrafficController::attempt);
}

QString WebhookTrafficController::describe() const {
    return u"webhook %1%2"_s.arg(m_settings.url.toString(QUrl::RemoveUserInfo),
                                 m_settings.bearerToken.isEmpty() ? QString()
                                                                  : u" (bearer token)"_s);
}

QByteArray WebhookTrafficController::body(int greenPercent) {
    return "{\"blue\":" + QByteArray::number(100 - greenPercent) +
           ",\"green\":" + QByteArray::number(greenPercent) + "}";
}

std::optional<int> WebhookTrafficController::greenShareOf(const QByteArray& bytes, QString* error) {
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parse);
    if (parse.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = u"read-back: not a JSON object {\"blue\":B,\"green\":G}"_s;
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    double weights[2] = {0, 0};
    const char* names[2] = {"blue", "green"};
    for (int i = 0; i < 2; ++i) {
        const QJsonValue v = o.value(QLatin1String(names[i]));
        if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() > 256 ||
            v.toDouble() != std::floor(v.toDouble())) {
            *error = u"read-back: %1: must be a whole number 0-256"_s.arg(QLatin1String(names[i]));
            return std::nullopt;
        }
        weights[i] = v.toDouble();
    }
    if (weights[0] + weights[1] <= 0) {
        *error = u"read-back: blue and green are both 0 (no traffic anywhere)"_s;
        return std::nullopt;
    }
    return int(std::lround(100.0 * weights[1] / (weights[0] + weights[1])));
}

void WebhookTrafficController::cancel() {
    m_retry->stop();
    if (m_inFlight) {
        m_inFlight->disconnect(this);
        m_inFlight->abort();
        m_inFlight->deleteLater();
    }
}

void WebhookTrafficController::requestWeight(int greenPercent) {
    cancel();
    m_weight = greenPercent;
    m_attempt = 0;
    const QString invalid = validateWebhookSettings(m_settings);
    if (!invalid.isEmpty()) {
        emit weightFailed(greenPercent, u"webhook: "_s + invalid);
        return;
    }
    attempt();
}

void WebhookTrafficController::attempt() {
    ++m_attempt;
    post();
}

void WebhookTrafficController::retryOrFail(const QString& why, bool retryable) {
    const QString where = m_settings.url.toString(QUrl::RemoveUserInfo);
    if (retryable && m_attempt < m_settings.attempts) {
        m_retry->start(int(m_settings.backoffMs * std::pow(2.0, m_attempt - 1)));
        return;
    }
    emit weightFailed(
        m_weight,
        u"%1: %2 (attempt %3 of %4)"_s.arg(where, why).arg(m_attempt).arg(m_settings.attempts));
}

namespace {
QNetworkRequest requestFor(const WebhookSettings& s) {
    QNetworkRequest request(s.url);
    request.setTransferTimeout(s.timeoutMs);
    if (!s.bearerToken.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + s.bearerToken.toUtf8());
    return request;
}

bool retryableStatus(int status) {
    return status == 0 || status >= 500 || status == 408 || status == 429;
}
}  // namespace

void WebhookTrafficController::post() {
    QNetworkRequest request = requestFor(m_settings);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    QNetworkReply* reply = m_network->post(request, body(m_weight));
    m_inFlight = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300) {
            readBack();
            return;
        }
        retryOrFail(u"POST: "_s + (status > 0 ? u"HTTP %1"_s.arg(status) : reply->errorString()),
                    retryableStatus(status));
    });
}

void WebhookTrafficController::readBack() {
    QNetworkReply* reply = m_network->get(requestFor(m_settings));
    m_inFlight = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() != QNetworkReply::NoError || status < 200 || status >= 300) {
            retryOrFail(u"GET (read-back): "_s +
                            (status > 0 ? u"HTTP %1"_s.arg(status) : reply->errorString()),
                        retryableStatus(status));
            return;
        }
        const QByteArray bytes = reply->read(4096);
        QString error;
        const std::optional<int> green = greenShareOf(bytes, &error);
        if (!green) {
            retryOrFail(error, false);
            return;
        }
        if (*green != m_weight) {
            // The switch may apply asynchronously: read again after the backoff.
            retryOrFail(u"read-back says green %1 %, not %2 %"_s.arg(*green).arg(m_weight), true);
            return;
        }
        reportApplied(m_weight, u"GET %1: %2"_s.arg(m_settings.url.toString(QUrl::RemoveUserInfo),
                                                    QString::fromUtf8(bytes.trimmed())));
    });
}

}  // namespace pulsco
