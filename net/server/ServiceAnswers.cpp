#include "net/server/ServiceAnswers.h"

#include "bridge/JsonWriter.h"
#include "bridge/QueueConfigJson.h"
#include "net/http/HttpServer.h"
#include "net/server/ApiJson.h"
#include "net/server/RecordRows.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

QByteArray ticketJson(const TicketRecord& t, std::string_view queueName, double now,
                      const RecordIds& ids) {
    QByteArray out;
    JsonWriter w(&out);
    w.beginObject();
    w.field("ticket_id", std::string_view(ids.ticket(t.seq)));
    w.field("state", toString(t.state));
    w.field("queue", queueName);
    w.key("match_id");
    if (t.matchSeq > 0)
        w.value(std::string_view(ids.match(t.matchSeq)));
    else
        w.rawValue("null");
    const double wait = t.state == TicketState::Searching ? now - t.enqueuedAt : t.waitSeconds;
    w.field("wait_ms", std::int64_t(std::llround(std::max(0.0, wait) * 1000)));
    w.field("created_unix_ms", std::int64_t(t.createdUnixMs));
    w.endObject();
    return out;
}

QByteArray createdTicketJson(qint64 seq, TicketState state, const RecordIds& ids,
                             const QString& notice) {
    QByteArray out;
    JsonWriter w(&out);
    w.beginObject();
    w.field("ticket_id", std::string_view(ids.ticket(seq)));
    w.field("state", toString(state));
    if (!notice.isEmpty())
        w.field("notice", notice);
    w.endObject();
    return out;
}

namespace {

// The match as JSON with ids made by `ticketId` and `matchId`.
template <typename TicketId, typename MatchId>
QByteArray writeMatch(const MatchRecord& m, TicketId ticketId, MatchId matchId) {
    QByteArray out;
    JsonWriter w(&out);
    w.beginObject();
    w.field("match_id", std::string_view(matchId(m.seq)));
    w.field("queue", std::string_view(m.queue.toUtf8()));
    w.field("region", std::string_view(m.region.toUtf8()));
    w.field("created_unix_ms", std::int64_t(m.createdUnixMs));
    w.field("quality", m.quality);
    w.field("team0_win_probability", m.team0WinProbability);
    w.field("worst_ping_ms", m.worstPingMs);
    w.field("skill_spread", m.skillSpread);
    w.key("teams");
    w.beginArray();
    for (std::size_t i = 0; i < m.teams.size(); ++i) {
        const auto& team = m.teams[i];
        w.beginObject();
        w.field("team", int(i));
        w.field("strength", team.strength);
        w.key("tickets");
        w.beginArray();
        for (qint64 t : team.tickets)
            w.value(std::string_view(ticketId(t)));
        w.endArray();
        w.key("players");
        w.beginArray();
        for (std::size_t p = 0; p < team.players.size(); ++p) {
            w.beginObject();
            w.field("id", std::string_view(team.players[p]));
            w.field("mu", team.ratingsAtMatch[p].mu);
            w.field("sigma", team.ratingsAtMatch[p].sigma);
            w.endObject();
        }
        w.endArray();
        w.endObject();
    }
    w.endArray();
    w.key("winner_team");
    if (m.winnerTeam >= 0)
        w.value(m.winnerTeam);
    else
        w.rawValue("null");
    w.endObject();
    return out;
}

}  // namespace

QByteArray matchJson(const MatchRecord& m, const RecordIds& ids) {
    return writeMatch(
        m, [&ids](qint64 seq) { return ids.ticket(seq); },
        [&ids](qint64 seq) { return ids.match(seq); });
}

QByteArray matchDetailJson(const MatchRecord& m) {
    return writeMatch(
        m, [](qint64 seq) { return QByteArray("t" + QByteArray::number(seq)); },
        [](qint64 seq) { return QByteArray("m" + QByteArray::number(seq)); });
}

MatchRecord matchFromJson(qint64 seq, const QByteArray& detail) {
    const QJsonObject o = QJsonDocument::fromJson(detail).object();
    MatchRecord m;
    m.seq = seq;
    m.queue = o.value(u"queue").toString();
    m.region = o.value(u"region").toString();
    m.createdUnixMs = qint64(o.value(u"created_unix_ms").toDouble());
    m.quality = o.value(u"quality").toDouble();
    m.team0WinProbability = o.value(u"team0_win_probability").toDouble();
    m.worstPingMs = o.value(u"worst_ping_ms").toInt();
    m.skillSpread = o.value(u"skill_spread").toDouble();
    for (const QJsonValue& tv : o.value(u"teams").toArray()) {
        MatchRecord::TeamOf team;
        const QJsonObject to = tv.toObject();
        team.strength = to.value(u"strength").toDouble();
        for (const QJsonValue& t : to.value(u"tickets").toArray())
            team.tickets.push_back(RecordIds::storedTicketSeq(t.toString()).value_or(0));
        for (const QJsonValue& pv : to.value(u"players").toArray()) {
            const QJsonObject po = pv.toObject();
            team.players.push_back(po.value(u"id").toString().toStdString());
            team.ratingsAtMatch.push_back(
                Rating{po.value(u"mu").toDouble(), po.value(u"sigma").toDouble()});
        }
        m.teams.push_back(std::move(team));
    }
    return m;
}

