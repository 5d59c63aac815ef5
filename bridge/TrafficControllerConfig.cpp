#include "bridge/TrafficControllerConfig.h"

#include "bridge/HttpUrl.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace pulsco {

QString TrafficControllerConfig::kindName(Kind kind) {
    switch (kind) {
    case Kind::Manual:
        return u"manual"_s;
    case Kind::Haproxy:
        return u"haproxy"_s;
    case Kind::Webhook:
        return u"webhook"_s;
    }
    return {};
}

namespace {
// HAProxy proxy and server names: letters, digits, '-', '_', '.', ':'.
bool haproxyName(const QString& name) {
    static const QRegularExpression re(u"^[A-Za-z0-9_.:-]{1,64}$"_s);
    return re.match(name).hasMatch();
}
}  // namespace

QString TrafficControllerConfig::validate() const {
    switch (kind) {
    case Kind::Manual:
        return {};
    case Kind::Haproxy:
        if (haproxyAddress.trimmed().isEmpty())
            return u"haproxy: needs the runtime API address (host:port or unix:/path)"_s;
        if (!haproxyName(haproxyBackend))
            return u"haproxy-backend: '%1' is not a HAProxy backend name"_s.arg(haproxyBackend);
        if (!haproxyName(haproxyBlueServer) || !haproxyName(haproxyGreenServer))
            return u"haproxy-servers: '%1,%2' are not two HAProxy server names"_s.arg(
                haproxyBlueServer, haproxyGreenServer);
        if (haproxyBlueServer == haproxyGreenServer)
            return u"haproxy-servers: blue and green are both '%1'"_s.arg(haproxyBlueServer);
        if (!haproxyName(haproxySpareServer))
            return u"haproxy-spare: '%1' is not a HAProxy server name"_s.arg(haproxySpareServer);
        if (haproxySpareServer == haproxyBlueServer || haproxySpareServer == haproxyGreenServer)
            return u"haproxy-spare: '%1' is already blue's or green's server"_s.arg(
                haproxySpareServer);
        return {};
    case Kind::Webhook:
        if (!isHttpUrlWithHost(webhookUrl))
            return u"webhook: '%1' is not an http:// or https:// URL"_s.arg(webhookUrl.toString());
        if (webhookToken.contains(u'\n') || webhookToken.contains(u'\r'))
            return u"webhook token: must be one line"_s;
        return {};
    }
    return {};
}

QVariantMap TrafficControllerConfig::toVariant() const {
    return {{u"kind"_s, kindName(kind)},
            {u"haproxy_address"_s, haproxyAddress},
            {u"haproxy_backend"_s, haproxyBackend},
            {u"haproxy_blue"_s, haproxyBlueServer},
            {u"haproxy_green"_s, haproxyGreenServer},
            {u"haproxy_spare"_s, haproxySpareServer},
            {u"webhook_url"_s, webhookUrl.toString()},
            {u"webhook_token"_s, webhookToken}};
}

TrafficControllerConfig TrafficControllerConfig::fromVariant(const QVariantMap& map,
                                                             QString* error) {
    TrafficControllerConfig c;
    const QString kind = map.value(u"kind"_s, u"manual"_s).toString();
    if (kind == u"haproxy"_s)
        c.kind = Kind::Haproxy;
    else if (kind == u"webhook"_s)
        c.kind = Kind::Webhook;
    else if (kind != u"manual"_s) {
        *error = u"traffic controller: kind '%1' is not manual, haproxy or webhook"_s.arg(kind);
        return {};
    }
    c.haproxyAddress = map.value(u"haproxy_address"_s).toString();
    c.haproxyBackend = map.value(u"haproxy_backend"_s, c.haproxyBackend).toString();
    c.haproxyBlueServer = map.value(u"haproxy_blue"_s, c.haproxyBlueServer).toString();
    c.haproxyGreenServer = map.value(u"haproxy_green"_s, c.haproxyGreenServer).toString();
    c.haproxySpareServer = map.value(u"haproxy_spare"_s, c.haproxySpareServer).toString();
    c.webhookUrl = QUrl(map.value(u"webhook_url"_s).toString());
    c.webhookToken = map.value(u"webhook_token"_s).toString();
    if (const QString why = c.validate(); !why.isEmpty()) {
        *error = u"traffic controller: "_s + why;
        return {};
    }
    return c;
}

}  // namespace pulsco
