// The console's Source over live pulsco-matchd servers (blue and/or green):
// one LiveServerLink per base URL, their snapshots merged for the pages
// (net/live/SnapshotMerge.h), admin commands sent to the servers' admin API
// with the token configured for each server. The token is held in memory
// only for the requests and never appears in a message or a log.
#pragma once

#include "bridge/Source.h"
#include "net/live/LiveServerLink.h"
#include "net/live/MergedPeaks.h"

#include <QList>
#include <QSslCertificate>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <utility>
#include <vector>

class QNetworkAccessManager;

namespace pulsco {

class ReadinessProbeLog;

struct LiveServerConfig {
    QString url;         // base URL, e.g. http://127.0.0.1:8080
    QString adminToken;  // "" = no admin commands for this server
    // Trusted in addition to the system's, for https:// (self-signed staging).
    QList<QSslCertificate> caCertificates;
};

class LiveSource : public Source {
    Q_OBJECT
public:
    // What the source bar shows per server.
    struct ServerStatus {
        QString url;
        QString color;        // "" until /v1/info answered
        QString environment;  // "staging" or "production" from /v1/info; "" until then
        bool stale = true;    // no current data (lost, or silent > 3 s)
        qint64 dataAgeMs = -1;
        LiveServerLink::Mode mode = LiveServerLink::Mode::Connecting;
        // Last network or parse error, or why the server set is refused
        // (servers of different environments), "" when fine.
        QString problem;
        bool adminEnabled = false;
        bool hasToken = false;
    };

    explicit LiveSource(QList<LiveServerConfig> servers, QObject* parent = nullptr);
    ~LiveSource() override;

    // "" when `url` is an http(s) base URL with a host and no path/query,
    // else why not (the message names the URL).
    static QString checkBaseUrl(const QString& url);

    Kind kind() const override { return Kind::Live; }
    QString displayName() const override;
    // "blue http://… staging (pulsco-matchd 0.1.0, started …); green …"
    QString serverIdentities() const override;
    State state() const override { return m_state; }
    Capabilities capabilities() const override;
    SnapshotPtr latestSnapshot() const override { return m_merged; }

    void start() override;
    void stop() override;
    void injectFault(const FaultSpec& fault) override;
    // POST /v1/admin/matcher/restart on the servers of `color` (all without
    // one): their searching tickets survive through their stores.
    void restartMatcher(std::optional<Color> color) override;
    void shedRegion(const QString& region, bool shed) override;
    // pulsco-matchd's stores have no standby to fail over to: said plainly.
    void failoverStore(std::optional<Color> color) override;
    void clearFaults() override;
    void setTrafficWeight(int greenPercent) override;
    void noteAppliedWeight(int greenPercent) override { m_appliedWeight = greenPercent; }
    void drain(const QString& url);  // POST /v1/admin/drain on one server

    QList<ServerStatus> servers() const;
    SnapshotPtr latestOf(const QString& url) const;
    static QString trafficWeightDisabledReason();
    // Where the readiness probes of each server are kept (the console
    // store), or null: then only this session's probes count. Set before
    // start(); the log must outlive the source.
    void setReadinessLog(ReadinessProbeLog* log) { m_probeLog = log; }
    // Test knob: readiness probes every `ms` instead of every 2 s.
    void setProbeIntervalMs(int ms);
    // The spans (Unix seconds) the console saw `url` not ready, from the
    // log and this session.
    std::vector<UpSpan> observedDown(const QString& url) const;
    // Test knob: every link polls /v1/stats instead of using the WebSocket.
    void setPushAllowed(bool allowed);

signals:
    void serversChanged();  // a link's color, mode, staleness or problem changed

private:
    struct Server {
        LiveServerConfig config;
        LiveServerLink* link = nullptr;
        QString reportedProblem;  // last problem put in the event log
        // Downtime the console's own /readyz probes saw, Unix seconds;
        // the last span is open (still down) while downOpen.
        std::vector<UpSpan> observedDown;
        bool downOpen = false;
    };
    void onReadinessProbed(Server& server, qint64 atUnixMs, bool ready, const QString& reason);
    void reportProblems();
    QString problemOf(const Server& server) const;
    void onLinkSnapshot();
    void onLinkStatus();
    void updateState();
    void setState(State state);
    void sendAdmin(const Server& server, const QByteArray& method, const QString& path,
                   const QByteArray& body, const QString& command);

    QNetworkAccessManager* m_network;
    std::vector<Server> m_servers;
    SnapshotPtr m_merged;
    std::uint64_t m_sequence = 0;
    // The fleet's peaks over this watching session (since start()).
    MergedPeaks m_peaks;
    ReadinessProbeLog* m_probeLog = nullptr;
    QString m_probeLogError;  // the last write error reported, "" when fine
    // Why the servers' snapshots cannot be merged (they disagree on their
    // environment), and which servers it is shown on; "" when they can.
    QString m_setProblem;
    QStringList m_setProblemUrls;
    State m_state = State::Stopped;
    bool m_running = false;
    std::optional<int> m_appliedWeight;  // read back by the traffic controller
};

}  // namespace pulsco
