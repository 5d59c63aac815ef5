// What pulsco-matchd knows about one ticket and one match while it holds
// them in memory: the API's view plus what the durability queue needs to
// write them again after the store refused them.
#pragma once

#include "core/Matchmaker.h"

#include <QString>

#include <string>
#include <vector>

namespace pulsco {

struct TicketRecord {
    qint64 seq = 0;
    int queue = 0;
    TicketState state = TicketState::Searching;
    TicketId coreId = 0;  // while searching
    int region = -1;      // homeRegion of its party, for per-region figures
    qint64 matchSeq = 0;
    qint64 createdUnixMs = 0;
    double enqueuedAt = 0;             // server clock
    double waitSeconds = 0;            // once final
    std::vector<PartyMember> players;  // until matched (then the match holds them)
    // Finished by the matchmaker (matched, expired) and not yet on disk: kept
    // in memory, where the retry rebuilds its write from, until it is.
    bool unwritten = false;
    bool refused = false;  // the store refused its last write; a retry is due or under way
    // Created, its insert not acknowledged yet: the integrity audit leaves it
    // out (the store may or may not hold it at the audit's cut).
    bool insertPending = false;
};

struct MatchRecord {
    struct TeamOf {
        std::vector<std::string> players;
        std::vector<Rating> ratingsAtMatch;
        std::vector<qint64> tickets;
        double strength = 0;
    };
    qint64 seq = 0;
    QString queue;
    QString region;
    qint64 createdUnixMs = 0;
    double quality = 0;
    double team0WinProbability = 0.5;
    int worstPingMs = 0;
    double skillSpread = 0;
    std::vector<TeamOf> teams;
    int winnerTeam = -1;
    bool unwritten = false;  // formed by a tick, not yet on disk
    bool refused = false;    // the store refused its last write; a retry is due or under way
};

// A match or a ticket, by seq: what a store write is about.
struct RecordRef {
    bool isMatch;
    qint64 seq;
};

}  // namespace pulsco
