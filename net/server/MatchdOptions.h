// Command-line flags of pulsco-matchd (a contract: docs/matchd.md).
#pragma once

#include "core/DeploymentEnvironment.h"
#include "core/Fault.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>

#include <cstddef>
#include <optional>

namespace pulsco {

struct MatchdOptions {
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8080;
    QString dataDir;  // SQLite: where matchd.sqlite lives; this or storeUrl is required
    // PostgreSQL instead: postgresql://user@host:port/db (--store URL,
    // net/store/StoreAddress.h). Never both.
    QString storeUrl;
    Color color = Color::Blue;
    // Prefix of every ticket and match id this server issues ("blue-t17"),
    // so a load balancer can route id-bound requests to their owner
    // (docs/haproxy.md). [a-z0-9]{1,16}; empty: the colour's name.
    QString serverId;
    // What the server's evidence counts for (core/DeploymentEnvironment.h):
    // staging unless production is declared. A production server refuses
    // admin faults.
    DeploymentEnvironment environment = DeploymentEnvironment::Staging;
    QString adminTokenFile;                                       // empty: admin routes disabled
    QString queuesPath = QStringLiteral(":/pulsco/queues.json");  // the embedded copy
    int tickMs = 250;
    int maxConnections = 16000;  // beyond this, new connections get 503 overloaded
    int ioThreads = 2;           // threads doing connection I/O besides the main one
    QString tlsCertFile;         // PEM; with tlsKeyFile: HTTPS and WSS only
    QString tlsKeyFile;
    // Finished tickets and formed matches kept in memory for fast reads; older
    // ones are read back from the data dir. Bounds the server's memory.
    std::size_t memoryTickets = 30000;
    std::size_t memoryMatches = 15000;
    // Seconds between integrity audits (docs/matchd.md, Integrity audit);
    // 0: only on demand (POST /v1/integrity). Decimals allowed (tests).
    double integrityIntervalSeconds = 5;
    // Seconds between heartbeat rows of the up record (docs/matchd.md,
    // Availability). Decimals allowed (tests compress time).
    double heartbeatSeconds = 2;
    // --record FILE: the arrival stream from the start (net/record); also
    // where POST /v1/admin/recording starts one. Player ids pseudonymous
    // unless --record-raw-ids. Parts of --record-part-mb, the newest
    // --record-keep-parts kept.
    QString recordPath;
    bool recordRawIds = false;
    int recordPartMb = 64;
    int recordKeepParts = 16;

    // `args` without the program name. nullopt and *error ("--tick-ms: must
    // be an integer from 10 to 60000") on bad input; *helpRequested for --help.
    static std::optional<MatchdOptions> parse(const QStringList& args, QString* error,
                                              bool* helpRequested = nullptr);
    static QString usage();
    // serverId, or the colour's name when none was given.
    QString effectiveServerId() const;
    // What GroupCommitStore opens: DIR/matchd.sqlite or the URL.
    QString storePath() const;
    // For logs: the data directory, or the URL without its password.
    QString storeDisplay() const;
};

}  // namespace pulsco
