// The matchmakers: ticking each colour's releases (unless stalled), draining
// their ticket events and matches into parties, metrics and the event log.
// One part of SimulationEngine, split by job; the class and its state are in
// SimulationEngine.h.
#include "simulator/engine/SimulationEngine.h"

#include "core/FaultEffects.h"
#include "simulator/engine/Wording.h"

#include <algorithm>
#include <chrono>

namespace pulsco {

using sim::EventType;
using sim::number;
using sim::Party;
using sim::PartyState;

void SimulationEngine::tick(Color color) {
    sim::Environment& ticking = env(color);
    if (!matcherStalled(runningFaults(color), color)) {
        for (std::size_t r = 0; r < ticking.releases().size(); ++r) {
            const auto start = std::chrono::steady_clock::now();
            ticking.releases()[r]->matcher.tick(m_now);
            const std::chrono::duration<double, std::milli> took =
                std::chrono::steady_clock::now() - start;
            m_tickMs.record(took.count());
            drain(color, r);
        }
    }
    const auto depth =
        static_cast<std::uint64_t>(m_env[0]->searchingTickets() + m_env[1]->searchingTickets());
    m_queueDepthMax = std::max(m_queueDepthMax, depth);
}

void SimulationEngine::drain(Color color, std::size_t releaseIndex) {
    sim::Release& release = *env(color).releases()[releaseIndex];
    release.matcher.takeOutput(m_output);
    TicketCounts& tickets = env(color).metrics().tickets;
    for (const TicketEvent& te : m_output.ticketEvents) {
        hash((static_cast<std::uint64_t>(te.kind) << 56) ^ te.ticket);
        if (te.kind == TicketEvent::Kind::Queued) {
            env(color).recordTicketCreated();
            continue;
        }
        const auto it = release.partyOfTicket.find(te.ticket);
        const bool known = it != release.partyOfTicket.end();
        const std::uint32_t index = known ? it->second : 0;
        if (known)
            release.partyOfTicket.erase(it);
        if (te.kind == TicketEvent::Kind::Expired) {
            ++tickets.expired;
            if (m_log.on())
                log(LogEventKind::Expiry, color,
                    "ticket expired after " + number(te.waitSeconds, 0) + " s in " +
                        release.matcher.config().queues[static_cast<std::size_t>(te.queue)].name);
            if (known)
                afterSearch(index, true);
        } else {
            ++tickets.cancelled;
            if (!known)
                continue;
            const bool dropped = cutOff(m_population.parties[index].region);
            if (m_log.on())
                log(LogEventKind::Cancel, color,
                    "ticket cancelled after " + number(te.waitSeconds, 0) + " s in " +
                        release.matcher.config().queues[static_cast<std::size_t>(te.queue)].name +
                        (dropped ? " (region unreachable)" : " (the party gave up)"));
            if (dropped) {
                logoff(index);  // disconnected: the server dropped the ticket
            } else {
                afterSearch(index, true);
            }
        }
    }
    for (const MatchFormed& match : m_output.matches)
        onMatch(color, releaseIndex, match);
}

void SimulationEngine::onMatch(Color color, std::size_t releaseIndex, const MatchFormed& formed) {
    sim::Environment& matched = env(color);
    sim::Release& release = *matched.releases()[releaseIndex];
    std::uint32_t slot;
    if (m_freeMatches.empty()) {
        slot = static_cast<std::uint32_t>(m_matches.size());
        m_matches.emplace_back();
    } else {
        slot = m_freeMatches.back();
        m_freeMatches.pop_back();
    }
    ActiveMatch& match = m_matches[slot];
    const QueueRules& rules =
        release.matcher.config().queues[static_cast<std::size_t>(formed.queue)];
    match.parties.clear();
    match.teams.clear();
    match.color = color;
    match.queue = formed.queue;
    match.region = formed.region;
    match.teamCount = rules.teamCount;
    match.start = m_now;
    match.used = true;
    hash(formed.id);
    for (const MatchSlot& s : formed.tickets) {
        ++matched.metrics().tickets.matched;
        matched.recordWait(s.waitSeconds);
        const auto it = release.partyOfTicket.find(s.ticket);
        if (it == release.partyOfTicket.end())
            continue;
        const std::uint32_t index = it->second;
        release.partyOfTicket.erase(it);
        Party& p = m_population.parties[index];
        m_regions[p.region].ticketWaitSeconds.record(s.waitSeconds);
        setState(p, PartyState::InMatch);
        match.parties.push_back(index);
        match.teams.push_back(
            static_cast<std::uint8_t>(std::clamp(s.team, 0, rules.teamCount - 1)));
        hash((static_cast<std::uint64_t>(s.team) << 32) | index);
    }
    matched.recordMatch(formed.queue, formed.quality, rules.teamCount == 2,
                        formed.team0WinProbability);
    if (formed.region >= 0 && static_cast<std::size_t>(formed.region) < m_regions.size())
        ++m_regions[static_cast<std::size_t>(formed.region)].matchesTotal;
    const double duration =
        std::max(60.0, m_rngOutcomes.normal(m_population.matchMeanSeconds(formed.queue),
                                            m_population.matchStdDevSeconds(formed.queue)));
    m_calendar.push(m_now + duration, EventType::MatchEnd, slot);
    // An inconsistency fault that found nothing of this colour to corrupt
    // when it started corrupts the first match formed after it (never by
    // dropping a ticket here: that drains the matcher this match comes from).
    if (bool& pending = m_corruptionPending[indexOf(color)]; pending && dropFromMatch(color))
        pending = false;
    if (m_log.on() && !m_warmingUp) {
        const std::string region =
            formed.region >= 0 &&
                    static_cast<std::size_t>(formed.region) < m_scenario.queues.regions.size()
                ? m_scenario.queues.regions[static_cast<std::size_t>(formed.region)]
                : std::string("?");
        // Numbered in the run's own count (blue and green together, as the
        // snapshot's total.matches_total), not by the matcher's id: each
        // matcher (blue, green, a bad release) counts from 1 and the
        // warm-up's matches are not in the run's total.
        const std::uint64_t ordinal =
            m_env[0]->metrics().matchesTotal + m_env[1]->metrics().matchesTotal;
        log(LogEventKind::Match, color,
            "match " + std::to_string(ordinal) + " " + rules.name + " in " + region + ", quality " +
                number(formed.quality, 2) + ", p(win) " + number(formed.team0WinProbability, 2) +
                ", worst ping " + std::to_string(formed.worstPingMs) + " ms");
    }
}

}  // namespace pulsco
