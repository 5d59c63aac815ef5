#include "net/server/MatchdServer.h"

#include "bridge/MetricsSnapshotJson.h"
#include "bridge/QueueConfigJson.h"
#include "bridge/ThreadHandoff.h"
#include "net/record/ArrivalRecorder.h"
#include "net/server/ApiJson.h"
#include "net/server/EventStream.h"
#include "net/server/IntegrityAudit.h"
#include "net/server/MatchService.h"
#include "net/server/ServerMetrics.h"
#include "net/server/TlsFiles.h"
#include "net/store/GroupCommitStore.h"
#include "net/store/MaintenanceLog.h"

#include <QDebug>
#include <QDir>
#include <QWebSocketServer>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

using namespace Qt::StringLiterals;

namespace pulsco {

MatchdServer::MatchdServer(QObject* parent)
    : QObject(parent) {}

MatchdServer::~MatchdServer() {
    // The HTTP side first (no new work), then the recording (its queue
    // written out), the service, then the store, whose destructor commits
    // whatever is still queued.
    delete m_http;
    m_http = nullptr;
    stopRecording();
    delete m_events;
    m_events = nullptr;
    delete m_integrity;
    m_integrity = nullptr;
    delete m_service;
    m_service = nullptr;
    delete m_store;
    m_store = nullptr;
}

QString MatchdServer::url() const {
    const QHostAddress a = m_options.address;
    const QString host = a.protocol() == QAbstractSocket::IPv6Protocol
                             ? u"["_s + a.toString() + u"]"_s
                             : a.toString();
    const bool tls = m_http && m_http->tlsEnabled();
    return (tls ? u"https://"_s : u"http://"_s) + host + u":"_s + QString::number(port());
}

bool MatchdServer::checkFlagFiles(const MatchdOptions& options, QString* error) {
    AdminGuard guard;
    if (!options.adminTokenFile.isEmpty() && !guard.loadTokenFile(options.adminTokenFile, error))
        return false;
    if (!options.tlsCertFile.isEmpty() &&
        !loadTlsFiles(options.tlsCertFile, options.tlsKeyFile, error))
        return false;
    return true;
}

quint16 MatchdServer::port() const {
    return m_http ? m_http->serverPort() : 0;
}

bool MatchdServer::start(const MatchdOptions& options, QString* error) {
    m_options = options;
    auto config = loadQueueConfig(options.queuesPath, error);
    if (!config)
        return false;
    if (!options.adminTokenFile.isEmpty() && !m_admin.loadTokenFile(options.adminTokenFile, error))
        return false;
    if (options.storeUrl.isEmpty() && !QDir().mkpath(options.dataDir)) {
        *error = options.dataDir + u": --data-dir: cannot create the directory"_s;
        return false;
    }
    m_store = new GroupCommitStore;
    GroupCommitStore::Options storeOptions;
    storeOptions.path = options.storePath();
    StoreRecovery recovery;
    if (!m_store->open(storeOptions, &recovery, error))
        return false;
    m_schemaVersionFound = recovery.schemaVersionFound;

    HttpServerLimits limits;
    limits.maxConnections = options.maxConnections;
    limits.ioThreads = options.ioThreads;
    m_http = new HttpServer(limits);
    if (!options.tlsCertFile.isEmpty()) {
        const auto tls = loadTlsFiles(options.tlsCertFile, options.tlsKeyFile, error);
        if (!tls)
            return false;
        m_http->setTlsConfiguration(*tls, options.tlsCertFile + u": --tls-cert"_s);
    }
    // Ticket bodies are parsed on the I/O threads against the rules, which
    // never change after start: one less job for the matchmaking thread.
    m_http->setPreparer([rules = std::make_shared<const QueueConfig>(*config)](HttpRequest& r) {
        if (r.method == "POST" && r.path == "/v1/tickets") {
            PreparedTicketBody prepared;
            prepared.body = parseTicketBody(r.body, *rules, &prepared.error);
            r.prepared = std::move(prepared);
        }
    });
    // Everything the I/O threads read is set before they start (in listen).
    m_events = new EventStream;
    m_http->setWebSocketServer("/v1/events", m_events->server());
    if (!m_http->listen(options.address, options.port)) {
        *error = u"--listen: cannot listen on "_s + options.address.toString() + u":"_s +
                 QString::number(options.port) + u": "_s + m_http->errorString();
        return false;
    }
    m_metrics = std::make_unique<ServerMetrics>(*config, options.color, options.environment,
                                                url().toStdString());
    m_faults = std::make_unique<FaultState>(options.color);
    m_service = new MatchService(*config, m_store, m_metrics.get(),
                                 RecordIds(options.effectiveServerId().toLatin1()));
    m_service->setMemoryLimits(options.memoryTickets, options.memoryMatches);
    m_service->recover(recovery);
    // Recording from the first request on, or not starting at all: a
    // recording asked for and silently missing would be lost data.
    if (!options.recordPath.isEmpty() && !startRecording(options.recordPath, error)) {
        *error = u"--record: "_s + *error;
        return false;
    }
    m_http->setHandler(
        [this](HttpRequest& r, HttpResponder responder) { route(r, std::move(responder)); });
    // route() tags each answer with its request's route and method
    // (routeTag); answers the HTTP layer gave by itself carry 0: no route.
    m_http->setResponseObserver([this](int status, double latencyMs, int tag) {
        m_metrics->recordHttp(status, latencyMs, m_service->now(), routeOfTag(tag),
                              methodOfTag(tag));
    });
    connect(m_service, &MatchService::ticked, this, &MatchdServer::onTicked);
    connect(m_service, &MatchService::ticketEvent, this,
            [this](const QString& id, const QString& state, const QString& matchId) {
                if (!m_events->hasClients()) {
                    m_events->broadcast({});  // keeps seq counting without building JSON
                    return;
                }
                QByteArray f = "\"type\":\"ticket\",\"ticket_id\":\"" + id.toLatin1() +
                               "\",\"state\":\"" + state.toLatin1() + '"';
                if (!matchId.isEmpty())
                    f += ",\"match_id\":\"" + matchId.toLatin1() + '"';
                m_events->broadcast(f);
            });
    connect(m_service, &MatchService::matchEvent, this, [this](const QByteArray& json) {
        m_events->broadcast(m_events->hasClients() ? "\"type\":\"match\",\"match\":" + json
                                                   : QByteArray());
    });
    m_integrity = new IntegrityAudit(m_service, m_store,
                                     [this](const IntegrityReport& r) { onIntegrityAudited(r); });
    m_integrity->start(options.integrityIntervalSeconds);
    m_startedAt = QDateTime::currentDateTimeUtc();
    m_uptime =
        std::make_unique<UptimeLedger>(std::move(recovery.upIntervals), recovery.maxUpIntervalId,
                                       qint64(std::llround(options.heartbeatSeconds * 1000)));
    connect(m_store, &GroupCommitStore::batchCommitted, this,
            [this](quint64 lastToken, bool ok, const QString&) {
                if (m_heartbeatToken == 0 || m_heartbeatToken > lastToken)
                    return;
                m_heartbeatToken = 0;
                if (!ok)
                    return;  // not on record: that time counts as down
                m_uptime->committed(m_heartbeatRow);
                m_metrics->setAvailability(m_uptime->history(QDateTime::currentMSecsSinceEpoch()));
            });
    m_heartbeatTimer.setInterval(int(m_uptime->periodMs()));
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &MatchdServer::heartbeat);
    m_heartbeatTimer.start();
    heartbeat();
    readStoreMaintenance();
    m_maintenanceTimer.setInterval(kMaintenanceReadMs);
    connect(&m_maintenanceTimer, &QTimer::timeout, this, &MatchdServer::readStoreMaintenance);
    m_maintenanceTimer.start();
    publishSnapshot();
    m_service->start(options.tickMs);
    m_snapshotTimer.setInterval(1000);
    connect(&m_snapshotTimer, &QTimer::timeout, this,
            [this] { m_events->broadcast("\"type\":\"snapshot\",\"snapshot\":" + m_statsJson); });
    m_snapshotTimer.start();
#if defined(__GLIBC__)
    // glibc keeps freed heap pages (tickets and matches leave memory all the
    // time) and the free gaps grow slowly with fragmentation: RSS crept up
    // while the memory in use stayed level. Returning them every 10 s keeps
    // RSS at what is in use. A trim takes 1-4 ms here (soak, 100 MiB heap).
    m_heapTrimTimer.setInterval(10000);
    connect(&m_heapTrimTimer, &QTimer::timeout, this, [] { malloc_trim(0); });
    m_heapTrimTimer.start();
#endif
    // Beyond loopback anyone on the network can reach the API; say so loudly
    // when nothing guards the admin side either.
    if (!m_options.address.isLoopback() && !m_admin.enabled())
        qWarning().noquote()
            << "warning: serving on" << url()
            << "beyond loopback without --admin-token-file; admin routes stay disabled";
    return true;
}

