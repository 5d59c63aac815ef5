// The answers MatchService gives: the JSON bodies of tickets, matches,
// results and queues (docs/api.md), and its error answers. Built here so the
// service decides what to answer and this file how it reads.
#pragma once

#include "core/Matchmaker.h"
#include "net/http/HttpResponse.h"
#include "net/server/MatchRecords.h"

#include <QByteArray>

#include <string_view>

namespace pulsco {

// GET /v1/tickets/{id}: a searching ticket's wait runs until `now` (server
// clock), a finished one's is final.
QByteArray ticketJson(const TicketRecord& ticket, std::string_view queueName, double now);
// 201 of POST /v1/tickets.
QByteArray createdTicketJson(qint64 seq, TicketState state);
// GET /v1/matches/{id}; also the detail column of the match's row.
QByteArray matchJson(const MatchRecord& match);
// The match read back from that detail column (winnerTeam is not in it).
MatchRecord matchFromJson(qint64 seq, const QByteArray& detail);
// 200 of POST /v1/matches/{id}/result: every player's rating before and
// after, team by team as in the match.
QByteArray resultJson(qint64 seq, int winnerTeam, const MatchRecord& match,
                      const std::vector<Team>& before, const std::vector<Team>& after);
// GET /v1/queues: the rules and the live status of every queue.
QByteArray queuesJson(const QueueConfig& config, const std::vector<QueueStatus>& statuses);

namespace answer {
HttpResponse notFound(const QString& what, const QString& id);
// A write the answer promised was not made durable.
HttpResponse storeFailed(const QString& error);
HttpResponse draining();
HttpResponse overloaded(quint64 backlog);
HttpResponse enqueueRefused(const EnqueueResult& result);
HttpResponse ticketAlreadyFinished(qint64 seq, TicketState state);
HttpResponse resultAlreadyReported(qint64 seq, int winnerTeam);
}  // namespace answer

}  // namespace pulsco
