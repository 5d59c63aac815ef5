#include "simulator/engine/SimulationEngine.h"

#include "core/FaultEffects.h"
#include "core/MetricCatalog.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <string_view>

namespace pulsco {

using sim::EventType;
using sim::Party;
using sim::PartyState;
using sim::Stream;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kFirstQueueDelayMax = 30.0;  // initial logins spread over this many seconds
constexpr double kCatchUpSeconds = 120.0;
constexpr std::uint64_t kBreachCheckSeconds = 10;  // live threshold checks, when logging

// A threshold's metric over the recent (60 s) window, when it has one.
std::optional<double> recentValue(const MetricsSnapshot& s, std::string_view name) {
    const ScopedName scoped = splitScope(name);
    const EnvironmentMetrics* env = MetricCatalog::environment(s, scopeName(scoped.color));
    name = scoped.name;
    const Histogram* h = nullptr;
    double q = 0;
    if (name.starts_with("api_latency_p"))
        h = &env->recentApiLatencyMs;
    else if (name.starts_with("ticket_wait_p"))
        h = &env->recentTicketWaitSeconds;
    if (h) {
        if (name.ends_with("p50_ms") || name.ends_with("p50_s"))
            q = 0.50;
        else if (name.ends_with("p95_ms") || name.ends_with("p95_s"))
            q = 0.95;
        else
            q = 0.99;
        if (h->count() == 0)
            return std::nullopt;
        return h->quantile(q);
    }
    if (name == "error_rate" && env->recentRequests > 0)
        return static_cast<double>(env->recentErrors) / static_cast<double>(env->recentRequests);
    return std::nullopt;
}  // how fast logins close a gap to the online target

std::string number(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// Four significant digits ("113.3" s of wait, a 0.001234 error rate), and
// whole numbers from 1000 on rather than an exponent.
std::string significant(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, std::abs(v) >= 1000 ? "%.0f" : "%.4g", v);
    return buf;
}

}  // namespace

SimulationEngine::SimulationEngine(Scenario scenario)
    : m_scenario(std::move(scenario))
    , m_warmup(m_scenario.warmupSeconds)
    , m_population(m_scenario.population, m_scenario.queues,
                   sim::makeStream(m_scenario.seed, Stream::Population))
    , m_rngArrivals(sim::makeStream(m_scenario.seed, Stream::Arrivals))
    , m_rngSessions(sim::makeStream(m_scenario.seed, Stream::Sessions))
    , m_rngOutcomes(sim::makeStream(m_scenario.seed, Stream::Outcomes))
    , m_rngService(sim::makeStream(m_scenario.seed, Stream::Service))
    , m_rngRouting(sim::makeStream(m_scenario.seed, Stream::Routing)) {
    const RatingModel model;
    m_env[0] = std::make_unique<sim::Environment>(Color::Blue, m_scenario.service,
                                                  m_scenario.queues, model);
    m_env[1] = std::make_unique<sim::Environment>(
        Color::Green, m_scenario.service, m_scenario.greenQueues.value_or(m_scenario.queues),
        model);
    m_weight = std::clamp(m_scenario.traffic.greenWeightPercent, 0, 100);
    m_regionOut.assign(static_cast<std::size_t>(m_population.regionCount), 0);
    m_regions.resize(static_cast<std::size_t>(m_population.regionCount));

    const auto partyCount = static_cast<std::uint32_t>(m_population.parties.size());
    m_offline.reserve(partyCount);
    for (std::uint32_t i = 0; i < partyCount; ++i) {
        m_population.parties[i].offlineSlot = i;
        m_offline.push_back(i);
    }
    m_calendar.reserve(static_cast<std::size_t>(partyCount) * 3 + 64);

    // Start with the target population online, spread over the first seconds.
    const double target = targetOnline(-m_warmup);
    while (static_cast<double>(m_online) < target && !m_offline.empty()) {
        const std::uint32_t pick =
            m_offline[m_rngArrivals.below(static_cast<std::uint32_t>(m_offline.size()))];
        login(pick, m_rngArrivals.uniform(0.0, kFirstQueueDelayMax));
    }
    scheduleArrival();
    for (std::uint32_t color = 0; color < 2; ++color)
        m_calendar.push(m_scenario.tickSeconds, EventType::Tick, color);
    m_calendar.push(1.0, EventType::Second, 0);
    for (const FaultSpec& f : m_scenario.faults) {
        FaultSlot slot;
        slot.spec = f;
        m_faults.push_back(slot);
        m_calendar.push(m_warmup + f.atSeconds, EventType::FaultStart,
                        static_cast<std::uint32_t>(m_faults.size() - 1), 0);
    }
}

