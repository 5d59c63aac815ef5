#include "net/server/MatchdOptions.h"

using namespace Qt::StringLiterals;

namespace pulsco {

QString MatchdOptions::usage() {
    return u"usage: pulsco-matchd --data-dir DIR [--listen HOST:PORT] [--color blue|green]\n"
           "                     [--admin-token-file FILE] [--queues FILE] [--tick-ms N]\n"
           "                     [--max-connections N] [--io-threads N]\n"
           "                     [--tls-cert FILE --tls-key FILE]\n"
           "  --listen HOST:PORT      address to serve on (default 127.0.0.1:8080; port 0 = any "
           "free)\n"
           "  --data-dir DIR          where the SQLite database lives (created if missing)\n"
           "  --color blue|green      which environment this server is (default blue)\n"
           "  --admin-token-file FILE enables /v1/admin/* with this bearer token; the file must\n"
           "                          not be readable by group or others (chmod 600)\n"
           "  --queues FILE           queue rules (default: the embedded queues.json)\n"
           "  --tick-ms N             matchmaker tick period, 10..60000 ms (default 250)\n"
           "  --max-connections N     open connections at most, 1..1000000 (default 16000)\n"
           "  --io-threads N          threads reading, parsing and writing connections, 1..16\n"
           "                          (default 2; matchmaking stays on the main thread)\n"
           "  --tls-cert FILE         PEM certificate (chain): serve HTTPS and WSS only;\n"
           "  --tls-key FILE          PEM private key of that certificate (both or neither)\n"
           "Binding beyond loopback without --admin-token-file prints a warning.\n"_s;
}

std::optional<MatchdOptions> MatchdOptions::parse(const QStringList& args, QString* error,
                                                  bool* helpRequested) {
    MatchdOptions o;
    bool haveDataDir = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        QString flag = args[i];
        QString value;
        bool inlineValue = false;
        if (const qsizetype eq = flag.indexOf(u'='); flag.startsWith(u"--"_s) && eq > 0) {
            value = flag.mid(eq + 1);
            flag = flag.left(eq);
            inlineValue = true;
        }
        if (flag == u"--help"_s || flag == u"-h"_s) {
            if (helpRequested)
                *helpRequested = true;
            return std::nullopt;
        }
        static const QStringList known = {
            u"--listen"_s,   u"--data-dir"_s, u"--color"_s,           u"--admin-token-file"_s,
            u"--queues"_s,   u"--tick-ms"_s,  u"--max-connections"_s, u"--io-threads"_s,
            u"--tls-cert"_s, u"--tls-key"_s};
        if (!known.contains(flag)) {
            *error = flag + u": unknown flag (see --help)"_s;
            return std::nullopt;
        }
        if (!inlineValue) {
            if (i + 1 >= args.size()) {
                *error = flag + u": needs a value"_s;
                return std::nullopt;
            }
            value = args[++i];
        }
        if (flag == u"--listen"_s) {
            const qsizetype colon = value.lastIndexOf(u':');
            QString host = colon > 0 ? value.left(colon) : QString();
            if (host.startsWith(u'[') && host.endsWith(u']'))
                host = host.mid(1, host.size() - 2);
            bool portOk = false;
            const uint port = colon > 0 ? value.mid(colon + 1).toUInt(&portOk) : 0;
            if (host == u"localhost"_s)
                host = u"127.0.0.1"_s;
            QHostAddress address;
            if (!portOk || port > 65535 || !address.setAddress(host)) {
                *error =
                    u"--listen: must be HOST:PORT with a numeric address and a port from 0 to 65535 (got '"_s +
                    value + u"')"_s;
                return std::nullopt;
            }
            o.address = address;
            o.port = quint16(port);
        } else if (flag == u"--data-dir"_s) {
            if (value.isEmpty()) {
                *error = u"--data-dir: must not be empty"_s;
                return std::nullopt;
            }
            o.dataDir = value;
            haveDataDir = true;
        } else if (flag == u"--color"_s) {
            const auto color = colorFromString(value.toStdString());
            if (!color) {
                *error = u"--color: must be blue or green (got '"_s + value + u"')"_s;
                return std::nullopt;
            }
            o.color = *color;
        } else if (flag == u"--admin-token-file"_s) {
            o.adminTokenFile = value;
        } else if (flag == u"--queues"_s) {
            o.queuesPath = value;
        } else if (flag == u"--tick-ms"_s) {
            bool ok = false;
            const int ms = value.toInt(&ok);
            if (!ok || ms < 10 || ms > 60000) {
                *error =
                    u"--tick-ms: must be an integer from 10 to 60000 (got '"_s + value + u"')"_s;
                return std::nullopt;
            }
            o.tickMs = ms;
        } else if (flag == u"--max-connections"_s) {
            bool ok = false;
            const int n = value.toInt(&ok);
            if (!ok || n < 1 || n > 1000000) {
                *error = u"--max-connections: must be an integer from 1 to 1000000 (got '"_s +
                         value + u"')"_s;
                return std::nullopt;
            }
            o.maxConnections = n;
        } else if (flag == u"--io-threads"_s) {
            bool ok = false;
            const int n = value.toInt(&ok);
            if (!ok || n < 1 || n > 16) {
                *error =
                    u"--io-threads: must be an integer from 1 to 16 (got '"_s + value + u"')"_s;
                return std::nullopt;
            }
            o.ioThreads = n;
        } else if (flag == u"--tls-cert"_s || flag == u"--tls-key"_s) {
            if (value.isEmpty()) {
                *error = flag + u": must name a PEM file"_s;
                return std::nullopt;
            }
            (flag == u"--tls-cert"_s ? o.tlsCertFile : o.tlsKeyFile) = value;
        }
    }
    if (o.tlsCertFile.isEmpty() != o.tlsKeyFile.isEmpty()) {
        *error = o.tlsCertFile.isEmpty()
                     ? u"--tls-cert: required with --tls-key (HTTPS needs both)"_s
                     : u"--tls-key: required with --tls-cert (HTTPS needs both)"_s;
        return std::nullopt;
    }
    if (!haveDataDir) {
        *error = u"--data-dir: required (where tickets, matches and ratings are kept)"_s;
        return std::nullopt;
    }
    return o;
}

}  // namespace pulsco
