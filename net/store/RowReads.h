// Single rows read back from the pulsco-matchd database, for the records the
// server no longer keeps in memory. The SQL of these reads lives here, beside
// the store's writes, so the server asks for rows and never sees a query.
#pragma once

#include "net/store/StoreRows.h"

#include <QObject>
#include <QSqlDatabase>

#include <functional>
#include <optional>
#include <vector>

namespace pulsco {

class GroupCommitStore;

// On the store's connection. Fill only what the server reads back:
// a ticket's seq, queue, state, matchSeq, createdMs and waitMs; a match's
// seq, detail and winnerTeam. nullopt when there is no such row, or when
// the read failed: then *error says why (the store is gone: the caller
// must not answer "not found").
std::optional<TicketRow> selectTicketRow(QSqlDatabase& db, qint64 seq, QString* error);
std::optional<MatchRow> selectMatchRow(QSqlDatabase& db, qint64 seq, QString* error);

// The same reads on the store thread, behind every write queued before the
// call (so they see them). `done` runs on `receiver`'s thread, and not at all
// when the receiver is gone by then; `error` is empty unless the read failed.
using TicketRowDone = std::function<void(std::optional<TicketRow>, const QString& error)>;
using MatchRowDone = std::function<void(std::optional<MatchRow>, const QString& error)>;
void readTicketRow(GroupCommitStore& store, qint64 seq, QObject* receiver, TicketRowDone done);
void readMatchRow(GroupCommitStore& store, qint64 seq, QObject* receiver, MatchRowDone done);

// Every searching ticket's row, oldest first (seq, queue, players,
// createdMs): what a start after a crash, and a restart of the matcher,
// queue again. nullopt (and *error) when the read failed.
std::optional<std::vector<TicketRow>> selectSearchingTicketRows(QSqlDatabase& db, QString* error);
using TicketRowsDone =
    std::function<void(std::optional<std::vector<TicketRow>>, const QString& error)>;
void readSearchingTicketRows(GroupCommitStore& store, QObject* receiver, TicketRowsDone done);

}  // namespace pulsco
