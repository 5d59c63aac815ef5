// pulsco-matchd as one object: flags in, a serving HTTP/WebSocket server
// out. Owns the store, the matchmaking service, metrics, faults and the
// event stream, and runs the lifecycle (start, drain, graceful shutdown).
// app/pulsco-matchd/main.cpp and the integration tests both use it.
#pragma once

#include "core/MetricsSnapshot.h"
#include "net/http/HttpServer.h"
#include "net/server/AdminGuard.h"
#include "net/server/FaultState.h"
#include "net/server/MatchdOptions.h"
#include "net/server/UptimeLedger.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

#include <memory>

namespace pulsco {

class ArrivalRecorder;
class EventStream;
class GroupCommitStore;
class IntegrityAudit;
class MatchService;
class ServerMetrics;

class MatchdServer : public QObject {
    Q_OBJECT
public:
    explicit MatchdServer(QObject* parent = nullptr);
    ~MatchdServer() override;

    // Loads the queues, opens and migrates the store, resumes saved tickets,
    // listens. False and *error (naming the file, flag or address) when not.
    bool start(const MatchdOptions& options, QString* error);
    // The files named by flags (admin token, TLS certificate and key), read
    // and checked without starting anything: false and *error naming the
    // file, the flag and why. pulsco-matchd exits 2 on these.
    static bool checkFlagFiles(const MatchdOptions& options, QString* error);
    QString url() const;  // "http://127.0.0.1:PORT", or https:// with TLS
    quint16 port() const;
    int connectionCount() const { return m_http ? m_http->connectionCount() : 0; }

    // Readiness goes false and new tickets get 503; everything else serves.
    void drain();
    bool draining() const;
    // drain(), let durable answers in flight complete, then stop and emit
    // finished(0). Safe to call twice.
    void shutdown();

    MatchService* service() const { return m_service; }
    EventStream* events() const { return m_events; }

signals:
    void finished(int exitCode);

private:
    void route(HttpRequest& request, HttpResponder responder);
    void routeAdmin(const HttpRequest& request, HttpResponder responder);
    void routeRecording(const HttpRequest& request, HttpResponder responder);
    void routeShedRegions(const HttpRequest& request, HttpResponder responder);
    QByteArray shedRegionsJson() const;
    // Starts recording the arrival stream to `path` (net/record); false and
    // *error naming the file and why when it cannot.
    bool startRecording(const QString& path, QString* error);
    void stopRecording();
    QByteArray recordingJson() const;
    void routeIntegrity(const HttpRequest& request, HttpResponder responder);
    void onIntegrityAudited(const IntegrityReport& report);
    void onTicked();
    void publishSnapshot();
    // Reads the store's maintenance log (net/store/MaintenanceLog) for the
    // snapshots: at start, then every kMaintenanceReadMs.
    void readStoreMaintenance();
    bool ready() const;
    HttpResponse infoResponse() const;

    MatchdOptions m_options;
    HttpServer* m_http = nullptr;
    GroupCommitStore* m_store = nullptr;
    MatchService* m_service = nullptr;
    EventStream* m_events = nullptr;
    IntegrityAudit* m_integrity = nullptr;
    std::unique_ptr<ServerMetrics> m_metrics;
    std::unique_ptr<FaultState> m_faults;
    std::unique_ptr<ArrivalRecorder> m_recorder;
    // What recordings stopped earlier counted, so /metrics' counters only grow.
    quint64 m_recordedBefore[4] = {};  // events, lost, gaps, bytes
    AdminGuard m_admin;
    QByteArray m_statsJson;
    std::unique_ptr<UptimeLedger> m_uptime;
    QTimer m_heartbeatTimer;
    quint64 m_heartbeatToken = 0;  // the heartbeat write awaiting its commit, 0 = none
    UpIntervalRow m_heartbeatRow;
    void heartbeat();
    QTimer m_snapshotTimer;
    QTimer m_heapTrimTimer;
    QTimer m_maintenanceTimer;
    static constexpr int kMaintenanceReadMs = 5000;
    QString m_maintenanceError;  // the last reason the log could not be read
    QTimer m_shutdownPoll;
    QDateTime m_startedAt;
    int m_schemaVersionFound = 0;
    bool m_shuttingDown = false;
};

}  // namespace pulsco
