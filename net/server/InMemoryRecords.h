// The tickets, matches and ratings pulsco-matchd holds in memory. Finished
// tickets and formed matches beyond the limits are forgotten oldest first
// (they are read back from the store when asked for), so memory stays flat;
// a record whose write is not on disk yet is never forgotten.
#pragma once

#include "net/server/MatchRecords.h"

#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>

namespace pulsco {

class InMemoryRecords {
public:
    InMemoryRecords();

    // How many finished tickets and formed matches stay (trims at once).
    void setLimits(std::size_t finishedTickets, std::size_t matches);
    // Forgets the oldest finished tickets and matches beyond the limits.
    void trim();

    TicketRecord* ticket(qint64 seq);
    MatchRecord* match(qint64 seq);
    // The ticket the matchmaker knows as `coreId`, while it is searching.
    TicketRecord* searching(TicketId coreId);

    TicketRecord& addTicket(std::unique_ptr<TicketRecord> ticket);
    MatchRecord& addMatch(std::unique_ptr<MatchRecord> match);  // newly formed
    void eraseTicket(qint64 seq);
    void linkCoreId(TicketId coreId, qint64 seq);
    // A new matchmaker issues new core ids: every link goes (the matcher's
    // restart links the tickets it queues again).
    void clearCoreIds() { m_byCoreId.clear(); }
    // A ticket left the matchmaker: no longer searching, it counts against
    // the limit of finished tickets from now on.
    void ticketFinished(TicketRecord& ticket);
    // A record read back from the store: kept (and forgotten again in turn)
    // unless one with its seq came back meanwhile, which wins.
    TicketRecord& adoptTicket(const TicketRecord& readBack);
    MatchRecord& adoptMatch(const MatchRecord& readBack);

    std::optional<Rating> rating(const std::string& playerId) const;
    void setRating(const std::string& playerId, Rating rating);

    // Every ticket and match held, in no order (the integrity audit's cut).
    template <class F>
    void forEachTicket(F f) const {
        for (const auto& [seq, t] : m_tickets)
            f(*t);
    }
    template <class F>
    void forEachMatch(F f) const {
        for (const auto& [seq, m] : m_matches)
            f(*m);
    }

    std::size_t tickets() const { return m_tickets.size(); }
    std::size_t matches() const { return m_matches.size(); }
    std::size_t ratings() const { return m_ratings.size(); }

private:
    void reserve();

    std::unordered_map<qint64, std::unique_ptr<TicketRecord>> m_tickets;
    std::unordered_map<TicketId, qint64> m_byCoreId;
    std::unordered_map<qint64, std::unique_ptr<MatchRecord>> m_matches;
    std::unordered_map<std::string, Rating> m_ratings;
    std::deque<qint64> m_finishedOrder;   // ticket seqs in the order they finished
    std::deque<qint64> m_matchOrder;      // match seqs in the order they formed
    std::size_t m_finishedLimit = 30000;  // MatchdOptions::memoryTickets
    std::size_t m_matchLimit = 15000;     // MatchdOptions::memoryMatches
};

}  // namespace pulsco
