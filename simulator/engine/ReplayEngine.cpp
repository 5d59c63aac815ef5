#include "simulator/engine/ReplayEngine.h"

#include "core/HomeRegion.h"
#include "core/QueueSnapshots.h"
#include "simulator/engine/ReplaySchedule.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace pulsco {

namespace {

std::uint64_t bitsOf(double v) {
    std::uint64_t out = 0;
    static_assert(sizeof out == sizeof v);
    std::memcpy(&out, &v, sizeof v);
    return out;
}

// Refusals counted by kind, not by message (messages name players).
const char* refusalName(EnqueueError e) {
    switch (e) {
    case EnqueueError::None:
        return "none";
    case EnqueueError::UnknownQueue:
        return "unknown queue";
    case EnqueueError::PartySizeNotAllowed:
        return "party size not allowed";
    case EnqueueError::DuplicatePlayer:
        return "a player already searching";
    case EnqueueError::InvalidPlayer:
        return "invalid player";
    case EnqueueError::NoReachableRegion:
        return "no reachable region";
    }
    return "other";
}

}  // namespace

ReplayEngine::ReplayEngine(QueueConfig rules, const std::vector<std::string>& recordedRegions,
                           const std::vector<RecordedEvent>& events, ReplayOptions options)
    : m_matchmaker(std::move(rules))
    , m_options(options) {
    const QueueConfig& config = m_matchmaker.config();
    m_options.amplify = std::max(1, m_options.amplify);
    m_options.tickSeconds = m_options.tickSeconds > 0 ? m_options.tickSeconds : 0.25;
    m_regionFigures.resize(config.regions.size());
    m_matchesByQueue.resize(config.queues.size());

    // Recorded pings are in the recording's region order; the rules' may
    // differ. Map by name.
    std::vector<int> fromRecorded(recordedRegions.size(), -1);
    for (std::size_t i = 0; i < recordedRegions.size(); ++i) {
        fromRecorded[i] = config.regionIndex(recordedRegions[i]);
        if (fromRecorded[i] < 0)
            m_notes.push_back("region " + recordedRegions[i] +
                              " of the recording is not in the rules: its pings are dropped");
    }
    for (const std::string& r : config.regions)
        if (std::find(recordedRegions.begin(), recordedRegions.end(), r) == recordedRegions.end())
            m_notes.push_back("region " + r +
                              " of the rules is not in the recording: unreachable for everyone");

    ReplaySchedule schedule =
        buildReplaySchedule(events, m_options.amplify, m_options.jitterSeconds, m_options.seed);
    m_tickets.reserve(schedule.tickets.size());
    for (TicketRequest& recorded : schedule.tickets) {
        Ticket ticket;
        ticket.request.queue = std::move(recorded.queue);
        for (PartyMember& m : recorded.players) {
            std::vector<int> pings(config.regions.size(), kUnreachablePing);
            for (std::size_t r = 0; r < m.pingMs.size() && r < fromRecorded.size(); ++r)
                if (fromRecorded[r] >= 0)
                    pings[std::size_t(fromRecorded[r])] = m.pingMs[r];
            m.pingMs = std::move(pings);
            ticket.request.players.push_back(std::move(m));
        }
        ticket.region = homeRegion(ticket.request.players);
        ticket.outcome.homeRegion =
            ticket.region < 0 ? std::uint32_t(config.regions.size()) : std::uint32_t(ticket.region);
        const auto known =
            std::find(m_queueNames.begin(), m_queueNames.end(), ticket.request.queue);
        ticket.outcome.queue = std::uint32_t(known - m_queueNames.begin());
        if (known == m_queueNames.end())
            m_queueNames.push_back(ticket.request.queue);
        m_tickets.push_back(std::move(ticket));
    }
    m_schedule = std::move(schedule.items);
    const double lastArrival = schedule.lastArrival;
    double longestWait = 0;
    for (const QueueRules& q : config.queues)
        longestWait = std::max(longestWait, q.maxWaitSeconds);
    m_duration = m_schedule.empty() ? 0 : lastArrival + longestWait + 2 * m_options.tickSeconds;
}

ReplayEngine::~ReplayEngine() = default;

