// The route table of the pulsco-matchd API (docs/api.md).
#include "net/server/MatchdServer.h"

#include "bridge/FaultSpecJson.h"
#include "bridge/JsonReader.h"
#include "bridge/JsonWriter.h"
#include "net/prometheus/PrometheusTextWriter.h"
#include "net/record/ArrivalRecorder.h"
#include "net/server/ApiJson.h"
#include "net/server/EventStream.h"
#include "net/server/IntegrityAudit.h"
#include "net/server/MatchService.h"
#include "net/server/ServerMetrics.h"
#include "net/server/ServiceAnswers.h"
#include "net/server/TrafficClass.h"
#include "net/store/GroupCommitStore.h"
#include "net/store/Migrations.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRandomGenerator>

#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

HttpResponse methodNotAllowed(const HttpRequest& r, const QByteArray& allow) {
    HttpResponse out =
        HttpServer::errorResponse(405, u"method: "_s + QString::fromLatin1(r.method) +
                                           u" is not allowed on "_s + QString::fromLatin1(r.path) +
                                           u" (allowed: "_s + QString::fromLatin1(allow) + u")"_s);
    out.headers.append(qMakePair(QByteArray("Allow"), allow));
    return out;
}

HttpResponse jsonOk(QByteArray body) {
    return HttpResponse::json(200, std::move(body));
}

// 400 for a region the server's queue rules do not have, listing theirs.
HttpResponse unknownRegion(const QString& where, const QString& region,
                           const std::vector<std::string>& known) {
    QStringList regions;
    for (const std::string& r : known)
        regions << QString::fromStdString(r);
    return HttpServer::errorResponse(
        400, u"%1: region: unknown region \"%2\" (this server's regions: %3)"_s.arg(
                 where, region, regions.join(u", "_s)));
}

}  // namespace

HttpResponse MatchdServer::infoResponse() const {
    QByteArray out;
    JsonWriter w(&out);
    w.beginObject();
    w.field("name", "pulsco-matchd");
    w.field("version", PULSCO_VERSION);
    w.field("color", toString(m_options.color));
    w.field("server_id", std::string_view(m_service->ids().serverId()));
    w.field("environment", toString(m_options.environment));
    w.field("url", std::string_view(url().toUtf8()));
    w.field("tls", m_http->tlsEnabled());
    w.field("started_at", std::string_view(m_startedAt.toString(Qt::ISODateWithMs).toUtf8()));
    w.field("started_unix_ms", std::int64_t(m_startedAt.toMSecsSinceEpoch()));
    w.field("uptime_s", double(m_startedAt.msecsTo(QDateTime::currentDateTimeUtc())) / 1000.0);
    w.field("tick_ms", m_options.tickMs);
    w.field("heartbeat_s", m_options.heartbeatSeconds);
    w.field("schema_version", latestSchemaVersion());
    w.field("admin_enabled", m_admin.enabled());
    w.field("draining", draining());
    w.endObject();
    return jsonOk(std::move(out));
}

