#include "net/server/MatchdOptions.h"

#include "net/server/RecordIds.h"
#include "net/store/StoreAddress.h"

#include <QDir>

#include <functional>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// An integer flag within [lo, hi]; the error names the flag, the range and
// what was given.
bool parseIntFlag(const QString& flag, const QString& value, qint64 lo, qint64 hi, qint64* out,
                  QString* error) {
    bool ok = false;
    const qint64 n = value.toLongLong(&ok);
    if (!ok || n < lo || n > hi) {
        *error =
            flag + u": must be an integer from %1 to %2 (got '"_s.arg(lo).arg(hi) + value + u"')"_s;
        return false;
    }
    *out = n;
    return true;
}

}  // namespace

QString MatchdOptions::usage() {
    return u"usage: pulsco-matchd (--data-dir DIR | --store URL) [--listen HOST:PORT]\n"
           "                     [--color blue|green]\n"
           "                     [--server-id NAME] [--environment staging|production]\n"
           "                     [--admin-token-file FILE] [--queues FILE] [--tick-ms N]\n"
           "                     [--max-connections N] [--io-threads N]\n"
           "                     [--memory-tickets N] [--memory-matches N]\n"
           "                     [--integrity-interval-s S] [--heartbeat-s S]\n"
           "                     [--tls-cert FILE --tls-key FILE]\n"
           "                     [--record FILE [--record-raw-ids] [--record-part-mb N]\n"
           "                      [--record-keep-parts N]]\n"
           "  --listen HOST:PORT      address to serve on (default 127.0.0.1:8080; port 0 = any "
           "free)\n"
           "  --data-dir DIR          where the SQLite database lives (created if missing)\n"
           "  --store URL             a PostgreSQL database instead:\n"
           "                          postgresql://user@host:port/db (password: PGPASSWORD or\n"
           "                          ~/.pgpass); the schema is created and migrated there\n"
           "  --color blue|green      which side of a blue/green pair this server is (default\n"
           "                          blue)\n"
           "  --server-id NAME        prefix of the ticket and match ids this server issues\n"
           "                          (blue-t17), 1..16 of a-z 0-9 (default: the colour)\n"
           "  --environment staging|production\n"
           "                          what its evidence counts for (default staging); a\n"
           "                          production server refuses admin faults\n"
           "  --admin-token-file FILE enables /v1/admin/* with this bearer token; the file must\n"
           "                          not be readable by group or others (chmod 600)\n"
           "  --queues FILE           queue rules (default: the embedded queues.json)\n"
           "  --tick-ms N             matchmaker tick period, 10..60000 ms (default 250)\n"
           "  --max-connections N     open connections at most, 1..1000000 (default 16000)\n"
           "  --io-threads N          threads reading, parsing and writing connections, 1..16\n"
           "                          (default 2; matchmaking stays on the main thread)\n"
           "  --memory-tickets N      finished tickets kept in memory, 0..10000000 (default\n"
           "                          30000); older ones are read back from the data dir\n"
           "  --memory-matches N      matches kept in memory, 0..10000000 (default 15000)\n"
           "  --integrity-interval-s S  seconds between integrity audits of store against\n"
           "                          memory, 0.1..86400, or 0 for on demand only (default 5)\n"
           "  --heartbeat-s S         seconds between heartbeat rows of the up record\n"
           "                          (availability), 0.05..60 (default 2)\n"
           "  --tls-cert FILE         PEM certificate (chain): serve HTTPS and WSS only;\n"
           "  --tls-key FILE          PEM private key of that certificate (both or neither)\n"
           "  --record FILE           record the arrival stream (tickets, cancels, results) to\n"
           "                          FILE for replay (docs/file-formats.md); never overwrites;\n"
           "                          player ids pseudonymous unless --record-raw-ids\n"
           "  --record-part-mb N      rotate at N MiB, 1..4096 (default 64): FILE.2, FILE.3, ...\n"
           "  --record-keep-parts N   keep the newest N parts, 1..100000 (default 16)\n"
           "                          (these three apply to POST /v1/admin/recording too)\n"
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
        if (flag == u"--record-raw-ids"_s) {
            if (inlineValue) {
                *error = u"--record-raw-ids: takes no value"_s;
                return std::nullopt;
            }
            o.recordRawIds = true;
            continue;
        }
        if (flag == u"--help"_s || flag == u"-h"_s) {
            if (helpRequested)
                *helpRequested = true;
            return std::nullopt;
        }
        static const QStringList known = {
            u"--listen"_s,         u"--data-dir"_s,         u"--store"_s,
            u"--color"_s,          u"--admin-token-file"_s, u"--queues"_s,
            u"--tick-ms"_s,        u"--max-connections"_s,  u"--io-threads"_s,
            u"--tls-cert"_s,       u"--tls-key"_s,          u"--memory-tickets"_s,
            u"--memory-matches"_s, u"--environment"_s,      u"--integrity-interval-s"_s,
            u"--heartbeat-s"_s,    u"--server-id"_s,        u"--record"_s,
            u"--record-part-mb"_s, u"--record-keep-parts"_s};
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
        } else if (flag == u"--store"_s) {
            if (!StoreAddress::isUrl(value)) {
                *error = u"--store: must be a postgresql://user@host:port/database URL; a SQLite "
                         "store is named with --data-dir DIR (got '"_s +
                         StoreAddress::masked(value) + u"')"_s;
                return std::nullopt;
            }
            if (!StoreAddress::parse(value, error))
                return std::nullopt;
            o.storeUrl = value;
        } else if (flag == u"--color"_s) {
            const auto color = colorFromString(value.toStdString());
            if (!color) {
                *error = u"--color: must be blue or green (got '"_s + value + u"')"_s;
                return std::nullopt;
            }
            o.color = *color;
        } else if (flag == u"--server-id"_s) {
            if (!RecordIds::isValidServerId(value)) {
                *error = u"--server-id: must be 1 to 16 characters of a-z and 0-9, the prefix of "
                         "every ticket and match id (got '"_s +
                         value + u"')"_s;
                return std::nullopt;
            }
            o.serverId = value;
        } else if (flag == u"--environment"_s) {
            // Rehearsal is the simulator's alone: a real server's evidence
            // is staging or production.
            const auto environment = deploymentEnvironmentFromString(value.toStdString());
            if (!environment || *environment == DeploymentEnvironment::Rehearsal) {
                *error = u"--environment: must be staging or production (got '"_s + value + u"')"_s;
                return std::nullopt;
            }
            o.environment = *environment;
        } else if (flag == u"--admin-token-file"_s) {
            o.adminTokenFile = value;
        } else if (flag == u"--queues"_s) {
            o.queuesPath = value;
        } else if (flag == u"--tick-ms"_s || flag == u"--max-connections"_s ||
                   flag == u"--io-threads"_s || flag == u"--memory-tickets"_s ||
                   flag == u"--memory-matches"_s) {
            struct IntFlag {
                QString name;
                qint64 lo, hi;
                std::function<void(qint64)> set;
            };
            const IntFlag flags[] = {
                {u"--tick-ms"_s, 10, 60000, [&](qint64 n) { o.tickMs = int(n); }},
                {u"--max-connections"_s, 1, 1000000, [&](qint64 n) { o.maxConnections = int(n); }},
                {u"--io-threads"_s, 1, 16, [&](qint64 n) { o.ioThreads = int(n); }},
                {u"--memory-tickets"_s, 0, 10000000,
                 [&](qint64 n) { o.memoryTickets = std::size_t(n); }},
                {u"--memory-matches"_s, 0, 10000000,
                 [&](qint64 n) { o.memoryMatches = std::size_t(n); }},
            };
            for (const IntFlag& f : flags) {
                if (f.name != flag)
                    continue;
                qint64 n = 0;
                if (!parseIntFlag(flag, value, f.lo, f.hi, &n, error))
                    return std::nullopt;
                f.set(n);
            }
        } else if (flag == u"--integrity-interval-s"_s) {
            bool ok = false;
            const double s = value.toDouble(&ok);
            if (!ok || !(s == 0 || (s >= 0.1 && s <= 86400))) {
                *error = u"--integrity-interval-s: must be 0 (on demand only) or seconds from 0.1 "
                         "to 86400 (got '"_s +
                         value + u"')"_s;
                return std::nullopt;
            }
            o.integrityIntervalSeconds = s;
        } else if (flag == u"--heartbeat-s"_s) {
            bool ok = false;
            const double s = value.toDouble(&ok);
            if (!ok || !(s >= 0.05 && s <= 60)) {
                *error =
                    u"--heartbeat-s: must be seconds from 0.05 to 60 (got '"_s + value + u"')"_s;
                return std::nullopt;
            }
            o.heartbeatSeconds = s;
        } else if (flag == u"--record"_s) {
            if (value.isEmpty()) {
                *error = u"--record: must name the file to record to"_s;
                return std::nullopt;
            }
            o.recordPath = value;
        } else if (flag == u"--record-part-mb"_s || flag == u"--record-keep-parts"_s) {
            bool ok = false;
            const int n = value.toInt(&ok);
            const int most = flag == u"--record-part-mb"_s ? 4096 : 100000;
            if (!ok || n < 1 || n > most) {
                *error = flag + u": must be an integer from 1 to %1 (got '"_s.arg(most) + value +
                         u"')"_s;
                return std::nullopt;
            }
            (flag == u"--record-part-mb"_s ? o.recordPartMb : o.recordKeepParts) = n;
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
    if (haveDataDir && !o.storeUrl.isEmpty()) {
        *error = u"--store: give --data-dir DIR (SQLite) or --store URL (PostgreSQL), not both"_s;
        return std::nullopt;
    }
    if (!haveDataDir && o.storeUrl.isEmpty()) {
        *error = u"--data-dir: required (where tickets, matches and ratings are kept), or --store "
                 "URL for PostgreSQL"_s;
        return std::nullopt;
    }
    return o;
}

QString MatchdOptions::storePath() const {
    return storeUrl.isEmpty() ? QDir(dataDir).filePath(u"matchd.sqlite"_s) : storeUrl;
}

QString MatchdOptions::storeDisplay() const {
    if (storeUrl.isEmpty())
        return dataDir;
    const auto address = StoreAddress::parse(storeUrl, nullptr);
    return address ? address->display() : storeUrl;
}

QString MatchdOptions::effectiveServerId() const {
    return serverId.isEmpty() ? QString::fromStdString(std::string(toString(color))) : serverId;
}

}  // namespace pulsco
