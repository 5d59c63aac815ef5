// Replays a recording of pulsco-matchd's arrival stream (core/Recording.h)
// through the real core Matchmaker on a virtual clock: each recorded ticket
// arrives at its recorded time (relative to the first), each recorded
// cancel cancels it if it still searches, and the matchmaker ticks as the
// server does. The same recording, rules and seed give the same matches and
// the same trace hash. Plain C++ over core, like the simulation engine.
//
// `amplify` K adds K-1 copies of every arrival, each later by a jitter drawn
// from the seed (below `jitterSeconds`), with new ticket and player ids and
// the same queue, ratings and pings; a copy's cancel keeps the original's
// delay. Recorded results and gaps are not replayed: matches form anew.
#pragma once

#include "core/Matchmaker.h"
#include "core/MetricsSnapshot.h"
#include "core/QueueRules.h"
#include "core/RecentWindow.h"
#include "core/Recording.h"
#include "core/ReplayComparison.h"
#include "simulator/engine/ReplaySchedule.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pulsco {

struct ReplayOptions {
    double tickSeconds = 0.25;  // pulsco-matchd's default --tick-ms
    int amplify = 1;
    double jitterSeconds = 1.0;
    std::uint64_t seed = 1;
};

// Arrivals fed to the matchmaker (accepted or not), exactly counted.
struct ReplayArrivals {
    std::uint64_t total = 0;
    std::map<std::string, std::uint64_t> byQueue;
    std::map<int, std::uint64_t> byPartySize;
    std::map<std::string, std::uint64_t> byHomeRegion;  // "" when no region is reachable
    bool operator==(const ReplayArrivals&) const = default;
};

class ReplayEngine {
public:
    // `recordedRegions`: the recording header's regions, the order of the
    // recorded pings; they are matched to the rules' regions by name (a
    // region the rules do not have is dropped, one they add is unreachable:
    // both said in notes()).
    ReplayEngine(QueueConfig rules, const std::vector<std::string>& recordedRegions,
                 const std::vector<RecordedEvent>& events, ReplayOptions options = {});
    ~ReplayEngine();
    ReplayEngine(const ReplayEngine&) = delete;
    ReplayEngine& operator=(const ReplayEngine&) = delete;

    // Run time at which every arrival has come and every ticket has had
    // its longest possible wait.
    double durationSeconds() const { return m_duration; }
    double runTime() const { return m_now; }
    bool finished() const { return m_now >= m_duration; }
    // Processes every arrival, cancel and tick up to `runSeconds`; returns
    // the events processed.
    std::uint64_t advanceTo(double runSeconds);

    MetricsSnapshot snapshot() const;
    const ReplayArrivals& arrivals() const { return m_arrivals; }
    // Tickets the rules refused, by the matchmaker's reason.
    const std::map<std::string, std::uint64_t>& refused() const { return m_refused; }
    const std::vector<std::string>& notes() const { return m_notes; }
    std::uint64_t traceHash() const { return m_hash; }
    std::uint64_t eventsProcessed() const { return m_events; }
    // One outcome per arrival (copies included), in the schedule's build
    // order: the same index is the same party in every replay of one
    // recording with one amplify and seed, whatever the rules
    // (core/ReplayComparison.h).
    ReplayOutcomes outcomes() const;

private:
    struct Ticket {
        TicketRequest request;
        TicketId coreId = 0;
        int region = -1;  // home region index in the rules, -1 none
        ArrivalOutcome outcome;
    };
    void arrive(Ticket& ticket);
    void tick();
    void hash(std::uint64_t value);

    Matchmaker m_matchmaker;
    std::vector<Ticket> m_tickets;
    std::vector<ReplayItem> m_schedule;
    std::size_t m_next = 0;
    double m_now = 0;
    double m_nextTick = 0;
    double m_duration = 0;
    ReplayOptions m_options;
    ReplayArrivals m_arrivals;
    std::map<std::string, std::uint64_t> m_refused;
    std::vector<std::string> m_notes;
    std::map<TicketId, std::uint32_t> m_byCoreId;
    MatchmakerOutput m_output;
    std::vector<std::string> m_queueNames;  // as recorded, in order of first arrival

    TicketCounts m_counts;
    std::uint64_t m_matches = 0;
    std::uint64_t m_twoTeam = 0, m_balanced = 0;
    Histogram m_wait, m_quality;
    RecentWindow m_recent;            // the last 60 s of run time, as a server keeps them
    std::uint64_t m_peakInQueue = 0;  // tickets searching at once
    std::uint64_t m_peakPlayers = 0;  // players searching at once
    std::vector<RegionMetrics> m_regionFigures;
    std::vector<std::uint64_t> m_matchesByQueue;
    std::uint64_t m_hash = 14695981039346656037ull;
    std::uint64_t m_events = 0;
};

}  // namespace pulsco