void MatchdServer::route(HttpRequest& request, HttpResponder untagged) {
    const QByteArray& path = request.path;
    const QByteArray& method = request.method;
    // Every answer to this request is counted under its route, method and
    // class (the response observer in MatchdServer::start): only the API's
    // are user figures.
    const HttpRoute httpRoute = routeOf(path);
    const TrafficClass trafficClass = trafficClassOf(httpRoute);
    const HttpResponder responder = untagged.tagged(routeTag(httpRoute, methodOf(method)));

    if (path == "/healthz") {
        if (method != "GET" && method != "HEAD")
            return responder.respond(methodNotAllowed(request, "GET"));
        return responder.respond(jsonOk(R"({"status":"ok"})"));
    }
    if (path == "/readyz") {
        if (method != "GET" && method != "HEAD")
            return responder.respond(methodNotAllowed(request, "GET"));
        if (ready())
            return responder.respond(jsonOk(R"({"ready":true})"));
        return responder.respond(HttpServer::errorResponse(
            503,
            draining() ? u"readiness: draining"_s : u"readiness: the store is failing writes"_s));
    }
    if (path == "/metrics") {
        if (method != "GET")
            return responder.respond(methodNotAllowed(request, "GET"));
        HttpResponse r;
        r.contentType = PrometheusTextWriter::kContentType;
        ServerMetrics::StoreFigures figures{m_store->batches(),
                                            m_store->writesCommitted(),
                                            m_store->commitSecondsTotal(),
                                            m_service->ticketsInMemory(),
                                            m_service->matchesInMemory(),
                                            m_service->ratingsInMemory(),
                                            m_service->unwrittenTickUpdates(),
                                            m_service->queuedMatchmakerWrites()};
        const ArrivalRecorder::Status now =
            m_recorder ? m_recorder->status() : ArrivalRecorder::Status{};
        figures.recording = m_recorder != nullptr;
        figures.recordedEvents = m_recordedBefore[0] + now.written;
        figures.recordLostEvents = m_recordedBefore[1] + now.lost;
        figures.recordGaps = m_recordedBefore[2] + now.gaps;
        figures.recordBytes = m_recordedBefore[3] + now.bytes;
        r.body = m_metrics->prometheusText(m_service->queueStatus(), ready(), figures);
        return responder.respond(std::move(r));
    }
    if (path.startsWith("/v1/admin/"))
        return routeAdmin(request, std::move(responder));
    if (path == "/v1/integrity")
        return routeIntegrity(request, std::move(responder));
    if (!path.startsWith("/v1/"))
        return responder.respond(HttpServer::errorResponse(
            404, u"path: no route for "_s + QString::fromLatin1(method + ' ' + path)));

    // Drill faults act on the matchmaking API only: stats, info, queues,
    // health, metrics and admin stay truthful so the drill can be observed
    // and ended, and the console's own polling is not what a drill slows.
    const bool faultable = trafficClass == TrafficClass::Api;
    const double now = m_service->now();
    auto* rng = QRandomGenerator::global();
    if (faultable && m_faults->injectError(now, rng->generateDouble()))
        return responder.respond(
            HttpServer::errorResponse(503, u"fault: injected error (drill)"_s));
    MatchService::Reply reply;
    // latency adds its delay; latency_factor holds the answer back until the
    // request has spent `factor` times its own time in the server.
    const double latencyDraw = rng->generateDouble();
    const double delay = faultable ? m_faults->latencyMs(now, latencyDraw) : 0;
    const double factor = faultable ? m_faults->latencyFactor(now, latencyDraw) : 1.0;
    if (delay > 0 || factor > 1) {
        QElapsedTimer inServer;
        inServer.start();
        const double roundingDraw = rng->generateDouble();
        reply = [this, responder, delay, factor, inServer, roundingDraw](HttpResponse r) {
            const double ownMs = double(inServer.nsecsElapsed()) / 1e6;
            // Timers count whole milliseconds: a fraction is held one more
            // millisecond as often as it is long, so the mean is exact even
            // for answers that take well under a millisecond.
            const double exact = delay + (factor - 1.0) * ownMs;
            const auto held = int(std::floor(exact)) + (roundingDraw < exact - std::floor(exact));
            QTimer::singleShot(held, this, [responder, r = std::move(r)]() mutable {
                responder.respond(std::move(r));
            });
        };
    } else {
        reply = [responder](HttpResponse r) { responder.respond(std::move(r)); };
    }

    if (path == "/v1/tickets") {
        if (method != "POST")
            return reply(methodNotAllowed(request, "POST"));
        if (m_service->draining())
            return reply(HttpServer::errorResponse(
                503, u"tickets: this server is draining and accepts no new tickets"_s));
        // Parsed on the I/O thread (see MatchdServer::start); parsed here
        // only when no preparer ran.
        QString error;
        std::optional<TicketBody> body;
        if (auto* prepared = std::any_cast<PreparedTicketBody>(&request.prepared)) {
            body = std::move(prepared->body);
            error = std::move(prepared->error);
        } else {
            body = parseTicketBody(request.body, m_service->config(), &error);
        }
        if (!body)
            return reply(HttpServer::errorResponse(400, error));
        return m_service->createTicket(std::move(*body), std::move(reply));
    }
    if (path.startsWith("/v1/tickets/")) {
        const QByteArray id = path.mid(12);
        const RecordIds::Parsed parsed = m_service->ids().parse(id, 't');
        if (method != "GET" && method != "DELETE")
            return reply(methodNotAllowed(request, "GET, DELETE"));
        if (parsed.kind == RecordIds::Parsed::Kind::OtherServer)
            return reply(
                answer::misdirected(u"ticket_id"_s, id, parsed.owner, m_service->ids().serverId()));
        if (parsed.kind != RecordIds::Parsed::Kind::Ours)
            return reply(HttpServer::errorResponse(
                404, u"ticket_id: no such id '"_s + QString::fromLatin1(id.left(64)) + u"'"_s));
        if (method == "GET")
            return m_service->getTicket(parsed.seq, std::move(reply));
        return m_service->cancelTicket(parsed.seq, std::move(reply));
    }
    if (path.startsWith("/v1/matches/")) {
        QByteArray id = path.mid(12);
        const bool result = id.endsWith("/result");
        if (result)
            id.chop(7);
        const RecordIds::Parsed parsed = m_service->ids().parse(id, 'm');
        if (result && method != "POST")
            return reply(methodNotAllowed(request, "POST"));
        if (!result && method != "GET")
            return reply(methodNotAllowed(request, "GET"));
        if (parsed.kind == RecordIds::Parsed::Kind::OtherServer)
            return reply(
                answer::misdirected(u"match_id"_s, id, parsed.owner, m_service->ids().serverId()));
        if (parsed.kind != RecordIds::Parsed::Kind::Ours)
            return reply(HttpServer::errorResponse(
                404, u"match_id: no such id '"_s + QString::fromLatin1(id.left(64)) + u"'"_s));
        if (result)
            return m_service->reportResult(parsed.seq, request.body, std::move(reply));
        return m_service->getMatch(parsed.seq, std::move(reply));
    }
    if (path == "/v1/stats") {
        if (method != "GET")
            return reply(methodNotAllowed(request, "GET"));
        return reply(jsonOk(m_statsJson));
    }
    if (path == "/v1/queues") {
        if (method != "GET")
            return reply(methodNotAllowed(request, "GET"));
        return reply(jsonOk(m_service->queuesJson()));
    }
    if (path == "/v1/info") {
        if (method != "GET")
            return reply(methodNotAllowed(request, "GET"));
        return reply(infoResponse());
    }
    if (path == "/v1/events")
        return reply(HttpServer::errorResponse(
            400, u"GET /v1/events: a WebSocket upgrade is required (Upgrade: websocket)"_s));
    return reply(HttpServer::errorResponse(404, u"path: no route for "_s +
                                                    QString::fromLatin1(method + ' ' + path)));
}

