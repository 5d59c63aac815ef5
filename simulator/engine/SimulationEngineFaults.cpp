// Requests and faults: what a request to a colour suffers (core/FaultEffects.h),
// and starting and ending faults with their side effects (region outages drop
// tickets, a bad release swaps the matcher, a surge reschedules arrivals).
// One part of SimulationEngine, split by job; the class and its state are in
// SimulationEngine.h.
#include "simulator/engine/SimulationEngine.h"

#include "core/FaultEffects.h"
#include "simulator/engine/Wording.h"

#include <algorithm>
#include <limits>

namespace pulsco {

using sim::EventType;
using sim::number;
using sim::Party;
using sim::PartyState;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}  // namespace

sim::ServiceOutcome SimulationEngine::request(Color color, bool write, sim::Random& rng) {
    const RequestImpact impact = requestImpact(runningFaults(color), color, write,
                                               [&rng](double share) { return rng.chance(share); });
    sim::Environment& served = env(color);
    const sim::ServiceOutcome outcome = served.service().serve(m_now, rng, impact.addedLatencyMs,
                                                               impact.latencyFactor, impact.fails);
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

int SimulationEngine::cure(FaultKind kind, std::optional<Color> color, const char* remedy) {
    const std::uint8_t mask = color ? std::uint8_t(1u << indexOf(*color)) : std::uint8_t(3);
    std::vector<std::uint32_t> ended;
    int cured = 0;
    for (const std::uint32_t index : m_activeFaults) {
        FaultSlot& slot = m_faults[index];
        const std::uint8_t hit = (hits(slot.spec.target, Color::Blue) ? 1 : 0) |
                                 (hits(slot.spec.target, Color::Green) ? 2 : 0);
        if (slot.spec.kind != kind || (hit & mask & ~slot.cured) == 0)
            continue;
        slot.cured |= std::uint8_t(hit & mask);
        ++cured;
        hash(0xC0DE000000000000ull | (std::uint64_t(slot.cured) << 32) | index);
        log(LogEventKind::FaultEnd, colorOf(slot.spec.target),
            std::string(remedy) + ": " + describeFault(slot.spec) +
                ((slot.cured & hit) == hit ? " over"
                                           : " over on " + std::string(toString(*color))));
        if ((slot.cured & hit) == hit)
            ended.push_back(index);
    }
    for (const std::uint32_t index : ended)
        endFault(index);
    return cured;
}

void SimulationEngine::restartMatcher(std::optional<Color> color) {
    warmUp();
    hash(0x4E57A47000000000ull | (color ? indexOf(*color) + 1 : 0));
    // The tickets stay queued: the engine's matcher keeps them in memory as
    // pulsco-matchd keeps them through its store across a restart.
    if (cure(FaultKind::MatcherStall, color, "matcher restarted") == 0)
        log(LogEventKind::Info, color,
            std::string("matcher restarted on ") + (color ? toString(*color) : "both") +
                ": it was not stalled");
}

void SimulationEngine::failoverStore(std::optional<Color> color) {
    warmUp();
    hash(0xFA110FE000000000ull | (color ? indexOf(*color) + 1 : 0));
    if (cure(FaultKind::StoreLatency, color, "store failed over to its standby") == 0)
        log(LogEventKind::Info, color,
            std::string("store failed over on ") + (color ? toString(*color) : "both") +
                ": the primary was not slow");
}

void SimulationEngine::scaleOut() {
    warmUp();
    hash(0x5CA1E00000000000ull);
    for (const Color c : kColors) {
        sim::ServiceModel& service = env(c).service();
        const int added = service.spec().workers;
        service.addWorkers(added, m_now);
        log(LogEventKind::Info, c,
            "scaled out: API workers " + std::to_string(added) + " -> " +
                std::to_string(service.spec().workers));
    }
}

bool SimulationEngine::shedRegion(const std::string& region, bool shed) {
    const int index = m_scenario.queues.regionIndex(region);
    if (index < 0)
        return false;
    warmUp();
    hash(0x5E0D000000000000ull | (static_cast<std::uint64_t>(index) << 1) | (shed ? 1 : 0));
    RegionMetrics& metrics = m_regions[static_cast<std::size_t>(index)];
    if (metrics.shed == shed) {
        log(LogEventKind::Info, std::nullopt,
            "region " + region + (shed ? " is already shed" : " was not shed"));
        return true;
    }
    metrics.shed = shed;
    // Tickets already searching are matched elsewhere too, on every release.
    const std::vector<int> closed = shedRegions();
    for (const auto& environment : m_env)
        for (const auto& release : environment->releases())
            release->matcher.setClosedRegions(closed);
    log(LogEventKind::Info, std::nullopt,
        shed ? "region " + region +
                   " shed: no match is placed there, its players play in their nearest other region"
             : "region " + region + " back in service");
    return true;
}

std::vector<int> SimulationEngine::shedRegions() const {
    std::vector<int> shed;
    for (std::size_t r = 0; r < m_regions.size(); ++r)
        if (m_regions[r].shed)
            shed.push_back(static_cast<int>(r));
    return shed;
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
        // The server drops the tickets of players it can no longer reach
        // (none when the region is already shed: its players were placed
        // in their nearest other region).
        for (std::uint32_t i = 0; i < m_population.parties.size(); ++i) {
            const Party& p = m_population.parties[i];
            if (p.state != PartyState::Searching || p.region != region || !cutOff(region))
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
            QueueConfig config =
                defectiveRelease(bad.releases().front()->matcher.config(), f.multiplier);
            int& release = slot.releaseOf[indexOf(color)];
            release = static_cast<int>(bad.addRelease(std::move(config), true));
            bad.releases()[static_cast<std::size_t>(release)]->matcher.setClosedRegions(
                shedRegions());
            bad.setActive(static_cast<std::size_t>(release));
        }
        break;
    case FaultKind::Inconsistency:
        // Once, at the start; ending or clearing the fault repairs nothing.
        for (Color color : kColors)
            if (hits(f.target, color) && !corruptBooks(color))
                m_corruptionPending[indexOf(color)] = true;
        break;
    default:
        break;
    }
    if (m_log.on())
        log(LogEventKind::FaultStart, colorOf(f.target),
            "fault started: " + describeFault(f) +
                (f.durationSeconds > 0 ? " for " + number(f.durationSeconds, 0) + " s"
                                       : std::string()));
}

