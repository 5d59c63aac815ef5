// Party life: logins and logoffs following the scenario's online curve, queueing
// up through the API, polling, patience, matches ending with a rated result.
// One part of SimulationEngine, split by job; the class and its state are in
// SimulationEngine.h.
#include "simulator/engine/SimulationEngine.h"

#include "core/FaultEffects.h"
#include "simulator/engine/Wording.h"

#include <algorithm>

namespace pulsco {

using sim::EventType;
using sim::number;
using sim::Party;
using sim::PartyState;

namespace {
constexpr double kCatchUpSeconds = 120.0;  // how fast logins close a gap to the online target
}  // namespace

double SimulationEngine::targetOnline(double runSeconds) const {
    const auto& points = m_scenario.population.online;
    const auto players = static_cast<double>(m_scenario.population.players);
    if (points.empty())
        return players;
    if (runSeconds <= points.front().atSeconds)
        return std::min(players, points.front().players);
    for (std::size_t i = 1; i < points.size(); ++i) {
        if (runSeconds <= points[i].atSeconds) {
            const OnlinePoint& a = points[i - 1];
            const OnlinePoint& b = points[i];
            const double span = b.atSeconds - a.atSeconds;
            const double f = span > 0 ? (runSeconds - a.atSeconds) / span : 1.0;
            return std::min(players, a.players + f * (b.players - a.players));
        }
    }
    return std::min(players, points.back().players);
}

double SimulationEngine::arrivalsPerSecond() const {
    // Parties log in so that the players online follow the target: the
    // steady inflow (target / session) plus a catch-up on any shortfall.
    // A surge multiplies the whole inflow.
    const double target = targetOnline(runTime());
    const double shortfall = std::max(0.0, target - static_cast<double>(m_online));
    const double playersPerSecond =
        target / m_scenario.population.sessionMeanSeconds + shortfall / kCatchUpSeconds;
    return playersPerSecond * arrivalMultiplier(runningFaults()) / m_population.meanPartySize;
}

void SimulationEngine::scheduleArrival() {
    ++m_arrivalGeneration;
    const double perSecond = arrivalsPerSecond();
    // Without arrivals now, look again in a second (subject 1 = only a re-check).
    if (perSecond <= 0) {
        m_calendar.push(m_now + 1.0, EventType::Arrival, 1, m_arrivalGeneration);
        return;
    }
    m_calendar.push(m_now + m_rngArrivals.exponential(1.0 / perSecond), EventType::Arrival, 0,
                    m_arrivalGeneration);
}

void SimulationEngine::arrival(bool recheckOnly) {
    if (!recheckOnly && !m_offline.empty()) {
        const std::uint32_t pick =
            m_offline[m_rngArrivals.below(static_cast<std::uint32_t>(m_offline.size()))];
        login(pick, m_rngArrivals.uniform(1.0, 10.0));
    }
    scheduleArrival();
}

void SimulationEngine::setState(Party& p, PartyState state) {
    const auto size = static_cast<std::uint64_t>(p.size);
    RegionMetrics& region = m_regions[p.region];
    if (p.state == PartyState::Searching) {
        m_inQueue -= size;
        region.playersInQueue -= size;
        --m_searchingParties[p.color];
    } else if (p.state == PartyState::InMatch) {
        m_inMatch -= size;
    }
    p.state = state;
    ++p.generation;
    if (state == PartyState::Searching) {
        m_inQueue += size;
        region.playersInQueue += size;
        ++m_searchingParties[p.color];
    } else if (state == PartyState::InMatch) {
        m_inMatch += size;
    }
}

void SimulationEngine::login(std::uint32_t index, double firstActionDelay) {
    Party& p = m_population.parties[index];
    // Swap-remove from the offline list.
    const std::uint32_t last = m_offline.back();
    m_offline[p.offlineSlot] = last;
    m_population.parties[last].offlineSlot = p.offlineSlot;
    m_offline.pop_back();

    setState(p, PartyState::Idle);
    p.retries = 0;
    p.sessionEnd = m_now + m_rngSessions.exponential(m_scenario.population.sessionMeanSeconds);
    m_online += p.size;
    m_regions[p.region].playersOnline += p.size;
    m_peak = std::max(m_peak, m_online);
    m_calendar.push(m_now + firstActionDelay, EventType::QueueUp, index, p.generation);
}

void SimulationEngine::logoff(std::uint32_t index) {
    Party& p = m_population.parties[index];
    setState(p, PartyState::Offline);
    m_online -= p.size;
    m_regions[p.region].playersOnline -= p.size;
    p.offlineSlot = static_cast<std::uint32_t>(m_offline.size());
    m_offline.push_back(index);
}

void SimulationEngine::queueUp(std::uint32_t index) {
    Party& p = m_population.parties[index];
    const auto& pop = m_scenario.population;
    auto failedAttempt = [&] {
        if (++p.retries > pop.maxRetries)
            logoff(index);
        else
            m_calendar.push(m_now + pop.retrySeconds, EventType::QueueUp, index, p.generation);
    };
    if (cutOff(p.region)) {
        // The service is out of reach: the server never sees these attempts.
        failedAttempt();
        return;
    }
    const Color color = m_rngRouting.uniform() * 100.0 < m_weight ? Color::Green : Color::Blue;
    const int queue = m_population.pickQueue(p.size, m_rngSessions);
    if (queue < 0) {
        ++m_refused;
        logoff(index);
        return;
    }
    const sim::ServiceOutcome outcome = request(color, true, m_rngService);
    if (!outcome.ok()) {
        failedAttempt();
        return;
    }
    p.color = static_cast<std::uint8_t>(indexOf(color));
    p.queue = static_cast<std::uint8_t>(queue);
    setState(p, PartyState::EnqueuePending);
    m_calendar.push(m_now + outcome.latencyMs / 1000.0, EventType::EnqueueDone, index,
                    p.generation);
}

void SimulationEngine::enqueueDone(std::uint32_t index) {
    Party& p = m_population.parties[index];
    if (cutOff(p.region)) {
        logoff(index);  // disconnected before the ticket was stored
        return;
    }
    sim::Environment& env = *m_env[p.color];
    const std::size_t releaseIndex = env.activeIndex();
    sim::Release& release = env.active();

    TicketRequest request;
    request.queue = m_scenario.queues.queues[p.queue].name;
    request.players.resize(p.size);
    for (int m = 0; m < p.size; ++m) {
        const std::uint32_t id = p.firstPlayer + static_cast<std::uint32_t>(m);
        PartyMember& member = request.players[static_cast<std::size_t>(m)];
        member.id = "p" + std::to_string(id);
        member.rating = m_population.players[id].rating;
        member.pingMs.resize(static_cast<std::size_t>(m_population.regionCount));
        for (int r = 0; r < m_population.regionCount; ++r)
            member.pingMs[static_cast<std::size_t>(r)] =
                regionOut(r) || regionShed(r) ? kUnreachablePing : m_population.ping(id, r);
    }
    const EnqueueResult result = release.matcher.enqueue(std::move(request), m_now);
    if (!result.ok()) {
        ++m_refused;
        if (m_log.on())
            log(LogEventKind::Error, kColors[p.color], "enqueue refused: " + result.message);
        drain(kColors[p.color], releaseIndex);
        afterSearch(index, true);
        return;
    }
    p.ticket = result.id;
    p.release = static_cast<std::uint8_t>(releaseIndex);
    p.retries = 0;
    p.searchStart = m_now;
    setState(p, PartyState::Searching);
    release.partyOfTicket[result.id] = index;
    const auto& pop = m_scenario.population;
    m_calendar.push(m_now + pop.pollIntervalSeconds, EventType::Poll, index, p.generation);
    // Patience varies between players around the scenario's median.
    m_calendar.push(m_now + m_rngSessions.lognormalMedianP95(pop.patienceMeanSeconds, 2.5),
                    EventType::Patience, index, p.generation);
    drain(kColors[p.color], releaseIndex);
    // An inconsistency fault that found nothing of this colour to corrupt
    // when it started corrupts the first ticket after it.
    if (bool& pending = m_corruptionPending[p.color]; pending && corruptBooks(kColors[p.color]))
        pending = false;
}

void SimulationEngine::poll(std::uint32_t index) {
    const Party& p = m_population.parties[index];
    request(kColors[p.color], false, m_rngService);
    m_calendar.push(m_now + m_scenario.population.pollIntervalSeconds, EventType::Poll, index,
                    p.generation);
}

void SimulationEngine::patience(std::uint32_t index) {
    const Party& p = m_population.parties[index];
    if (!request(kColors[p.color], true, m_rngService).ok()) {
        m_calendar.push(m_now + m_scenario.population.retrySeconds, EventType::Patience, index,
                        p.generation);
        return;
    }
    sim::Release& release = *m_env[p.color]->releases()[p.release];
    if (release.matcher.cancel(p.ticket, m_now))
        drain(kColors[p.color], p.release);  // the Cancelled event moves the party on
}

void SimulationEngine::afterSearch(std::uint32_t index, bool frustrated) {
    Party& p = m_population.parties[index];
    setState(p, PartyState::Idle);
    if (m_now >= p.sessionEnd || (frustrated && m_rngSessions.chance(0.5))) {
        logoff(index);
        return;
    }
    m_calendar.push(m_now + m_rngSessions.exponential(m_scenario.population.breakMeanSeconds),
                    EventType::QueueUp, index, p.generation);
}

void SimulationEngine::matchEnd(std::uint32_t slot) {
    ActiveMatch& match = m_matches[slot];
    const auto teamCount = static_cast<std::size_t>(match.teamCount);
    m_teamPlayers.resize(std::max(m_teamPlayers.size(), teamCount));
    for (std::size_t t = 0; t < teamCount; ++t)
        m_teamPlayers[t].clear();
    for (std::size_t i = 0; i < match.parties.size(); ++i) {
        const Party& p = m_population.parties[match.parties[i]];
        for (int m = 0; m < p.size; ++m)
            m_teamPlayers[match.teams[i]].push_back(p.firstPlayer + static_cast<std::uint32_t>(m));
    }
    // The result comes from the TRUE skills: each player performs around
    // their skill with the model's beta; the stronger sum wins.
    const double beta = RatingModel{}.params().beta;
    m_performance.assign(teamCount, 0.0);
    bool everyTeamPlayed = true;
    for (std::size_t t = 0; t < teamCount; ++t) {
        everyTeamPlayed = everyTeamPlayed && !m_teamPlayers[t].empty();
        for (std::uint32_t id : m_teamPlayers[t])
            m_performance[t] += m_rngOutcomes.normal(m_population.players[id].trueSkill, beta);
    }
    if (everyTeamPlayed) {
        m_ranks.assign(teamCount, 0);
        for (std::size_t t = 0; t < teamCount; ++t)
            for (std::size_t o = 0; o < teamCount; ++o)
                if (m_performance[o] > m_performance[t])
                    ++m_ranks[t];
        m_teams.resize(teamCount);
        for (std::size_t t = 0; t < teamCount; ++t) {
            m_teams[t].clear();
            for (std::uint32_t id : m_teamPlayers[t])
                m_teams[t].push_back(m_population.players[id].rating);
        }
        const std::vector<Team> rated = RatingModel{}.rate(m_teams, m_ranks);
        for (std::size_t t = 0; t < teamCount && t < rated.size(); ++t) {
            for (std::size_t k = 0; k < m_teamPlayers[t].size() && k < rated[t].size(); ++k) {
                sim::Player& player = m_population.players[m_teamPlayers[t][k]];
                player.rating = rated[t][k];
                ++player.matchesPlayed;
            }
        }
        hash(static_cast<std::uint64_t>(m_ranks[0]));
    }
    request(match.color, true, m_rngService);  // the result report
    for (std::uint32_t index : match.parties) {
        if (m_population.parties[index].state == PartyState::InMatch)
            afterSearch(index, false);
    }
    match.used = false;
    m_freeMatches.push_back(slot);
}

}  // namespace pulsco
