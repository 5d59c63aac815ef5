// The answers MatchService gives: the JSON bodies of tickets, matches,
// results and queues (docs/api.md), and its error answers. Built here so the
// service decides what to answer and this file how it reads.
#pragma once

#include "core/Matchmaker.h"
#include "net/http/HttpResponse.h"
#include "net/server/MatchRecords.h"
#include "net/server/RecordIds.h"

#include <QByteArray>

#include <string_view>

namespace pulsco {

// GET /v1/tickets/{id}: a searching ticket's wait runs until `now` (server
// clock), a finished one's is final. Ids are written as `ids` issues them.
QByteArray ticketJson(const TicketRecord& ticket, std::string_view queueName, double now,
                      const RecordIds& ids);
// 201 of POST /v1/tickets.
// `notice`, when not empty, tells the client something it must pass on to
// the players (e.g. that their region is shed and they play elsewhere).
QByteArray createdTicketJson(qint64 seq, TicketState state, const RecordIds& ids,
                             const QString& notice = {});
// GET /v1/matches/{id} (and the event stream's match events).
QByteArray matchJson(const MatchRecord& match, const RecordIds& ids);
// The detail column of the match's row: the same JSON with the ids of
// before they named a server ("m4", "t17"), so databases written before and
// after the server id existed read the same, whatever the server is called.
QByteArray matchDetailJson(const MatchRecord& match);
// The match read back from that detail column (winnerTeam is not in it);
// ticket ids of either shape ("t17", "blue-t17") are read.
MatchRecord matchFromJson(qint64 seq, const QByteArray& detail);
// 200 of POST /v1/matches/{id}/result: every player's rating before and
// after, team by team as in the match.
QByteArray resultJson(qint64 seq, int winnerTeam, const MatchRecord& match,
                      const std::vector<Team>& before, const std::vector<Team>& after,
                      const RecordIds& ids);
// GET /v1/queues: the rules and the live status of every queue.
QByteArray queuesJson(const QueueConfig& config, const std::vector<QueueStatus>& statuses);

namespace answer {
HttpResponse notFound(const QString& what, const QString& id);
// 421: an id another server issued ("green-t4" asked of blue). Not a 404:
// the record may well exist, on its owner; a balancer should have sent the
// request there (docs/haproxy.md, id-bound routing).
HttpResponse misdirected(const QString& what, QByteArrayView id, const QByteArray& owner,
                         const QByteArray& self);
// A write the answer promised was not made durable.
HttpResponse storeFailed(const QString& error);
// 503: a record older than memory could not be read back from the store.
HttpResponse storeUnreadable(const QString& error);
HttpResponse draining();
// 503: the matcher is being restarted (a remedy); retry in a moment.
HttpResponse matcherRestarting();
HttpResponse overloaded(quint64 backlog);
HttpResponse enqueueRefused(const EnqueueResult& result);
// 503: a region_outage drill fault left no region every player reaches.
HttpResponse regionsOut(const QStringList& regions);
// 503: the party's home region is shed and it reaches no other region.
HttpResponse regionShedNoOther(const QString& region);
HttpResponse ticketAlreadyFinished(const QString& ticketId, TicketState state);
HttpResponse resultAlreadyReported(const QString& matchId, int winnerTeam);
}  // namespace answer

}  // namespace pulsco