void MatchdServer::routeIntegrity(const HttpRequest& request, HttpResponder responder) {
    // GET is monitoring (no token: the report names record ids and counts,
    // no secrets); POST starts an audit, which reads every row and holds a
    // WAL snapshot while it does (disk and CPU, not the store thread's
    // commits), so it takes the admin token like the drill routes.
    if (request.method == "GET")
        return responder.respond(
            jsonOk(integrityAnswerJson(m_integrity->last(), m_integrity->running(),
                                       m_integrity->intervalSeconds(), m_integrity->completed())));
    if (request.method != "POST")
        return responder.respond(methodNotAllowed(request, "GET, POST"));
    if (auto refused = m_admin.check(request))
        return responder.respond(std::move(*refused));
    const bool started = m_integrity->request();
    QByteArray out =
        started ? R"({"started":true,"running":true})" : R"({"started":false,"running":true})";
    return responder.respond(HttpResponse::json(202, std::move(out)));
}

void MatchdServer::routeAdmin(const HttpRequest& request, HttpResponder responder) {
    const QByteArray& path = request.path;
    const QByteArray& method = request.method;
    const bool faults = path == "/v1/admin/faults";
    const bool drainRoute = path == "/v1/admin/drain";
    if (path == "/v1/admin/recording") {
        if (auto refused = m_admin.check(request))
            return responder.respond(std::move(*refused));
        return routeRecording(request, std::move(responder));
    }
    if (path == "/v1/admin/regions/shed") {
        if (auto refused = m_admin.check(request))
            return responder.respond(std::move(*refused));
        return routeShedRegions(request, std::move(responder));
    }
    const bool restartRoute = path == "/v1/admin/matcher/restart";
    if (!faults && !drainRoute && !restartRoute)
        return responder.respond(HttpServer::errorResponse(
            404, u"path: no route for "_s + QString::fromLatin1(method + ' ' + path)));
    if (auto refused = m_admin.check(request))
        return responder.respond(std::move(*refused));
    const double now = m_service->now();
    if (restartRoute) {
        if (method != "POST")
            return responder.respond(methodNotAllowed(request, "POST"));
        // A remedy, not a fault: allowed on every server. The wedged loop is
        // gone with the old matcher, so its running stalls end with it.
        const int stallsEnded = m_faults->endRunningStalls(now);
        onTicked();
        return m_service->restartMatcher(
            [responder, stallsEnded](std::optional<MatchService::MatcherRestart> restart,
                                     const QString& error) {
                if (!restart)
                    return responder.respond(HttpServer::errorResponse(503, error));
                QByteArray out;
                JsonWriter w(&out);
                w.beginObject();
                w.field("restarted", true);
                w.field("requeued", std::int64_t(restart->requeued));
                w.field("expired", std::int64_t(restart->expired));
                w.field("stall_faults_ended", std::int64_t(stallsEnded));
                w.field("took_ms", restart->tookMs);
                w.endObject();
                responder.respond(jsonOk(std::move(out)));
            });
    }
    if (drainRoute) {
        if (method != "POST")
            return responder.respond(methodNotAllowed(request, "POST"));
        drain();
        return responder.respond(HttpResponse::json(202, R"({"draining":true})"));
    }
    if (method == "GET")
        return responder.respond(jsonOk(m_faults->toJson(now)));
    if (method == "DELETE") {
        m_faults->clear();
        onTicked();
        return responder.respond(jsonOk(m_faults->toJson(now)));
    }
    if (method != "POST")
        return responder.respond(methodNotAllowed(request, "GET, POST, DELETE"));
    // Drills break things on purpose; production evidence must never come
    // from a broken-on-purpose server. Listing and clearing stay allowed (a
    // production server has nothing to clear, and clearing harms nothing).
    if (m_options.environment == DeploymentEnvironment::Production)
        return responder.respond(HttpServer::errorResponse(
            403,
            u"POST /v1/admin/faults: fault injection is refused on a production server (started "
            "with --environment production); drill on a staging server"_s));
    QString error;
    const auto spec = faultSpecFromJson(request.body, u"POST /v1/admin/faults"_s, &error);
    if (!spec)
        return responder.respond(HttpServer::errorResponse(400, error));
    if (spec->kind == FaultKind::RegionOutage && m_service->config().regionIndex(spec->region) < 0)
        return responder.respond(unknownRegion(u"POST /v1/admin/faults"_s,
                                               QString::fromStdString(spec->region),
                                               m_service->config().regions));
    qint64 id = 0;
    if (const std::string refused = m_faults->add(*spec, now, &id); !refused.empty())
        return responder.respond(HttpServer::errorResponse(
            400, u"POST /v1/admin/faults: "_s + QString::fromStdString(refused)));
    onTicked();  // effective now, not at the next tick
    return responder.respond(HttpResponse::json(201, m_faults->toJson(now)));
}

}  // namespace pulsco

