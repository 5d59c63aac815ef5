// Which traffic controller the console uses for live servers, as the
// operator gives it on the command line (--haproxy, --webhook) or in the
// Connect dialog, where it is saved with the server set. Plain settings:
// app/ builds the controller from them (HAProxy's lives in net/balancer,
// the webhook's in rollout/), the dialog edits them.
#pragma once

#include <QString>
#include <QUrl>
#include <QVariantMap>

namespace pulsco {

struct TrafficControllerConfig {
    enum class Kind { Manual, Haproxy, Webhook };
    Kind kind = Kind::Manual;
    // HAProxy: the runtime API ("127.0.0.1:9999", "unix:/run/haproxy/admin.sock").
    QString haproxyAddress;
    QString haproxyBackend = QStringLiteral("pulsco");
    QString haproxyBlueServer = QStringLiteral("blue");
    QString haproxyGreenServer = QStringLiteral("green");
    // The server a drill's "scale out" puts in blue's pool (held disabled
    // until then; tools/pulsco-staging's is named "spare").
    QString haproxySpareServer = QStringLiteral("spare");
    // Webhook: the switch's URL; the token is kept apart (never in a
    // command line or a log): PULSCO_WEBHOOK_TOKEN or the saved settings.
    QUrl webhookUrl;
    QString webhookToken;

    bool operator==(const TrafficControllerConfig&) const = default;

    static QString kindName(Kind kind);  // "manual", "haproxy", "webhook"
    // "" when usable, else "<field>: <why>" (field as the option names it).
    QString validate() const;
    // For QSettings, saved with a server set (the token included: settings
    // are the user's own, like the servers' admin tokens).
    QVariantMap toVariant() const;
    // Reads what toVariant wrote; a broken entry gives Manual and *error.
    static TrafficControllerConfig fromVariant(const QVariantMap& map, QString* error);
};

}  // namespace pulsco
