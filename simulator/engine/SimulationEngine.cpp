#include "simulator/engine/SimulationEngine.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <optional>

namespace pulsco {

using sim::EventType;
using sim::Party;
using sim::PartyState;
using sim::Stream;

namespace {

constexpr double kFirstQueueDelayMax = 30.0;       // initial logins spread over this many seconds
constexpr std::uint64_t kBreachCheckSeconds = 10;  // live threshold checks, when logging

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
        // The audit reads the books only: it changes neither the trace nor
        // any random stream, so runs keep their hashes.
        if (m_warmedUp && !m_warmingUp && runTime() + 1e-9 >= m_nextAudit)
            auditBooks();
        if (m_log.on() && m_warmedUp && !m_warmingUp &&
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

// --- traffic -----------------------------------------------------------------

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
    m_breaches.reset();  // judged afresh on the run's own figures
    m_peak = m_online;
    m_queueDepthMax =
        static_cast<std::uint64_t>(m_env[0]->searchingTickets() + m_env[1]->searchingTickets());
}

// Totals only, moved together by the same code (drain() bumps a counter as
// the matcher's own count changes; setState() moves m_searchingParties): it
// holds by construction and cannot name a wrong record. auditBooks() is the
// check that can fail.
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
    s.queueDepthPeak = m_queueDepthMax;
    s.blue = m_env[0]->snapshot(m_now, 100 - m_weight);
    s.green = m_env[1]->snapshot(m_now, m_weight);
    mergeInto(s.total, s.blue);
    mergeInto(s.total, s.green);
    for (std::size_t r = 0; r < m_regions.size(); ++r)
        s.regions[m_scenario.queues.regions[r]] = m_regions[r];
    s.tickDurationMs = m_tickMs;
    s.conservationOk = conservationOk();
    s.integrity = m_integrity;
    // The simulated service has no whole-service outage among its faults
    // (an outage cuts a region's players off, a stall stops matching, not
    // serving), so its history is the run, up throughout, on the run's clock.
    s.availability = AvailabilityHistory{0, s.timeSeconds, {}};
    if (s.timeSeconds > 0)
        s.availability->up.push_back({0, s.timeSeconds});
    s.activeFaults = activeFaults();
    for (std::uint32_t slot : m_activeFaults) {
        const double onset = m_faults[slot].start - m_warmup;
        if (!s.faultOnsetSeconds || onset < *s.faultOnsetSeconds)
            s.faultOnsetSeconds = onset;
    }
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
    MetricsSnapshot s = snapshot();
    r.total = figuresOf(s.total);
    r.blue = figuresOf(s.blue);
    r.green = figuresOf(s.green);
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
    if (r.ratedPlayers >= 2)
        s.ratingCorrelation = r.ratingCorrelation;  // only now: it sorts every rated player
    r.ticks = m_tickMs.count();
    r.tickP50Ms = m_tickMs.quantile(0.5);
    r.tickP99Ms = m_tickMs.quantile(0.99);
    r.tickMaxMs = m_tickMs.max();
    r.events = m_events;
    r.traceHash = m_hash;
    r.conservationOk = s.conservationOk;
    r.judge(m_scenario.thresholds, s);
    return r;
}

void SimulationEngine::checkBreaches() {
    for (sim::BreachChange& change : m_breaches.check(snapshot()))
        log(change.kind, change.color, std::move(change.text));
}

void SimulationEngine::auditBooks() {
    const sim::Books books{
        .parties = m_population.parties,
        .offline = m_offline,
        .environments = {m_env[0].get(), m_env[1].get()},
        .matches = m_matches,
        .regions = m_regions,
        .regionNames = m_scenario.queues.regions,
        .playersOnline = m_online,
        .playersInQueue = m_inQueue,
        .playersInMatch = m_inMatch,
        .searchingParties = m_searchingParties,
    };
    const bool wasOk = !m_integrity || m_integrity->ok;
    m_integrity = m_audit.run(books, runTime());
    // On the event log when it changes, as breaches are: the console's
    // event stream shows the audit failing (and holding again).
    if (m_integrity->ok != wasOk)
        log(m_integrity->ok ? LogEventKind::Info : LogEventKind::Error, std::nullopt,
            m_integrity->ok
                ? std::string("integrity audit ok again")
                : "integrity audit failed: " + std::to_string(m_integrity->violations) +
                      (m_integrity->violations == 1 ? " violation, " : " violations, ") +
                      m_integrity->firstViolations.front());
    while (m_nextAudit <= runTime() + 1e-9)
        m_nextAudit += sim::IntegrityCheck::kPeriodSeconds;
}

// --- event log ---------------------------------------------------------------

void SimulationEngine::enableLog(std::size_t cap) {
    m_log.enable(cap);
}

void SimulationEngine::log(LogEventKind kind, std::optional<Color> color, std::string text) {
    if (!m_log.on() || m_warmingUp)
        return;
    LogEvent e;
    e.kind = kind;
    e.timeSeconds = runTime();
    e.color = std::string(scopeName(color));
    e.text = std::move(text);
    m_log.push(std::move(e));
}

std::vector<LogEvent> SimulationEngine::takeLog() {
    return m_log.take();
}

}  // namespace pulsco
