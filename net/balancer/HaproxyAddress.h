// Where HAProxy's runtime API listens, as an operator writes it: `host:port`
// (a `stats socket ipv4@...` line), `unix:/path/to/socket` or an absolute
// path. Parsed once, with an error that names the text, the part and why,
// so a typo is refused before any socket is opened.
#pragma once

#include <QString>

#include <optional>

namespace pulsco {

struct HaproxyAddress {
    enum class Kind { Tcp, Unix };
    Kind kind = Kind::Tcp;
    QString host;      // Tcp: a name or an IP literal (without IPv6 brackets)
    quint16 port = 0;  // Tcp: 1..65535
    QString path;      // Unix: absolute path of the socket

    // Accepts `host:port`, `[v6]:port`, `unix:/path`, `/path`, and HAProxy's
    // own `ipv4@host:port` / `ipv6@[v6]:port` / `unix@/path` spellings
    // (operators copy them from the `stats socket` line). On failure returns
    // nothing and sets *error: "haproxy runtime address 'x': port: not a
    // number 1–65535".
    static std::optional<HaproxyAddress> parse(const QString& text, QString* error);

    // "127.0.0.1:9999", "[::1]:9999" or "unix:/run/haproxy/admin.sock".
    QString toString() const;
};

}  // namespace pulsco
