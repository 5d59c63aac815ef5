#include "net/store/RowReads.h"

#include "bridge/ThreadHandoff.h"

#include "net/store/GroupCommitStore.h"

#include <QPointer>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {
// exec() and next(): false either way, *error set only when the read failed.
bool execAndNext(QSqlQuery& q, QString* error) {
    if (!q.exec()) {
        *error = q.lastError().text().trimmed();
        if (error->isEmpty())
            *error = u"no connection to the store"_s;
        return false;
    }
    if (q.next())
        return true;
    if (q.lastError().isValid())
        *error = q.lastError().text().trimmed();
    return false;
}
}  // namespace

std::optional<TicketRow> selectTicketRow(QSqlDatabase& db, qint64 seq, QString* error) {
    QSqlQuery q(db);
    q.prepare(u"SELECT queue, state, match_seq, created_ms, wait_ms FROM tickets WHERE seq = ?"_s);
    q.addBindValue(seq);
    if (!execAndNext(q, error))
        return std::nullopt;
    TicketRow row;
    row.seq = seq;
    row.queue = q.value(0).toString();
    row.state = q.value(1).toString();
    row.matchSeq = q.value(2).toLongLong();
    row.createdMs = q.value(3).toLongLong();
    row.waitMs = q.value(4).toLongLong();
    return row;
}

std::optional<MatchRow> selectMatchRow(QSqlDatabase& db, qint64 seq, QString* error) {
    QSqlQuery q(db);
    q.prepare(u"SELECT detail, winner_team FROM matches WHERE seq = ?"_s);
    q.addBindValue(seq);
    if (!execAndNext(q, error))
        return std::nullopt;
    MatchRow row;
    row.seq = seq;
    row.detail = q.value(0).toByteArray();
    row.winnerTeam = q.value(1).toInt();
    return row;
}

namespace {

// Runs `select` on the store thread and posts its result back to the
// receiver.
template <class Result>
void readOnStore(GroupCommitStore& store, QObject* receiver,
                 std::function<Result(QSqlDatabase&, QString*)> select,
                 std::function<void(Result, const QString&)> done) {
    QPointer<QObject> guard(receiver);
    const void* channel = &store;
    store.read([guard, select = std::move(select), channel,
                done = std::move(done)](QSqlDatabase& db) mutable {
        QString error;
        Result result = select(db, &error);
        // Through Qt's event queue, whose lock TSan cannot see (also when
        // the receiver goes first and the call is destroyed unrun): see
        // bridge/ThreadHandoff.h.
        handoff::post(channel, [&] {
            QMetaObject::invokeMethod(
                guard.data(),
                [guard, channel, result = std::move(result), error,
                 done = std::move(done)]() mutable {
                    handoff::acquire(channel);
                    if (guard)
                        done(std::move(result), error);
                },
                Qt::QueuedConnection);
        });
    });
}

}  // namespace

void readTicketRow(GroupCommitStore& store, qint64 seq, QObject* receiver, TicketRowDone done) {
    readOnStore<std::optional<TicketRow>>(
        store, receiver,
        [seq](QSqlDatabase& db, QString* e) { return selectTicketRow(db, seq, e); },
        std::move(done));
}

void readMatchRow(GroupCommitStore& store, qint64 seq, QObject* receiver, MatchRowDone done) {
    readOnStore<std::optional<MatchRow>>(
        store, receiver, [seq](QSqlDatabase& db, QString* e) { return selectMatchRow(db, seq, e); },
        std::move(done));
}

std::optional<std::vector<TicketRow>> selectSearchingTicketRows(QSqlDatabase& db, QString* error) {
    QSqlQuery q(db);
    if (!q.exec(u"SELECT seq, queue, players, created_ms FROM tickets WHERE state = 'searching' "
                "ORDER BY created_ms, seq"_s)) {
        *error = u"reading searching tickets: "_s + q.lastError().text();
        return std::nullopt;
    }
    std::vector<TicketRow> rows;
    while (q.next()) {
        TicketRow row;
        row.seq = q.value(0).toLongLong();
        row.queue = q.value(1).toString();
        row.players = q.value(2).toByteArray();
        row.state = u"searching"_s;
        row.createdMs = q.value(3).toLongLong();
        row.updatedMs = row.createdMs;
        rows.push_back(std::move(row));
    }
    // A connection lost half way ends a read like its last row: check.
    if (q.lastError().isValid()) {
        *error = u"reading searching tickets: "_s + q.lastError().text();
        return std::nullopt;
    }
    return rows;
}

void readSearchingTicketRows(GroupCommitStore& store, QObject* receiver, TicketRowsDone done) {
    readOnStore<std::optional<std::vector<TicketRow>>>(store, receiver, &selectSearchingTicketRows,
                                                       std::move(done));
}

}  // namespace pulsco