void MatchdServer::heartbeat() {
    // One heartbeat in flight at a time: a commit slower than the period
    // (a store latency fault) makes the next beat wait, and the gap rule
    // (UptimeLedger::kGapBeats) decides whether the interval goes on.
    if (m_heartbeatToken != 0)
        return;
    m_heartbeatRow = m_uptime->beat(QDateTime::currentMSecsSinceEpoch());
    m_heartbeatToken = m_store->submit(RecordHeartbeat{m_heartbeatRow});
}

void MatchdServer::readStoreMaintenance() {
    // On the store thread, after what is queued; the report comes back to
    // this thread. A log that cannot be read is said once per change of
    // reason; the last report read stays meanwhile.
    m_store->read([this](QSqlDatabase& db) {
        QString error;
        const auto runs = readMaintenanceRuns(db, &error);
        std::optional<StoreMaintenanceReport> report;
        if (runs)
            report = summarizeMaintenance(*runs);
        // Through Qt's event queue, whose lock TSan cannot see: see
        // bridge/ThreadHandoff.h.
        handoff::post(&m_maintenanceError, [&] {
            QMetaObject::invokeMethod(
                this,
                [this, report, error] {
                    handoff::acquire(&m_maintenanceError);
                    if (!m_metrics)
                        return;
                    if (report)
                        m_metrics->setStoreMaintenance(*report);
                    if (error != m_maintenanceError && !error.isEmpty())
                        qWarning().noquote() << "pulsco-matchd:" << error;
                    m_maintenanceError = error;
                },
                Qt::QueuedConnection);
        });
    });
}

