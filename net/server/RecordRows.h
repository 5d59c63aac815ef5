// How the service's in-memory records become store rows and come back from
// them: the writes a finished ticket or a formed match needs, and the
// records rebuilt from rows read back once memory forgot them.
#pragma once

#include "core/QueueRules.h"
#include "net/server/MatchRecords.h"
#include "net/store/StoreRows.h"

#include <optional>

namespace pulsco {

// "searching", "matched", ... as stored and answered; and back.
QString stateName(TicketState state);
std::optional<TicketState> stateFromName(const QString& name);

// The update a finished ticket's row needs (state, match, final wait).
UpdateTicketState ticketStateUpdate(const TicketRecord& ticket, qint64 updatedMs);
// A formed match as its row; the detail column is matchDetailJson (the API's
// match JSON with ids of no server: "m4", "t17").
MatchRow matchRow(const MatchRecord& match);

// A ticket read back: a state the store should never hold reads as expired,
// and a queue no longer configured as the first one.
TicketRecord ticketFromRow(const TicketRow& row, const QueueConfig& config);
MatchRecord matchFromRow(const MatchRow& row);

}  // namespace pulsco