QByteArray resultJson(qint64 seq, int winnerTeam, const MatchRecord& m,
                      const std::vector<Team>& before, const std::vector<Team>& after,
                      const RecordIds& ids) {
    QByteArray out;
    JsonWriter w(&out);
    w.beginObject();
    w.field("match_id", std::string_view(ids.match(seq)));
    w.field("winner_team", winnerTeam);
    w.key("ratings");
    w.beginArray();
    for (std::size_t i = 0; i < m.teams.size(); ++i) {
        for (std::size_t p = 0; p < m.teams[i].players.size(); ++p) {
            w.beginObject();
            w.field("id", std::string_view(m.teams[i].players[p]));
            w.field("team", int(i));
            w.key("before");
            w.beginObject();
            w.field("mu", before[i][p].mu);
            w.field("sigma", before[i][p].sigma);
            w.endObject();
            w.key("after");
            w.beginObject();
            w.field("mu", after[i][p].mu);
            w.field("sigma", after[i][p].sigma);
            w.endObject();
            w.endObject();
        }
    }
    w.endArray();
    w.endObject();
    return out;
}

QByteArray queuesJson(const QueueConfig& config, const std::vector<QueueStatus>& statuses) {
    QByteArray out;
    JsonWriter w(&out);
    w.beginObject();
    w.key("regions");
    w.beginArray();
    for (const auto& r : config.regions)
        w.value(std::string_view(r));
    w.endArray();
    w.key("queues");
    w.beginArray();
    for (std::size_t i = 0; i < config.queues.size(); ++i) {
        w.beginObject();
        w.field("name", std::string_view(config.queues[i].name));
        const QueueStatus* s = i < statuses.size() ? &statuses[i] : nullptr;
        w.field("depth", s ? s->depth : 0);
        w.field("players_searching", s ? s->playersSearching : 0);
        w.field("oldest_wait_s", s ? s->oldestWaitSeconds : 0.0);
        w.key("rules");
        w.rawValue(
            QJsonDocument(queueRulesToJsonObject(config.queues[i])).toJson(QJsonDocument::Compact));
        w.endObject();
    }
    w.endArray();
    w.endObject();
    return out;
}

namespace answer {

HttpResponse notFound(const QString& what, const QString& id) {
    return HttpServer::errorResponse(404, what + u": no such id '"_s + id + u"'"_s);
}

HttpResponse storeFailed(const QString& error) {
    return HttpServer::errorResponse(503, u"store: write not durable, try again: "_s + error);
}

HttpResponse storeUnreadable(const QString& error) {
    return HttpServer::errorResponse(
        503, u"store: cannot read this record back now, try again: "_s + error);
}

HttpResponse draining() {
    return HttpServer::errorResponse(
        503, u"tickets: this server is draining and accepts no new tickets"_s);
}

HttpResponse matcherRestarting() {
    return HttpServer::errorResponse(
        503, u"tickets: the matcher is restarting (an operator's remedy); retry in a moment"_s);
}

HttpResponse overloaded(quint64 backlog) {
    return HttpServer::errorResponse(
        503, u"store: %1 writes are waiting for the disk; retry later"_s.arg(backlog),
        "overloaded");
}

HttpResponse enqueueRefused(const EnqueueResult& result) {
    const QString message = u"POST /v1/tickets: "_s + QString::fromStdString(result.message);
    return HttpServer::errorResponse(result.error == EnqueueError::DuplicatePlayer ? 409 : 400,
                                     message);
}

HttpResponse regionsOut(const QStringList& regions) {
    return HttpServer::errorResponse(
        503, u"POST /v1/tickets: region %1 %2 out (drill): no region left that every player "
             "reaches"_s.arg(regions.join(u", "_s), regions.size() == 1 ? u"is"_s : u"are"_s));
}

HttpResponse regionShedNoOther(const QString& region) {
    return HttpServer::errorResponse(
        503, u"POST /v1/tickets: region %1 is shed (out of service) and no other region is "
             "reachable by every player of this party"_s.arg(region));
}

HttpResponse ticketAlreadyFinished(const QString& ticketId, TicketState state) {
    return HttpServer::errorResponse(409, u"ticket_id: ticket "_s + ticketId + u" is already "_s +
                                              stateName(state));
}

HttpResponse resultAlreadyReported(const QString& matchId, int winnerTeam) {
    return HttpServer::errorResponse(409,
                                     u"winner_team: match "_s + matchId +
                                         u" already has a result (team %1 won)"_s.arg(winnerTeam));
}

HttpResponse misdirected(const QString& what, QByteArrayView id, const QByteArray& owner,
                         const QByteArray& self) {
    return HttpServer::errorResponse(
        421,
        what + u": '"_s + QString::fromLatin1(id.toByteArray()) + u"' was issued by server '"_s +
            QString::fromLatin1(owner) + u"', this is server '"_s + QString::fromLatin1(self) +
            u"' (a load balancer should route ids by their prefix: docs/haproxy.md)"_s,
        "misdirected");
}

}  // namespace answer

}  // namespace pulsco
