#include "rollout/TrafficWebhook.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;

namespace pulsco {

TrafficWebhook::TrafficWebhook(QObject* parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this)) {}

QByteArray TrafficWebhook::body(int greenPercent) {
    return "{\"blue\":" + QByteArray::number(100 - greenPercent) +
           ",\"green\":" + QByteArray::number(greenPercent) + "}";
}

void TrafficWebhook::send(int greenPercent) {
    if (!configured()) {
        emit failed(greenPercent, u"no traffic-switch webhook is set"_s);
        return;
    }
    if (m_inFlight) {
        m_inFlight->disconnect(this);
        m_inFlight->abort();
    }
    QNetworkRequest request(m_url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setTransferTimeout(kTimeoutMs);
    QNetworkReply* reply = m_network->post(request, body(greenPercent));
    m_inFlight = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply, greenPercent] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300) {
            emit applied(greenPercent);
            return;
        }
        const QString why = status > 0 ? u"HTTP %1"_s.arg(status) : reply->errorString();
        emit failed(greenPercent, m_url.toString() + u": "_s + why);
    });
}

}  // namespace pulsco
