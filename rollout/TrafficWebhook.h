// The traffic switch for live servers, Flagger style: POSTs
// {"blue":90,"green":10} to a configurable URL and reports whether the
// switch accepted it (2xx). Never blocks; one request at a time, a newer
// weight supersedes one still in flight.
#pragma once

#include <QObject>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace pulsco {

class TrafficWebhook : public QObject {
    Q_OBJECT
public:
    static constexpr int kTimeoutMs = 10000;

    explicit TrafficWebhook(QObject* parent = nullptr);

    void setUrl(const QUrl& url) { m_url = url; }
    const QUrl& url() const { return m_url; }
    bool configured() const { return m_url.isValid() && !m_url.isEmpty(); }

    static QByteArray body(int greenPercent);  // {"blue":90,"green":10}
    void send(int greenPercent);

signals:
    void applied(int greenPercent);
    void failed(int greenPercent, const QString& reason);

private:
    QNetworkAccessManager* m_network = nullptr;
    QPointer<QNetworkReply> m_inFlight;
    QUrl m_url;
};

}  // namespace pulsco
