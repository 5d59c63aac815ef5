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

// Runs `select` on the store thread and posts its row back to the receiver.
template <class Row, class Select>
void readRow(GroupCommitStore& store, qint64 seq, QObject* receiver,
             std::function<void(std::optional<Row>, const QString&)> done, Select select) {
    QPointer<QObject> guard(receiver);
    const void* channel = &store;
    store.read([guard, seq, select, channel, done = std::move(done)](QSqlDatabase& db) mutable {
        QString error;
        std::optional<Row> row = select(db, seq, &error);
        // Through Qt's event queue, whose lock TSan cannot see (also when
        // the receiver goes first and the call is destroyed unrun): see
        // bridge/ThreadHandoff.h.
        handoff::post(channel, [&] {
            QMetaObject::invokeMethod(
                guard.data(),
                [guard, channel, row = std::move(row), error, done = std::move(done)]() mutable {
                    handoff::acquire(channel);
                    if (guard)
                        done(std::move(row), error);
                },
                Qt::QueuedConnection);
        });
    });
}

}  // namespace

void readTicketRow(GroupCommitStore& store, qint64 seq, QObject* receiver, TicketRowDone done) {
    readRow<TicketRow>(store, seq, receiver, std::move(done), &selectTicketRow);
}

void readMatchRow(GroupCommitStore& store, qint64 seq, QObject* receiver, MatchRowDone done) {
    readRow<MatchRow>(store, seq, receiver, std::move(done), &selectMatchRow);
}

}  // namespace pulsco
