// The rows pulsco-matchd's integrity audit reads from its database, and the
// drill fault that corrupts one on purpose. The SQL lives here, beside the
// store's writes; net/server/IntegrityCheck compares these rows with memory.
#pragma once

#include <QByteArray>
#include <QSqlDatabase>
#include <QString>

#include <utility>
#include <vector>

namespace pulsco {

struct AuditTicketRow {
    qint64 seq = 0;
    QString state;
    qint64 matchSeq = 0;
};

struct StoreAuditRows {
    // SQLite's own check (PRAGMA quick_check): "ok" or its first message.
    QString quickCheck;
    std::vector<AuditTicketRow> tickets;  // every row, by seq
    std::vector<qint64> matches;          // every match seq, ascending
    // (match seq, ticket seq) for every ticket a match's teams list, by match.
    std::vector<std::pair<qint64, qint64>> matchTickets;
    // Empty when every read worked; else "<what>: <SQLite's message>".
    QString error;
};

// The ticket seqs a stored match detail lists (its teams' "tickets"), as
// (matchSeq, ticketSeq); -1 for an id that is not "t<digits>".
void appendTicketsOfDetail(qint64 matchSeq, const QByteArray& detail,
                           std::vector<std::pair<qint64, qint64>>& out);

// The store's own check: SQLite's PRAGMA quick_check ("ok" or its
// messages), PostgreSQL's amcheck where installed and allowed ("none (why)"
// where not). "" and *error when the check itself could not be run.
QString storeOwnCheck(QSqlDatabase& db, QString* error);

// On the store's read-only audit connection, inside the read transaction
// pinned at the audit's cut (GroupCommitStore::readAtCut), so every row comes
// from that one snapshot while the store commits on.
StoreAuditRows readAuditRows(QSqlDatabase& db);

// The `inconsistency` drill fault: flips the state of one finished ticket
// row, so the next audit must find it (matched -> expired while its match
// still lists it; expired or cancelled -> matched with no match; failing
// those, a searching one -> cancelled while memory still searches it).
// Finished tickets are never written again, so nothing repairs it by
// accident. "t<seq>: <from> -> <to>" of what it did, or why it could not.
QString corruptOneTicketRow(QSqlDatabase& db);

}  // namespace pulsco