void ReplayEngine::hash(std::uint64_t value) {
    // FNV-1a 64, as the simulation engine's trace.
    for (int i = 0; i < 8; ++i) {
        m_hash ^= (value >> (8 * i)) & 0xFF;
        m_hash *= 1099511628211ull;
    }
}

std::uint64_t ReplayEngine::advanceTo(double runSeconds) {
    const std::uint64_t before = m_events;
    const double until = std::min(runSeconds, m_duration);
    for (;;) {
        const bool haveItem = m_next < m_schedule.size() && m_schedule[m_next].t <= until;
        const bool haveTick = m_nextTick <= until;
        if (!haveItem && !haveTick)
            break;
        // A request at the tick's time is served before the tick, as on the
        // server (the tick runs after the requests of its loop pass).
        if (haveItem && (!haveTick || m_schedule[m_next].t <= m_nextTick)) {
            const ReplayItem item = m_schedule[m_next++];
            m_now = item.t;
            Ticket& ticket = m_tickets[item.ticket];
            if (item.arrival) {
                arrive(ticket);
            } else if (ticket.coreId != 0 && m_matchmaker.cancel(ticket.coreId, m_now)) {
                ++m_counts.cancelled;
                ticket.outcome.fate = ArrivalFate::Cancelled;
                hash(0xC0 ^ item.ticket);
            }
        } else {
            m_now = m_nextTick;
            m_nextTick += m_options.tickSeconds;
            tick();
        }
        ++m_events;
    }
    m_now = std::max(m_now, until);
    return m_events - before;
}

void ReplayEngine::arrive(Ticket& ticket) {
    ++m_arrivals.total;
    ++m_arrivals.byQueue[ticket.request.queue];
    ++m_arrivals.byPartySize[int(ticket.request.players.size())];
    ++m_arrivals.byHomeRegion[ticket.region < 0
                                  ? std::string()
                                  : m_matchmaker.config().regions[std::size_t(ticket.region)]];
    EnqueueResult r = m_matchmaker.enqueue(ticket.request, m_now);
    if (!r.ok()) {
        ticket.outcome.fate =
            r.error == EnqueueError::DuplicatePlayer ? ArrivalFate::Busy : ArrivalFate::Refused;
        ++m_refused[refusalName(r.error)];
        hash(0xEE);
        return;
    }
    ticket.coreId = r.id;
    m_recent.recordTicketCreated(std::int64_t(std::floor(m_now)));
    m_byCoreId[r.id] = std::uint32_t(&ticket - m_tickets.data());
    ++m_counts.created;
    if (ticket.region >= 0)
        m_regionFigures[std::size_t(ticket.region)].playersInQueue += ticket.request.players.size();
    hash(0xA0 ^ r.id);
    hash(bitsOf(m_now));
}