SimulationEngine::~SimulationEngine() = default;

// --- running -----------------------------------------------------------------

void SimulationEngine::warmUp() {
    if (m_warmedUp)
        return;
    m_warmedUp = true;
    // The warm-up is not part of the run: its metrics are reset below, so
    // nothing of it is logged (its matches would be numbered past the
    // run's match count) nor judged against the thresholds.
    m_warmingUp = true;
    while (!m_calendar.empty() && m_calendar.nextTime() <= m_warmup)
        process(m_calendar.pop());
    m_warmingUp = false;
    m_now = m_warmup;
    resetMetrics();
}

std::uint64_t SimulationEngine::advanceTo(double runSeconds) {
    return advanceTo(runSeconds, std::numeric_limits<std::uint64_t>::max());
}

std::uint64_t SimulationEngine::advanceTo(double runSeconds, std::uint64_t maxEvents) {
    warmUp();
    const double until = m_warmup + runSeconds;
    std::uint64_t processed = 0;
    while (!m_calendar.empty() && m_calendar.nextTime() <= until) {
        if (processed >= maxEvents)
            return processed;
        process(m_calendar.pop());
        ++processed;
    }
    m_now = std::max(m_now, until);
    return processed;
}

void SimulationEngine::hash(std::uint64_t value) {
    // FNV-1a 64 over the little-endian bytes of each traced value.
    for (int i = 0; i < 8; ++i) {
        m_hash ^= (value >> (8 * i)) & 0xFF;
        m_hash *= 1099511628211ull;
    }
}

void SimulationEngine::process(const sim::Event& e) {
    m_now = e.time;
    switch (e.type) {
    case EventType::Arrival:
        if (e.generation != m_arrivalGeneration)
            return;
        break;
    case EventType::QueueUp:
    case EventType::EnqueueDone:
    case EventType::Poll:
    case EventType::Patience:
        if (e.generation != m_population.parties[e.subject].generation)
            return;
        break;
    case EventType::FaultStart:
        if (e.generation != m_faults[e.subject].generation || m_faults[e.subject].done ||
            m_faults[e.subject].active)
            return;
        break;
    case EventType::FaultEnd:
        if (e.generation != m_faults[e.subject].generation || !m_faults[e.subject].active)
            return;
        break;
    default:
        break;
    }
    ++m_events;
    hash(std::bit_cast<std::uint64_t>(e.time));
    hash((static_cast<std::uint64_t>(e.type) << 32) | e.subject);

    switch (e.type) {
    case EventType::Arrival:
        arrival(e.subject == 1);
        break;
    case EventType::QueueUp:
        queueUp(e.subject);
        break;
    case EventType::EnqueueDone:
        enqueueDone(e.subject);
        break;
    case EventType::Poll:
        poll(e.subject);
        break;
    case EventType::Patience:
        patience(e.subject);
        break;
    case EventType::MatchEnd:
        matchEnd(e.subject);
        break;
    case EventType::Tick:
        tick(kColors[e.subject]);
        m_calendar.push(m_now + m_scenario.tickSeconds, EventType::Tick, e.subject);
        break;
    case EventType::Second:
        if (m_logOn && m_warmedUp && !m_warmingUp &&
            static_cast<std::uint64_t>(m_now) % kBreachCheckSeconds == 0)
            checkBreaches();
        m_env[0]->advanceSecond();
        m_env[1]->advanceSecond();
        m_calendar.push(m_now + 1.0, EventType::Second, 0);
        break;
    case EventType::FaultStart:
        startFault(e.subject);
        break;
    case EventType::FaultEnd:
        endFault(e.subject);
        break;
    }
}

