#include "net/server/InMemoryRecords.h"

namespace pulsco {

InMemoryRecords::InMemoryRecords() {
    // Sized for the default limits up front: growing these maps one rehash
    // at a time showed up in profiles under load.
    reserve();
    m_byCoreId.reserve(65536);
}

void InMemoryRecords::reserve() {
    m_tickets.reserve(m_finishedLimit + 65536);
    m_matches.reserve(m_matchLimit + 1024);
}

void InMemoryRecords::setLimits(std::size_t finishedTickets, std::size_t matches) {
    m_finishedLimit = finishedTickets;
    m_matchLimit = matches;
    reserve();
    trim();
}

void InMemoryRecords::trim() {
    // Oldest first; a record whose write is not on disk yet stops the trim
    // (the disk fails for a while, so memory grows for a while).
    while (m_finishedOrder.size() > m_finishedLimit) {
        auto it = m_tickets.find(m_finishedOrder.front());
        if (it != m_tickets.end() && it->second->unwritten)
            break;
        m_finishedOrder.pop_front();
        if (it != m_tickets.end() && it->second->state != TicketState::Searching)
            m_tickets.erase(it);
    }
    while (m_matchOrder.size() > m_matchLimit) {
        auto it = m_matches.find(m_matchOrder.front());
        if (it != m_matches.end() && it->second->unwritten)
            break;
        m_matchOrder.pop_front();
        if (it != m_matches.end())
            m_matches.erase(it);
    }
}

TicketRecord* InMemoryRecords::ticket(qint64 seq) {
    const auto it = m_tickets.find(seq);
    return it == m_tickets.end() ? nullptr : it->second.get();
}

MatchRecord* InMemoryRecords::match(qint64 seq) {
    const auto it = m_matches.find(seq);
    return it == m_matches.end() ? nullptr : it->second.get();
}

TicketRecord* InMemoryRecords::searching(TicketId coreId) {
    const auto it = m_byCoreId.find(coreId);
    return it == m_byCoreId.end() ? nullptr : ticket(it->second);
}

TicketRecord& InMemoryRecords::addTicket(std::unique_ptr<TicketRecord> ticket) {
    auto& slot = m_tickets[ticket->seq];
    slot = std::move(ticket);
    return *slot;
}

MatchRecord& InMemoryRecords::addMatch(std::unique_ptr<MatchRecord> match) {
    m_matchOrder.push_back(match->seq);
    auto& slot = m_matches[match->seq];
    slot = std::move(match);
    return *slot;
}

void InMemoryRecords::eraseTicket(qint64 seq) {
    m_tickets.erase(seq);
}

void InMemoryRecords::linkCoreId(TicketId coreId, qint64 seq) {
    m_byCoreId[coreId] = seq;
}

void InMemoryRecords::ticketFinished(TicketRecord& ticket) {
    if (ticket.coreId) {
        m_byCoreId.erase(ticket.coreId);
        ticket.coreId = 0;
    }
    m_finishedOrder.push_back(ticket.seq);
}

TicketRecord& InMemoryRecords::adoptTicket(const TicketRecord& readBack) {
    auto& slot = m_tickets[readBack.seq];
    if (!slot) {
        m_finishedOrder.push_back(readBack.seq);  // forgotten again in turn
        slot = std::make_unique<TicketRecord>(readBack);
    }
    return *slot;
}

MatchRecord& InMemoryRecords::adoptMatch(const MatchRecord& readBack) {
    auto& slot = m_matches[readBack.seq];
    if (!slot) {
        m_matchOrder.push_back(readBack.seq);
        slot = std::make_unique<MatchRecord>(readBack);
    }
    return *slot;
}

std::optional<Rating> InMemoryRecords::rating(const std::string& playerId) const {
    const auto it = m_ratings.find(playerId);
    if (it == m_ratings.end())
        return std::nullopt;
    return it->second;
}

void InMemoryRecords::setRating(const std::string& playerId, Rating rating) {
    m_ratings[playerId] = rating;
}

}  // namespace pulsco