void ReplayEngine::tick() {
    // The deepest the queues got, before this tick forms its matches.
    m_peakInQueue =
        std::max<std::uint64_t>(m_peakInQueue, std::uint64_t(m_matchmaker.searchingTickets()));
    std::uint64_t players = 0;
    for (const RegionMetrics& r : m_regionFigures)
        players += r.playersInQueue;  // every accepted party has a home region
    m_peakPlayers = std::max(m_peakPlayers, players);
    m_matchmaker.tick(m_now);
    m_matchmaker.takeOutput(m_output);
    const auto leaveQueue = [this](TicketId id) {
        const auto it = m_byCoreId.find(id);
        if (it == m_byCoreId.end())
            return;
        const Ticket& t = m_tickets[it->second];
        if (t.region >= 0) {
            auto& inQueue = m_regionFigures[std::size_t(t.region)].playersInQueue;
            inQueue -= std::min<std::uint64_t>(inQueue, t.request.players.size());
        }
        m_byCoreId.erase(it);
    };
    for (const TicketEvent& e : m_output.ticketEvents) {
        if (e.kind == TicketEvent::Kind::Expired) {
            ++m_counts.expired;
            if (const auto it = m_byCoreId.find(e.ticket); it != m_byCoreId.end())
                m_tickets[it->second].outcome.fate = ArrivalFate::Expired;
            leaveQueue(e.ticket);
            hash(0xE0 ^ e.ticket);
        } else if (e.kind == TicketEvent::Kind::Cancelled) {
            leaveQueue(e.ticket);
        }
    }
    for (const MatchFormed& m : m_output.matches) {
        ++m_matches;
        m_recent.recordMatch(std::int64_t(std::floor(m_now)));
        if (m.queue >= 0 && std::size_t(m.queue) < m_matchesByQueue.size())
            ++m_matchesByQueue[std::size_t(m.queue)];
        m_quality.record(m.quality);
        if (m.teamStrength.size() == 2) {
            ++m_twoTeam;
            if (m.team0WinProbability >= 0.4 && m.team0WinProbability <= 0.6)
                ++m_balanced;
        }
        if (m.region >= 0 && std::size_t(m.region) < m_regionFigures.size())
            ++m_regionFigures[std::size_t(m.region)].matchesTotal;
        for (const MatchSlot& slot : m.tickets) {
            ++m_counts.matched;
            m_wait.record(slot.waitSeconds);
            m_recent.recordWait(std::int64_t(std::floor(m_now)), slot.waitSeconds);
            const auto it = m_byCoreId.find(slot.ticket);
            if (it != m_byCoreId.end()) {
                Ticket& t = m_tickets[it->second];
                if (t.region >= 0)
                    m_regionFigures[std::size_t(t.region)].ticketWaitSeconds.record(
                        slot.waitSeconds);
                ArrivalOutcome& o = t.outcome;
                o.fate = ArrivalFate::Matched;
                o.waitSeconds = float(slot.waitSeconds);
                o.quality = float(m.quality);
                o.ratingSpread = float(m.skillSpread);
                int worst = 0;
                for (const PartyMember& p : t.request.players)
                    if (m.region >= 0 && std::size_t(m.region) < p.pingMs.size())
                        worst = std::max(worst, p.pingMs[std::size_t(m.region)]);
                o.pingMs = float(worst);
            }
            leaveQueue(slot.ticket);
        }
        hash(0x3A ^ m.id);
        hash(bitsOf(m.quality));
        hash(std::uint64_t(m.region));
    }
}

ReplayOutcomes ReplayEngine::outcomes() const {
    ReplayOutcomes out;
    out.queues = m_queueNames;
    out.regions = m_matchmaker.config().regions;
    out.regions.emplace_back();  // no region reachable
    out.arrivals.reserve(m_tickets.size());
    for (const Ticket& t : m_tickets)
        out.arrivals.push_back(t.outcome);
    return out;
}

MetricsSnapshot ReplayEngine::snapshot() const {
    MetricsSnapshot s;
    s.source = "replay";
    s.environment = DeploymentEnvironment::Rehearsal;
    s.timeSeconds = m_now;
    s.speed = 0;
    EnvironmentMetrics& e = s.total;
    e.tickets = m_counts;
    e.tickets.searching = std::uint64_t(m_matchmaker.searchingTickets());
    e.matchesTotal = m_matches;
    e.twoTeamMatches = m_twoTeam;
    e.balancedMatches = m_balanced;
    e.ticketWaitSeconds = m_wait;
    e.matchQuality = m_quality;
    m_recent.fill(e, std::int64_t(std::floor(m_now)));
    const std::uint64_t inQueue =
        appendQueueSnapshots(m_matchmaker.queueStatus(m_now), m_matchesByQueue, e.queues);
    s.blue = e;  // a recording is one server's traffic: it replays as blue
    s.playersInQueue = inQueue;
    s.playersOnline = inQueue;
    s.queueDepthPeak = m_peakInQueue;
    s.concurrentPlayersPeak = m_peakPlayers;
    const QueueConfig& config = m_matchmaker.config();
    for (std::size_t r = 0; r < config.regions.size(); ++r)
        s.regions[config.regions[r]] = m_regionFigures[r];
    // Two books: the replay's counts of outcomes, and what the matchmaker
    // itself still holds as searching. A ticket lost or counted twice on
    // either side breaks the equation.
    s.conservationOk = m_counts.created == m_counts.matched + m_counts.expired +
                                               m_counts.cancelled +
                                               std::uint64_t(m_matchmaker.searchingTickets());
    return s;
}

}  // namespace pulsco