bool SimulationEngine::corruptBooks(Color color) {
    return dropFromMatch(color) || dropTicketAsMatched(color);
}

bool SimulationEngine::dropFromMatch(Color color) {
    // The simulator's "dropped match write": the first live match of the
    // colour (lowest slot, so the same one on every run) forgets its last
    // party. The party stays in a match no record holds — it never plays
    // out, never queues again — while every counter still agrees, so only
    // the integrity audit can see it.
    for (std::uint32_t slot = 0; slot < m_matches.size(); ++slot) {
        ActiveMatch& match = m_matches[slot];
        if (!match.used || match.color != color || match.parties.empty())
            continue;
        const std::uint32_t party = match.parties.back();
        match.parties.pop_back();
        match.teams.pop_back();
        hash(0x1C0E000000000000ull | (static_cast<std::uint64_t>(slot) << 24) | party);
        return true;
    }
    return false;
}

bool SimulationEngine::dropTicketAsMatched(Color color) {
    // No live match on the colour yet (green just took its first tickets):
    // the first searching party's ticket leaves the queue as if matched, but
    // no match is recorded. The ticket is counted as it goes and the party
    // moves to "in a match" through setState, so again every counter agrees;
    // the party is in a match no record holds, for good.
    for (std::uint32_t index = 0; index < m_population.parties.size(); ++index) {
        Party& p = m_population.parties[index];
        if (p.state != PartyState::Searching || kColors[p.color] != color)
            continue;
        sim::Release& release = *env(color).releases()[p.release];
        release.partyOfTicket.erase(p.ticket);
        if (release.matcher.cancel(p.ticket, m_now))
            drain(color, p.release);
        setState(p, PartyState::InMatch);
        hash(0x1C0F000000000000ull | index);
        return true;
    }
    return false;
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
    if (m_log.on())
        log(LogEventKind::FaultEnd, colorOf(f.target), "fault ended: " + describeFault(f));
}

}  // namespace pulsco
