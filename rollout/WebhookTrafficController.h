// The traffic switch behind a webhook, Flagger style, for sites whose
// router is neither HAProxy nor the simulator. POSTs {"blue":90,"green":10}
// with an optional bearer token, then reads the switch back with a GET of
// the same URL, which must answer the weights in effect in the same shape.
// A 2xx alone proves nothing: only the read-back counts a step as applied.
// Network errors, timeouts, 5xx, 408 and 429 are retried with backoff
// (1 s, 2 s, 4 s, ...); any other answer fails at once (a wrong token
// will not fix itself). Never blocks; a newer weight supersedes one in flight.
#pragma once

#include "bridge/TrafficController.h"

#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace pulsco {

struct WebhookSettings {
    QUrl url;
    QString bearerToken;   // "" = no Authorization header
    int attempts = 4;      // tries per weight, the first included
    int backoffMs = 1000;  // before the 2nd try; doubles each time
    int timeoutMs = 10000;
    bool operator==(const WebhookSettings&) const = default;
};

// "" when the settings can be used, else "<field>: <why>".
QString validateWebhookSettings(const WebhookSettings& settings);

class WebhookTrafficController : public TrafficController {
    Q_OBJECT
public:
    explicit WebhookTrafficController(WebhookSettings settings, QObject* parent = nullptr);

    const WebhookSettings& settings() const { return m_settings; }
    QString kindName() const override { return QStringLiteral("webhook"); }
    QString describe() const override;
    void requestWeight(int greenPercent) override;

    static QByteArray body(int greenPercent);  // {"blue":90,"green":10}
    // The green share a read-back body gives, or nullopt with *error set.
    static std::optional<int> greenShareOf(const QByteArray& body, QString* error);

private:
    void attempt();
    void post();
    void readBack();
    void retryOrFail(const QString& why, bool retryable);
    void cancel();

    WebhookSettings m_settings;
    QNetworkAccessManager* m_network = nullptr;
    QTimer* m_retry = nullptr;
    QPointer<QNetworkReply> m_inFlight;
    int m_weight = -1;
    int m_attempt = 0;
};

}  // namespace pulsco