bool MatchdServer::ready() const {
    return m_service && !m_service->draining() && m_service->storeHealthy();
}

void MatchdServer::drain() {
    if (m_service && !m_service->draining()) {
        qInfo().noquote() << "draining: readiness false, new tickets refused with 503";
        m_service->setDraining(true);
        publishSnapshot();
    }
}

bool MatchdServer::draining() const {
    return m_service && m_service->draining();
}

namespace {

void warnIfUnwritten(std::size_t updates) {
    if (updates > 0)
        qWarning().noquote() << "stopped with" << updates
                             << "matchmaker updates (matches formed, tickets matched or expired) "
                                "not on disk: the store still refuses writes; those tickets search "
                                "again after a restart";
}

}  // namespace

bool MatchdServer::startRecording(const QString& path, QString* error) {
    RecorderOptions o;
    o.path = path;
    o.rawIds = m_options.recordRawIds;
    o.maxPartBytes = qint64(m_options.recordPartMb) * 1024 * 1024;
    o.keepParts = m_options.recordKeepParts;
    RecordingHeader header;
    header.server = toString(m_options.color);
    header.environment = toString(m_options.environment);
    header.startedUnixMs = double(QDateTime::currentMSecsSinceEpoch());
    header.regions = m_service->config().regions;
    m_recorder = ArrivalRecorder::start(o, std::move(header), error);
    if (!m_recorder)
        return false;
    m_service->setRecorder(m_recorder.get());
    qInfo().noquote() << "recording arrivals to" << path
                      << (o.rawIds ? "(raw player ids)" : "(player ids pseudonymous)");
    return true;
}

void MatchdServer::stopRecording() {
    if (!m_recorder)
        return;
    if (m_service)
        m_service->setRecorder(nullptr);
    const ArrivalRecorder::Status s = m_recorder->stop();  // queued events written, closed
    m_recorder.reset();
    m_recordedBefore[0] += s.written;
    m_recordedBefore[1] += s.lost;
    m_recordedBefore[2] += s.gaps;
    m_recordedBefore[3] += s.bytes;
    qInfo().noquote() << "recording stopped:" << s.path << s.written << "events," << s.lost
                      << "lost";
}

void MatchdServer::shutdown() {
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    drain();
    // Matchmaker updates an outage kept from the disk get one more try.
    m_service->writeUnwrittenNow();
    // Durable answers still waiting for their commit are sent before we stop.
    m_shutdownPoll.setInterval(10);
    connect(&m_shutdownPoll, &QTimer::timeout, this, [this] {
        if (!m_service->idle())
            return;
        m_shutdownPoll.stop();
        m_snapshotTimer.stop();
        m_heartbeatTimer.stop();
        m_events->closeAll();
        m_http->close();
        m_store->waitForIdle();
        stopRecording();  // every queued event written, the file closed
        warnIfUnwritten(m_service->unwrittenTickUpdates());
        qInfo().noquote() << "stopped: every acknowledged write is committed";
        emit finished(0);
    });
    m_shutdownPoll.start();
}

void MatchdServer::onTicked() {
    const double now = m_service->now();
    m_faults->update(now);  // faults start and end on the tick
    for (int n = m_faults->takeStartedCorruptions(now); n > 0; --n)
        m_integrity->corruptOneRecord();
    m_service->setStalled(m_faults->stalled(now));
    std::vector<int> regionsOut;
    for (const std::string& region : m_faults->regionsOut(now))
        if (const int index = m_service->config().regionIndex(region); index >= 0)
            regionsOut.push_back(index);
    m_metrics->setRegionsOut(regionsOut);
    m_service->setRegionsOut(std::move(regionsOut));
    m_service->setReleaseSkillFactor(m_faults->releaseSkillFactor(now));
    m_store->setExtraLatencyMs(m_faults->storeLatencyMs(now));
    m_metrics->setActiveFaults(m_faults->describe(now), m_faults->onset(now));
    publishSnapshot();
}

void MatchdServer::onIntegrityAudited(const IntegrityReport& report) {
    m_metrics->integrityAudited(report);
    publishSnapshot();  // the next /v1/stats shows it, not the next tick's
    m_events->broadcast(m_events->hasClients()
                            ? "\"type\":\"integrity\",\"integrity\":" + integrityJson(report)
                            : QByteArray());
}

void MatchdServer::publishSnapshot() {
    // Serialised once per tick; GET /v1/stats sends these bytes as they are.
    const MetricsSnapshot snapshot = m_metrics->snapshot(
        m_service->queueStatus(), m_service->now(), double(QDateTime::currentMSecsSinceEpoch()));
    m_statsJson = metricsSnapshotToJson(snapshot);
}

}  // namespace pulsco
