// What pulsco-matchd keeps in SQLite, as plain rows, and the writes the
// group-commit store applies in order.
#pragma once

#include <QByteArray>
#include <QString>

#include <variant>

namespace pulsco {

struct TicketRow {
    qint64 seq = 0;  // API id is "t<seq>"
    QString queue;
    QByteArray players;    // JSON array as accepted, with the ratings used
    QString state;         // searching | matched | expired | cancelled
    qint64 matchSeq = 0;   // 0 when not matched; API id is "m<seq>"
    qint64 createdMs = 0;  // Unix ms when accepted
    qint64 updatedMs = 0;
    qint64 waitMs = 0;  // final wait once no longer searching
};

struct MatchRow {
    qint64 seq = 0;
    QString queue;
    QString region;
    QByteArray detail;  // JSON object: teams, quality, win probability, ...
    qint64 createdMs = 0;
    int winnerTeam = -1;  // -1 until a result is reported
    qint64 resultMs = 0;
};

struct RatingRow {
    QString playerId;
    double mu = 0;
    double sigma = 0;
    qint64 updatedMs = 0;
};

// One stretch pulsco-matchd was up and writing: opened by a heartbeat,
// extended by each one after it (docs/matchd.md, "Availability"). Time
// outside every interval was downtime.
struct UpIntervalRow {
    qint64 id = 0;
    qint64 startedMs = 0;   // Unix ms of its first heartbeat
    qint64 lastBeatMs = 0;  // Unix ms of its latest committed heartbeat
    bool operator==(const UpIntervalRow&) const = default;
};

struct InsertTicket {
    TicketRow row;
};
struct UpdateTicketState {
    qint64 seq = 0;
    QString state;
    qint64 matchSeq = 0;
    qint64 waitMs = 0;
    qint64 updatedMs = 0;
};
struct InsertMatch {
    MatchRow row;
};
struct SetMatchResult {
    qint64 seq = 0;
    int winnerTeam = 0;
    qint64 resultMs = 0;
};
struct UpsertRating {
    RatingRow row;
};

struct RecordHeartbeat {
    UpIntervalRow row;  // inserted, or its lastBeatMs updated
};

using StoreWrite = std::variant<InsertTicket, UpdateTicketState, InsertMatch, SetMatchResult,
                                UpsertRating, RecordHeartbeat>;

}  // namespace pulsco
