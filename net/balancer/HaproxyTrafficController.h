// The TrafficController for HAProxy: moves live traffic between a blue and
// a green server of one backend through HAProxy's runtime API, and counts
// what HAProxy really sent to each (`show stat`).
//
// HAProxy weights are relative, so green's share g is blue 100-g and green
// g (`set server pulsco/blue weight 90`, `set server pulsco/green weight
// 10`). A step counts as applied only when `get weight` of both servers
// gives exactly g % and both servers are in a state that takes traffic
// (docs/live.md, "HAProxy"). The socket must be at `level admin`.
//
// Scale out: a spare server of the backend (shipped config: `spare`, in
// maintenance until needed, running blue's release) joins blue's pool. From
// then on every server of the pool gets blue's weight 100-g and green gets
// g x the pool's size, so green's share stays g %, and the counters count
// the spare's requests as blue's.
#pragma once

#include "bridge/TrafficController.h"
#include "net/balancer/HaproxyAddress.h"
#include "net/balancer/HaproxyRuntimeClient.h"

#include <QTimer>

#include <memory>

namespace pulsco {

class HaproxyTrafficController : public TrafficController {
    Q_OBJECT
public:
    // Names are checked by namesError(); create() does both.
    HaproxyTrafficController(HaproxyAddress address, QString backend = QStringLiteral("pulsco"),
                             QString blueServer = QStringLiteral("blue"),
                             QString greenServer = QStringLiteral("green"),
                             QObject* parent = nullptr);
    ~HaproxyTrafficController() override;

    // For the composition root: the operator's address text and names,
    // validated; nullptr and *error naming the field when one is wrong.
    static std::unique_ptr<HaproxyTrafficController>
    create(const QString& address, const QString& backend, const QString& blueServer,
           const QString& greenServer, QString* error);
    // "" when HAProxy would accept these as proxy and server names (letters,
    // digits, '-', '_', '.', ':'; blue and green differ); else which and why.
    static QString namesError(const QString& backend, const QString& blueServer,
                              const QString& greenServer);

    QString kindName() const override { return QStringLiteral("haproxy"); }
    // "HAProxy 127.0.0.1:9999, backend pulsco, servers blue / green"
    QString describe() const override;
    void requestWeight(int greenPercent) override;
    // Weight 0 as requestWeight(0), then green to DRAIN (no new
    // load-balanced traffic; requests routed to it explicitly still served),
    // read back; weightApplied(0) once green reads DRAIN. Then, after the
    // shutdown grace, `shutdown sessions server` on green closes what is
    // still open there (WebSocket tunnels), so those clients reconnect to
    // blue: see setShutdownGraceMs.
    void rollback() override;
    // `set server <spare> state ready` with blue's weight (and green's
    // doubled), read back like a weight; scaledOut once the spare is in the
    // pool and not in maintenance. Supersedes a weight change in flight.
    void scaleOut() override;
    // The spare's server name ("" = none: scale out refused).
    void setSpareServer(const QString& name) { m_spare = name; }
    const QString& spareServer() const { return m_spare; }
    bool spareInPool() const { return m_spareInPool; }

    // Counters: `show stat` every interval while polling (default 2 s).
    void setPollIntervalMs(int ms);
    int pollIntervalMs() const { return m_pollTimer.interval(); }
    void startPolling();
    void stopPolling() { m_pollTimer.stop(); }
    bool isPolling() const { return m_pollTimer.isActive(); }
    // One poll now (skipped while one is in flight).
    void pollNow();

    // After a rollback's read-back, wait this long, then close every session
    // still on green. The wait lets HTTP requests green was serving finish
    // (after DRAIN and weight 0 no new ones arrive), so the cut mostly hits
    // the long-lived tunnels; a request still in flight at the cut fails.
    // Negative: never shut sessions down (tunnels stay on green until they
    // close). Default 1000 ms.
    void setShutdownGraceMs(int ms) { m_shutdownGraceMs = ms; }
    int shutdownGraceMs() const { return m_shutdownGraceMs; }

    HaproxyRuntimeClient* client() { return &m_client; }
    const QString& backend() const { return m_backend; }
    const QString& blueServer() const { return m_blue; }
    const QString& greenServer() const { return m_green; }

signals:
    // A poll that gave no counters: unreachable, an error answer, or a
    // `show stat` that does not parse or lacks one of the two servers.
    void pollFailed(const QString& reason);
    // After a rollback: green's remaining sessions were shut down
    // (`evidence` is the command HAProxy accepted), or why not.
    void greenSessionsShutDown(const QString& evidence);
    void greenSessionsShutdownFailed(const QString& reason);

private:
    struct Step {
        QString command;
        HaproxyRuntimeClient::Expect expect;
    };
    struct Request;
    void start(int greenPercent, bool rollback, bool joinSpare = false);
    // The servers of blue's pool: blue, and the spare once it joined.
    QStringList bluePool(bool joinSpare) const;
    // The servers read back: blue, green, then the rest of blue's pool.
    QStringList readBackOrder(const QStringList& pool) const;
    void runStep(const std::shared_ptr<Request>& request);
    void verify(const std::shared_ptr<Request>& request);
    void fail(const std::shared_ptr<Request>& request, const QString& reason);
    void shutDownGreenSessions(quint64 generation);
    QString serverPath(const QString& server) const { return m_backend + u'/' + server; }
    QString showStatCommand() const;

    HaproxyRuntimeClient m_client;
    QString m_backend;
    QString m_blue;
    QString m_green;
    QString m_spare = QStringLiteral("spare");
    bool m_spareInPool = false;
    quint64 m_generation = 0;  // the request that may still answer
    int m_lastRequested = -1;  // green share last asked for (orders the two `set weight`)
    int m_shutdownGraceMs = 1000;
    QTimer m_shutdownTimer;
    QTimer m_pollTimer;
    bool m_pollInFlight = false;
};

}  // namespace pulsco
