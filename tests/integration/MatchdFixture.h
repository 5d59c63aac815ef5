// An in-process pulsco-matchd on an ephemeral loopback port with its own
// temporary data directory (or, in a PostgreSQL store-variant run, its own
// fresh database: tests/support/TestStore.h), queue rules made for tests
// and an admin token. A restart (start() again) opens the same store.
#pragma once

#include "net/server/MatchdServer.h"
#include "support/TestStore.h"

#include <QFile>
#include <QTemporaryDir>

#include <memory>

// duel-1v1 matches any two players fast; slow-1v1 never matches (1 ms ping
// limit) and expires after 0.5 s; squad-2v2 takes parties of 1 or 2.
inline const QByteArray kTestQueues = R"({"format": 1,
 "regions": ["eu-west", "us-east"],
 "queues": [
  {"name": "duel-1v1", "team_count": 2, "team_size": 1, "party_sizes": [1],
   "skill_window": [{"after_s": 0, "value": 100}],
   "ping_limit_ms": [{"after_s": 0, "value": 500}], "max_wait_s": 60},
  {"name": "slow-1v1", "team_count": 2, "team_size": 1, "party_sizes": [1],
   "skill_window": [{"after_s": 0, "value": 0.001}],
   "ping_limit_ms": [{"after_s": 0, "value": 1}], "max_wait_s": 0.5},
  {"name": "squad-2v2", "team_count": 2, "team_size": 2, "party_sizes": [1, 2],
   "skill_window": [{"after_s": 0, "value": 100}],
   "ping_limit_ms": [{"after_s": 0, "value": 500}], "max_wait_s": 60},
  {"name": "late-1v1", "team_count": 2, "team_size": 1, "party_sizes": [1],
   "skill_window": [{"after_s": 0, "value": 0.001}, {"after_s": 3, "value": 100}],
   "ping_limit_ms": [{"after_s": 0, "value": 500}], "max_wait_s": 60}
 ]})";

inline const QByteArray kTestAdminToken = "test-admin-token-0123456789abcdef";

struct MatchdFixture {
    QTemporaryDir dir;
    std::unique_ptr<pulsco::MatchdServer> server;
    quint16 port = 0;
    QString tlsCertFile;  // both set: the server speaks HTTPS/WSS only
    QString tlsKeyFile;
    pulsco::DeploymentEnvironment environment = pulsco::DeploymentEnvironment::Staging;
    // 0: audits only on demand (POST /v1/integrity), so a test controls when.
    double integrityIntervalSeconds = 30;
    QString storeUrl;  // PostgreSQL variant: made at the first start

    QString path(const QString& name) const { return dir.filePath(name); }

    // Starts a server; `withToken` false leaves the admin routes disabled.
    bool start(bool withToken = true, int maxConnections = 16000, QString* error = nullptr) {
        QFile queues(path(QStringLiteral("queues.json")));
        if (!queues.open(QIODevice::WriteOnly) || queues.write(kTestQueues) < 0)
            return false;
        queues.close();
        pulsco::MatchdOptions o;
        o.address = QHostAddress::LocalHost;
        o.port = 0;
        if (pulsco::test::TestStore::postgres()) {
            QString why;
            if (storeUrl.isEmpty())
                storeUrl = pulsco::test::TestStore::fresh({}, &why);
            if (storeUrl.isEmpty()) {
                if (error)
                    *error = why;
                return false;
            }
            o.storeUrl = storeUrl;
        } else {
            o.dataDir = path(QStringLiteral("data"));
        }
        o.queuesPath = queues.fileName();
        o.tickMs = 20;
        o.maxConnections = maxConnections;
        o.tlsCertFile = tlsCertFile;
        o.tlsKeyFile = tlsKeyFile;
        o.environment = environment;
        o.integrityIntervalSeconds = integrityIntervalSeconds;
        if (withToken) {
            QFile token(path(QStringLiteral("token")));
            if (!token.open(QIODevice::WriteOnly))
                return false;
            token.write(kTestAdminToken + '\n');
            // pulsco-matchd refuses a token file others can read.
            token.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            o.adminTokenFile = token.fileName();
        }
        server = std::make_unique<pulsco::MatchdServer>();
        QString localError;
        if (!server->start(o, error ? error : &localError))
            return false;
        port = server->port();
        return port != 0;
    }
};
