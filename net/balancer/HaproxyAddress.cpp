#include "net/balancer/HaproxyAddress.h"

#include <QHostAddress>

namespace pulsco {

namespace {

std::optional<HaproxyAddress> fail(const QString& text, const QString& why, QString* error) {
    if (error)
        *error = QStringLiteral("haproxy runtime address '%1': %2").arg(text, why);
    return std::nullopt;
}

std::optional<HaproxyAddress> unixAddress(const QString& text, const QString& path,
                                          QString* error) {
    if (path.isEmpty())
        return fail(text, QStringLiteral("path: empty (give unix:/path/to/socket)"), error);
    // A relative path would depend on the console's working directory, which
    // nobody sees when the address is read back from the settings.
    if (!path.startsWith(u'/'))
        return fail(text, QStringLiteral("path: '%1' is not absolute").arg(path), error);
    HaproxyAddress a;
    a.kind = HaproxyAddress::Kind::Unix;
    a.path = path;
    return a;
}

}  // namespace

std::optional<HaproxyAddress> HaproxyAddress::parse(const QString& text, QString* error) {
    QString rest = text;
    if (rest.isEmpty())
        return fail(text, QStringLiteral("empty (give host:port, unix:/path or /path)"), error);
    if (rest != rest.trimmed())
        return fail(text, QStringLiteral("leading or trailing spaces"), error);
    if (rest.startsWith(QLatin1String("unix:")))
        return unixAddress(text, rest.mid(5), error);
    if (rest.startsWith(QLatin1String("unix@")))
        return unixAddress(text, rest.mid(5), error);
    if (rest.startsWith(u'/'))
        return unixAddress(text, rest, error);
    if (rest.startsWith(QLatin1String("ipv4@")) || rest.startsWith(QLatin1String("ipv6@")))
        rest = rest.mid(5);

    QString host;
    QString portText;
    if (rest.startsWith(u'[')) {
        const qsizetype close = rest.indexOf(u']');
        if (close < 0)
            return fail(text, QStringLiteral("host: '[' without ']'"), error);
        host = rest.mid(1, close - 1);
        if (rest.mid(close + 1, 1) != QLatin1String(":"))
            return fail(text, QStringLiteral("expected [address]:port"), error);
        portText = rest.mid(close + 2);
        QHostAddress v6;
        if (!v6.setAddress(host) || v6.protocol() != QAbstractSocket::IPv6Protocol)
            return fail(text, QStringLiteral("host: '%1' is not an IPv6 address").arg(host), error);
    } else {
        const qsizetype colon = rest.lastIndexOf(u':');
        if (colon < 0)
            return fail(text, QStringLiteral("expected host:port, unix:/path or an absolute path"),
                        error);
        host = rest.left(colon);
        portText = rest.mid(colon + 1);
        if (host.contains(u':'))
            return fail(text, QStringLiteral("host: write an IPv6 address as [address]:port"),
                        error);
    }
    if (host.isEmpty())
        return fail(text, QStringLiteral("host: empty"), error);
    for (const QChar c : host) {
        if (c.isSpace() || c == u'/' || c == u'@')
            return fail(text, QStringLiteral("host: '%1' contains '%2'").arg(host, c), error);
    }
    bool ok = false;
    const uint port = portText.toUInt(&ok, 10);
    // toUInt accepts a leading '+'; a port is digits only.
    const bool digitsOnly = !portText.isEmpty() && std::all_of(portText.begin(), portText.end(),
                                                               [](QChar c) { return c.isDigit(); });
    if (!ok || !digitsOnly || port < 1 || port > 65535)
        return fail(text, QStringLiteral("port: '%1' is not a number 1–65535").arg(portText),
                    error);
    HaproxyAddress a;
    a.kind = Kind::Tcp;
    a.host = host;
    a.port = quint16(port);
    return a;
}

QString HaproxyAddress::toString() const {
    if (kind == Kind::Unix)
        return QStringLiteral("unix:") + path;
    const QString h = host.contains(u':') ? u'[' + host + u']' : host;
    return h + u':' + QString::number(port);
}

}  // namespace pulsco