// --- party life --------------------------------------------------------------

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
    if (regionOut(p.region)) {
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
    if (regionOut(p.region)) {
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
                regionOut(r) ? kUnreachablePing : m_population.ping(id, r);
    }
    const EnqueueResult result = release.matcher.enqueue(std::move(request), m_now);
    if (!result.ok()) {
        ++m_refused;
        if (m_logOn)
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

// --- the matchmakers ---------------------------------------------------------

void SimulationEngine::tick(Color color) {
    sim::Environment& ticking = env(color);
    if (!matcherStalled(runningFaults(), color)) {
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
            ++tickets.created;
            continue;
        }
        const auto it = release.partyOfTicket.find(te.ticket);
        const bool known = it != release.partyOfTicket.end();
        const std::uint32_t index = known ? it->second : 0;
        if (known)
            release.partyOfTicket.erase(it);
        if (te.kind == TicketEvent::Kind::Expired) {
            ++tickets.expired;
            if (m_logOn)
                log(LogEventKind::Expiry, color,
                    "ticket expired after " + number(te.waitSeconds, 0) + " s in " +
                        release.matcher.config().queues[static_cast<std::size_t>(te.queue)].name);
            if (known)
                afterSearch(index, true);
        } else {
            ++tickets.cancelled;
            if (!known)
                continue;
            const bool dropped = regionOut(m_population.parties[index].region);
            if (m_logOn)
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
    if (m_logOn && !m_warmingUp) {
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

// --- requests and faults -----------------------------------------------------

sim::ServiceOutcome SimulationEngine::request(Color color, bool write, sim::Random& rng) {
    const RequestImpact impact = requestImpact(runningFaults(), color, write,
                                               [&rng](double share) { return rng.chance(share); });
    sim::Environment& served = env(color);
    const sim::ServiceOutcome outcome =
        served.service().serve(m_now, rng, impact.addedLatencyMs, impact.fails);
    served.recordRequest(outcome);
    return outcome;
}

std::vector<std::string> SimulationEngine::activeFaults() const {
    std::vector<std::string> out;
    for (std::uint32_t slot : m_activeFaults)
        out.push_back(describeFault(m_faults[slot].spec));
    return out;
}

void SimulationEngine::injectFault(const FaultSpec& fault) {
    warmUp();
    if (const std::string problem = validate(fault); !problem.empty()) {
        log(LogEventKind::Error, std::nullopt, "fault refused: " + problem);
        return;
    }
    if (fault.kind == FaultKind::RegionOutage && m_scenario.queues.regionIndex(fault.region) < 0) {
        log(LogEventKind::Error, std::nullopt,
            "fault refused: region: unknown region \"" + fault.region + "\"");
        return;
    }
    FaultSlot slot;
    slot.spec = fault;
    m_faults.push_back(slot);
    const auto index = static_cast<std::uint32_t>(m_faults.size() - 1);
    if (fault.atSeconds <= 0)
        startFault(index);
    else
        m_calendar.push(m_now + fault.atSeconds, EventType::FaultStart, index, 0);
}

void SimulationEngine::clearFaults() {
    for (std::uint32_t i = 0; i < m_faults.size(); ++i) {
        FaultSlot& slot = m_faults[i];
        if (slot.active) {
            endFault(i);
        } else if (!slot.done) {
            slot.done = true;
            ++slot.generation;
        }
    }
}

void SimulationEngine::startFault(std::uint32_t index) {
    FaultSlot& slot = m_faults[index];
    const FaultSpec f = slot.spec;
    slot.active = true;
    slot.start = m_now;
    slot.end = f.durationSeconds > 0 ? m_now + f.durationSeconds : kInf;
    m_activeFaults.push_back(index);
    if (slot.end < kInf)
        m_calendar.push(slot.end, EventType::FaultEnd, index, slot.generation);
    hash(0xFA17000000000000ull | index);

    switch (f.kind) {
    case FaultKind::RegionOutage: {
        const int region = m_scenario.queues.regionIndex(f.region);
        if (region < 0)
            break;
        const bool wasUp = m_regionOut[static_cast<std::size_t>(region)]++ == 0;
        m_regions[static_cast<std::size_t>(region)].reachable = false;
        if (!wasUp)
            break;
        // The server drops the tickets of players it can no longer reach.
        for (std::uint32_t i = 0; i < m_population.parties.size(); ++i) {
            const Party& p = m_population.parties[i];
            if (p.state != PartyState::Searching || p.region != region)
                continue;
            sim::Release& release = *m_env[p.color]->releases()[p.release];
            if (release.matcher.cancel(p.ticket, m_now))
                drain(kColors[p.color], p.release);
        }
        break;
    }
    case FaultKind::PlayerSurge:
        scheduleArrival();
        break;
    case FaultKind::BadRelease:
        for (Color color : kColors) {
            if (!hits(f.target, color))
                continue;
            sim::Environment& bad = env(color);
            QueueConfig config = bad.releases().front()->matcher.config();
            for (QueueRules& q : config.queues) {
                std::vector<WaitStep> steps = q.skillWindow.steps();
                for (WaitStep& s : steps)
                    s.value *= f.multiplier;
                q.skillWindow = WaitWindowSchedule(std::move(steps));
            }
            int& release = slot.releaseOf[indexOf(color)];
            release = static_cast<int>(bad.addRelease(std::move(config), true));
            bad.setActive(static_cast<std::size_t>(release));
        }
        break;
    default:
        break;
    }
    if (m_logOn)
        log(LogEventKind::FaultStart, colorOf(f.target),
            "fault started: " + describeFault(f) +
                (f.durationSeconds > 0 ? " for " + number(f.durationSeconds, 0) + " s"
                                       : std::string()));
}

void SimulationEngine::endFault(std::uint32_t index) {
    FaultSlot& slot = m_faults[index];
    const FaultSpec f = slot.spec;
    slot.active = false;
    slot.done = true;
    ++slot.generation;
    m_activeFaults.erase(std::find(m_activeFaults.begin(), m_activeFaults.end(), index));
    hash(0xFA1E000000000000ull | index);
    switch (f.kind) {
    case FaultKind::RegionOutage: {
        const int region = m_scenario.queues.regionIndex(f.region);
        if (region >= 0 && --m_regionOut[static_cast<std::size_t>(region)] == 0)
            m_regions[static_cast<std::size_t>(region)].reachable = true;
        break;
    }
    case FaultKind::PlayerSurge:
        scheduleArrival();
        break;
    case FaultKind::BadRelease:
        // Back to the good release for new tickets; the bad one drains.
        for (Color color : kColors) {
            sim::Environment& e = env(color);
            const int release = slot.releaseOf[indexOf(color)];
            if (release >= 0 && e.activeIndex() == static_cast<std::size_t>(release))
                e.setActive(0);
        }
        break;
    default:
        break;
    }
    if (m_logOn)
        log(LogEventKind::FaultEnd, colorOf(f.target), "fault ended: " + describeFault(f));
}

void SimulationEngine::setTrafficWeight(int greenPercent) {
    warmUp();
    const int weight = std::clamp(greenPercent, 0, 100);
    if (weight == m_weight)
        return;
    m_weight = weight;
    hash(0x7EA1000000000000ull | static_cast<std::uint64_t>(weight));
    log(LogEventKind::Traffic, std::nullopt,
        "traffic: blue " + std::to_string(100 - weight) + " %, green " + std::to_string(weight) +
            " %");
}

// --- metrics -----------------------------------------------------------------

void SimulationEngine::resetMetrics() {
    m_env[0]->resetMetrics();
    m_env[1]->resetMetrics();
    for (RegionMetrics& r : m_regions) {
        r.matchesTotal = 0;
        r.ticketWaitSeconds.clear();
    }
    m_tickMs.clear();
    m_breached.clear();  // judged afresh on the run's own figures
    m_peak = m_online;
    m_queueDepthMax =
        static_cast<std::uint64_t>(m_env[0]->searchingTickets() + m_env[1]->searchingTickets());
}

bool SimulationEngine::conservationOk() const {
    for (std::size_t c = 0; c < 2; ++c) {
        const TicketCounts& t = m_env[c]->metrics().tickets;
        const auto searching = static_cast<std::uint64_t>(m_env[c]->searchingTickets());
        if (t.created != t.matched + t.expired + t.cancelled + searching)
            return false;
        if (searching != m_searchingParties[c])
            return false;
    }
    return true;
}

MetricsSnapshot SimulationEngine::snapshot() const {
    MetricsSnapshot s;
    s.source = "simulator";
    s.timeSeconds = runTime();
    s.playersOnline = m_online;
    s.playersInQueue = m_inQueue;
    s.playersInMatch = m_inMatch;
    s.concurrentPlayersPeak = m_peak;
    s.blue = m_env[0]->snapshot(m_now, 100 - m_weight);
    s.green = m_env[1]->snapshot(m_now, m_weight);
    s.total.trafficWeightPercent = 100;
    mergeInto(s.total, s.blue);
    mergeInto(s.total, s.green);
    for (std::size_t r = 0; r < m_regions.size(); ++r)
        s.regions[m_scenario.queues.regions[r]] = m_regions[r];
    s.tickDurationMs = m_tickMs;
    s.conservationOk = conservationOk();
    s.activeFaults = activeFaults();
    return s;
}

RunSummary SimulationEngine::summary() const {
    RunSummary r;
    r.scenario = m_scenario.name;
    r.seed = m_scenario.seed;
    r.simulatedSeconds = std::max(0.0, runTime());
    r.warmupSeconds = m_warmup;
    r.players = m_scenario.population.players;
    r.concurrentPlayersPeak = m_peak;
    const MetricsSnapshot s = snapshot();
    r.total = figuresOf(s.total);
    r.blue = figuresOf(s.blue);
    r.green = figuresOf(s.green);
    auto balance = [](ScopeFigures& f, std::uint64_t balanced, std::uint64_t twoTeam) {
        f.hasBalance = twoTeam > 0;
        f.balancedMatchShare =
            twoTeam ? static_cast<double>(balanced) / static_cast<double>(twoTeam) : 0;
    };
    balance(r.blue, m_env[0]->balancedMatches(), m_env[0]->twoTeamMatches());
    balance(r.green, m_env[1]->balancedMatches(), m_env[1]->twoTeamMatches());
    balance(r.total, m_env[0]->balancedMatches() + m_env[1]->balancedMatches(),
            m_env[0]->twoTeamMatches() + m_env[1]->twoTeamMatches());
    r.queueDepthMax = m_queueDepthMax;
    std::vector<double> skill, mu;
    for (const sim::Player& p : m_population.players) {
        if (p.matchesPlayed == 0)
            continue;
        skill.push_back(p.trueSkill);
        mu.push_back(p.rating.mu);
    }
    r.ratedPlayers = skill.size();
    r.ratingCorrelation = spearman(skill, mu);
    r.ticks = m_tickMs.count();
    r.tickP50Ms = m_tickMs.quantile(0.5);
    r.tickP99Ms = m_tickMs.quantile(0.99);
    r.tickMaxMs = m_tickMs.max();
    r.events = m_events;
    r.traceHash = m_hash;
    r.conservationOk = s.conservationOk;
    r.judge(m_scenario.thresholds);
    return r;
}

void SimulationEngine::checkBreaches() {
    const auto& bars = m_scenario.thresholds;
    m_breached.resize(bars.size(), false);
    const MetricsSnapshot snap = snapshot();
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const std::optional<double> value = recentValue(snap, bars[i].metric);
        if (!value)
            continue;
        const bool broken = !bars[i].holds(*value);
        if (broken == m_breached[i])
            continue;
        m_breached[i] = broken;
        const std::optional<Color> color = splitScope(bars[i].metric).color;
        const std::string figure =
            bars[i].metric + " " + significant(*value) + " over the last minute";
        if (broken)
            log(LogEventKind::Breach, color,
                "threshold broken: " + figure + " (bar " + bars[i].text + ")");
        else
            log(LogEventKind::Info, color,
                "threshold holds again: " + figure + " (bar " + bars[i].text + ")");
    }
}

// --- event log ---------------------------------------------------------------

void SimulationEngine::enableLog(std::size_t cap) {
    m_logOn = cap > 0;
    m_logCap = cap;
}

void SimulationEngine::log(LogEventKind kind, std::optional<Color> color, std::string text) {
    if (!m_logOn || m_warmingUp)
        return;
    if (m_log.size() >= m_logCap) {
        ++m_logDropped;
        return;
    }
    LogEvent e;
    e.kind = kind;
    e.timeSeconds = runTime();
    e.color = std::string(scopeName(color));
    e.text = std::move(text);
    m_log.push_back(std::move(e));
}

std::vector<LogEvent> SimulationEngine::takeLog() {
    std::vector<LogEvent> out;
    out.swap(m_log);
    return out;
}

}  // namespace pulsco