namespace pulsco {

QByteArray MatchdServer::recordingJson() const {
    QJsonObject o;
    o.insert(u"recording"_s, m_recorder != nullptr);
    if (m_recorder) {
        const ArrivalRecorder::Status s = m_recorder->status();
        o.insert(u"path"_s, s.path);
        o.insert(u"part"_s, s.part);
        o.insert(u"events"_s, double(s.written));
        o.insert(u"lost_events"_s, double(s.lost));
        o.insert(u"gaps"_s, double(s.gaps));
        o.insert(u"bytes"_s, double(s.bytes));
        o.insert(u"error"_s, s.error.isEmpty() ? QJsonValue() : QJsonValue(s.error));
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// GET: the recording's state. POST {"action":"start"[,"path":FILE]} or
// {"action":"stop"}. A path given here must not exist yet (nothing is
// overwritten); without one, --record FILE, else a new file under
// DATA_DIR/recordings.
void MatchdServer::routeRecording(const HttpRequest& request, HttpResponder responder) {
    if (request.method == "GET")
        return responder.respond(jsonOk(recordingJson()));
    if (request.method != "POST")
        return responder.respond(methodNotAllowed(request, "GET, POST"));
    const QString where = u"POST /v1/admin/recording"_s;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
    if (!doc.isObject())
        return responder.respond(HttpServer::errorResponse(
            400, where + u": body: must be {\"action\": \"start\"|\"stop\"}"_s));
    const QJsonObject body = doc.object();
    for (auto it = body.begin(); it != body.end(); ++it)
        if (it.key() != u"action" && it.key() != u"path")
            return responder.respond(
                HttpServer::errorResponse(400, where + u": "_s + it.key() + u": unknown field"_s));
    const QString action = body.value(u"action").toString();
    if (action == u"stop") {
        if (!m_recorder)
            return responder.respond(
                HttpServer::errorResponse(409, where + u": no recording is running"_s));
        stopRecording();
        return responder.respond(jsonOk(recordingJson()));
    }
    if (action != u"start")
        return responder.respond(
            HttpServer::errorResponse(400, where + u": action: must be \"start\" or \"stop\""_s));
    if (m_recorder)
        return responder.respond(
            HttpServer::errorResponse(409, where + u": a recording is running (to "_s +
                                               m_recorder->status().path + u"); stop it first"_s));
    QString path = body.value(u"path").toString();
    if (body.contains(u"path") && (!body.value(u"path").isString() || path.isEmpty()))
        return responder.respond(
            HttpServer::errorResponse(400, where + u": path: must be a file name"_s));
    if (path.isEmpty() && !m_options.recordPath.isEmpty() && !QFile::exists(m_options.recordPath))
        path = m_options.recordPath;
    if (path.isEmpty()) {
        if (m_options.dataDir.isEmpty())
            return responder.respond(HttpServer::errorResponse(
                400, where + u": path: required (the server has no --data-dir to put it in)"_s));
        QDir dir(m_options.dataDir);
        dir.mkpath(u"recordings"_s);
        path = dir.filePath(u"recordings/arrivals-%1.rec"_s.arg(
            QDateTime::currentDateTimeUtc().toString(u"yyyyMMdd-HHmmss-zzz"_s)));
    }
    QString error;
    if (!startRecording(path, &error))
        return responder.respond(HttpServer::errorResponse(409, where + u": "_s + error));
    return responder.respond(HttpResponse::json(201, recordingJson()));
}

QByteArray MatchdServer::shedRegionsJson() const {
    QJsonArray shed;
    for (const int region : m_service->regionsShed())
        shed.append(QString::fromStdString(m_service->config().regions[std::size_t(region)]));
    QJsonArray all;
    for (const std::string& region : m_service->config().regions)
        all.append(QString::fromStdString(region));
    QJsonObject o;
    o.insert(u"shed"_s, shed);
    o.insert(u"regions"_s, all);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// GET: the regions shed and all the server's regions. POST {"region": NAME,
// "shed": true|false} sheds a region or puts it back in service. A remedy,
// not a fault: allowed on every server, as an operator sheds a region on
// production too. Effective at once, for the next ticket.
void MatchdServer::routeShedRegions(const HttpRequest& request, HttpResponder responder) {
    if (request.method == "GET")
        return responder.respond(jsonOk(shedRegionsJson()));
    if (request.method != "POST")
        return responder.respond(methodNotAllowed(request, "GET, POST"));
    JsonReader reader(u"POST /v1/admin/regions/shed"_s);
    auto body = reader.parseObject(request.body);
    QString region;
    bool shed = true;
    if (body) {
        region = body->string(u"region", 200);
        shed = body->optionalBoolean(u"shed", true);
        body->finish();
    }
    if (!reader.ok())
        return responder.respond(HttpServer::errorResponse(400, reader.error()));
    const int index = m_service->config().regionIndex(region.toStdString());
    if (index < 0)
        return responder.respond(
            unknownRegion(u"POST /v1/admin/regions/shed"_s, region, m_service->config().regions));
    std::vector<int> regions = m_service->regionsShed();
    if (shed)
        regions.push_back(index);
    else
        std::erase(regions, index);
    m_service->setRegionsShed(regions);
    m_metrics->setRegionsShed(m_service->regionsShed());
    publishSnapshot();  // seen at once, not at the next tick
    return responder.respond(jsonOk(shedRegionsJson()));
}

}  // namespace pulsco
