#include "net/server/RecordRows.h"

#include "net/server/ServiceAnswers.h"

#include <algorithm>
#include <cmath>

namespace pulsco {

QString stateName(TicketState state) {
    return QString::fromLatin1(toString(state));
}

std::optional<TicketState> stateFromName(const QString& name) {
    for (TicketState t : {TicketState::Searching, TicketState::Matched, TicketState::Expired,
                          TicketState::Cancelled})
        if (name == stateName(t))
            return t;
    return std::nullopt;
}

UpdateTicketState ticketStateUpdate(const TicketRecord& ticket, qint64 updatedMs) {
    return UpdateTicketState{ticket.seq, stateName(ticket.state), ticket.matchSeq,
                             qint64(std::llround(ticket.waitSeconds * 1000)), updatedMs};
}

MatchRow matchRow(const MatchRecord& match) {
    MatchRow row;
    row.seq = match.seq;
    row.queue = match.queue;
    row.region = match.region;
    row.detail = matchDetailJson(match);
    row.createdMs = match.createdUnixMs;
    return row;
}

TicketRecord ticketFromRow(const TicketRow& row, const QueueConfig& config) {
    TicketRecord t;
    t.seq = row.seq;
    t.queue = std::max(0, config.queueIndex(row.queue.toStdString()));
    t.state = stateFromName(row.state).value_or(TicketState::Expired);
    t.matchSeq = row.matchSeq;
    t.createdUnixMs = row.createdMs;
    t.waitSeconds = double(row.waitMs) / 1000.0;
    return t;
}

MatchRecord matchFromRow(const MatchRow& row) {
    MatchRecord m = matchFromJson(row.seq, row.detail);
    m.winnerTeam = row.winnerTeam;
    return m;
}

}  // namespace pulsco
