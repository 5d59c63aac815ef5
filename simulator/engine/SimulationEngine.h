// The discrete-event simulation: synthetic players driving the real core
// Matchmaker of each color on a virtual clock. Plain C++ (no Qt); no wall
// clock except to measure the matchmaker's own tick time and how long an
// integrity cross-check took (neither feeds back). Deterministic: the
// same scenario and seed give the same event trace (and trace hash).
#pragma once

#include "core/LogEvent.h"
#include "core/MetricsSnapshot.h"
#include "simulator/engine/BreachWatch.h"
#include "simulator/engine/Environment.h"
#include "simulator/engine/EventLogBuffer.h"
#include "simulator/engine/EventQueue.h"
#include "simulator/engine/IntegrityCheck.h"
#include "simulator/engine/PlayerPopulation.h"
#include "simulator/engine/Random.h"
#include "simulator/engine/RunSummary.h"
#include "simulator/engine/Scenario.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pulsco {

class SimulationEngine {
public:
    explicit SimulationEngine(Scenario scenario);
    ~SimulationEngine();
    SimulationEngine(const SimulationEngine&) = delete;
    SimulationEngine& operator=(const SimulationEngine&) = delete;

    const Scenario& scenario() const { return m_scenario; }

    // Simulates the scenario's warmup (if not done yet) and resets the
    // metrics, so that run time 0 is a steady state.
    void warmUp();
    // Processes every event up to run time `runSeconds` (after warmup) and
    // stops there; returns events processed.
    std::uint64_t advanceTo(double runSeconds);
    // Same, but returns early after `maxEvents` (for slicing on a worker).
    std::uint64_t advanceTo(double runSeconds, std::uint64_t maxEvents);
    double runTime() const { return m_now - m_warmup; }  // seconds since the run's start
    bool finished() const { return runTime() >= m_scenario.durationSeconds; }

    // Commands, effective at the current simulated time.
    // A fault's at_s is a delay from now; duration_s 0 = until cleared.
    void injectFault(const FaultSpec& fault);
    void clearFaults();
    void setTrafficWeight(int greenPercent);
    int trafficWeight() const { return m_weight; }
    std::vector<std::string> activeFaults() const;

    // Remedies (drills, issue 22): each does what it says, on `color`'s side
    // or, without one, on both. The fault it answers stops acting there
    // because the operation removed its cause, not because a drill ended it.
    // The matcher restarts: a running matcher_stall no longer stalls it (its
    // tickets are kept, as pulsco-matchd keeps them through its store).
    void restartMatcher(std::optional<Color> color);
    // The store fails over to its standby: a running store_latency no longer
    // slows its writes.
    void failoverStore(std::optional<Color> color);
    // Twice the API workers on both colours: capacity for a surge.
    void scaleOut();
    // Sheds `region` (or puts it back in service with shed = false): no new
    // ticket is placed there, and its players are sent to their nearest
    // other region — through it they reach the service again while the
    // region itself is out. Tickets already searching keep their pings.
    // False for a region the scenario does not have.
    bool shedRegion(const std::string& region, bool shed);

    // Everything measured so far (source, sequence, wall time, speed and
    // paused are left for the caller).
    MetricsSnapshot snapshot() const;
    RunSummary summary() const;  // thresholds judged on the figures so far
    std::uint64_t traceHash() const { return m_hash; }
    std::uint64_t eventsProcessed() const { return m_events; }
    bool conservationOk() const;
    // The last completed audit of the engine's books (IntegrityCheck.h),
    // run every IntegrityCheck::kPeriodSeconds of run time; none before the
    // first. The snapshot's `integrity`.
    const std::optional<IntegrityReport>& integrity() const { return m_integrity; }

    // The event log (matches, expiries, faults...). Off by default; when on,
    // at most `cap` events wait to be taken, the rest are only counted.
    void enableLog(std::size_t cap);
    std::vector<LogEvent> takeLog();
    std::uint64_t logDropped() const { return m_log.dropped(); }

private:
    using ActiveMatch = sim::MatchRecord;
    struct FaultSlot {
        FaultSpec spec;
        double start = 0, end = 0;  // absolute simulated times; end = inf when open
        bool active = false, done = false;
        std::uint32_t generation = 0;
        int releaseOf[2] = {-1, -1};  // BadRelease: the release it switched to, per color
        // Colours whose remedy removed this fault's cause (bit per colour
        // index): it no longer acts there.
        std::uint8_t cured = 0;
    };

    void process(const sim::Event& e);
    void hash(std::uint64_t value);
    void log(LogEventKind kind, std::optional<Color> color, std::string text);

    // Party life.
    void login(std::uint32_t party, double firstActionDelay);
    void logoff(std::uint32_t party);
    void setState(sim::Party& p, sim::PartyState state);
    void queueUp(std::uint32_t party);
    void enqueueDone(std::uint32_t party);
    void poll(std::uint32_t party);
    void patience(std::uint32_t party);
    void afterSearch(std::uint32_t party, bool logOffLikely);
    void matchEnd(std::uint32_t slot);
    void arrival(bool recheckOnly);
    void scheduleArrival();
    double arrivalsPerSecond() const;
    double targetOnline(double runSeconds) const;

    // Matchmaker calls and what they produce.
    void tick(Color color);
    void drain(Color color, std::size_t release);
    void onMatch(Color color, std::size_t release, const MatchFormed& match);
    sim::Environment& env(Color color) { return *m_env[indexOf(color)]; }

    // Requests and faults.
    sim::ServiceOutcome request(Color color, bool write, sim::Random& rng);
    void startFault(std::uint32_t slot);
    // The inconsistency fault: corrupts one record of `color` so that a
    // party is in a match no record holds (for good); false when the colour
    // has neither a live match nor a searching party to corrupt yet.
    bool corruptBooks(Color color);
    bool dropFromMatch(Color color);        // a live match forgets a party
    bool dropTicketAsMatched(Color color);  // a ticket leaves, no match recorded
    void endFault(std::uint32_t slot);
    // A remedy: faults of `kind` stop acting on `color` (both: every colour);
    // one cured wherever it hit ends. Returns how many it cured.
    int cure(FaultKind kind, std::optional<Color> color, const char* remedy);
    // The specs of the faults in force, as a range for core/FaultEffects.h.
    // A plain iterator, not std::views::transform: clang 14 (the fuzz
    // build's compiler) cannot compile libstdc++ 12's <ranges>.
    class RunningFaults {
    public:
        // Skips the faults a remedy cured on the colour asked about
        // (`curedMask` 0: none is skipped).
        struct Iterator {
            const std::vector<FaultSlot>* table;  // not "slots": Qt defines it
            const std::uint32_t* at;
            const std::uint32_t* end;
            std::uint8_t curedMask;
            const FaultSpec& operator*() const { return (*table)[*at].spec; }
            Iterator& operator++() {
                ++at;
                skipCured();
                return *this;
            }
            void skipCured() {
                while (curedMask != 0 && at != end && ((*table)[*at].cured & curedMask) != 0)
                    ++at;
            }
            bool operator!=(const Iterator& other) const { return at != other.at; }
        };
        RunningFaults(const std::vector<FaultSlot>& table, const std::vector<std::uint32_t>& active,
                      std::uint8_t curedMask = 0)
            : m_slots(table)
            , m_active(active)
            , m_curedMask(curedMask) {}
        Iterator begin() const {
            const std::uint32_t* last = m_active.data() + m_active.size();
            Iterator it{&m_slots, m_active.data(), last, m_curedMask};
            it.skipCured();
            return it;
        }
        Iterator end() const {
            const std::uint32_t* last = m_active.data() + m_active.size();
            return {&m_slots, last, last, m_curedMask};
        }

    private:
        const std::vector<FaultSlot>& m_slots;
        const std::vector<std::uint32_t>& m_active;
        std::uint8_t m_curedMask;
    };
    // Every fault in force, whichever colours a remedy cured.
    RunningFaults runningFaults() const { return {m_faults, m_activeFaults}; }
    // The faults in force that still act on `color`.
    RunningFaults runningFaults(Color color) const {
        return {m_faults, m_activeFaults, std::uint8_t(1u << indexOf(color))};
    }
    bool regionOut(int region) const { return m_regionOut[static_cast<std::size_t>(region)] > 0; }
    bool regionShed(int region) const { return m_regions[static_cast<std::size_t>(region)].shed; }
    // A party homed in `region` cannot reach the service: the region is out
    // and nobody has sent its players elsewhere.
    bool cutOff(int region) const { return regionOut(region) && !regionShed(region); }
    std::vector<int> shedRegions() const;  // indices, ascending

    void resetMetrics();
    // Live threshold checks on the recent window, logged as Breach events.
    void checkBreaches();
    // The integrity audit over the books, kept for the snapshot.
    void auditBooks();

    Scenario m_scenario;
    double m_warmup = 0;
    bool m_warmedUp = false;
    bool m_warmingUp = false;  // inside warmUp(): nothing is logged or judged
    double m_now = 0;
    sim::PlayerPopulation m_population;
    std::array<std::unique_ptr<sim::Environment>, 2> m_env;
    std::array<std::uint64_t, 2> m_searchingParties{0, 0};
    sim::EventQueue m_calendar;
    sim::Random m_rngArrivals, m_rngSessions, m_rngOutcomes, m_rngService, m_rngRouting;
    std::vector<std::uint32_t> m_offline;
    std::vector<ActiveMatch> m_matches;
    std::vector<std::uint32_t> m_freeMatches;
    std::vector<FaultSlot> m_faults;
    std::vector<std::uint32_t> m_activeFaults;
    std::vector<int> m_regionOut;
    std::uint32_t m_arrivalGeneration = 0;
    int m_weight = 0;
    MatchmakerOutput m_output;

    // Counters and gauges.
    std::uint64_t m_online = 0, m_inQueue = 0, m_inMatch = 0, m_peak = 0;
    std::vector<RegionMetrics> m_regions;
    std::uint64_t m_queueDepthMax = 0;
    Histogram m_tickMs;
    std::uint64_t m_events = 0;
    std::uint64_t m_hash = 14695981039346656037ull;
    std::uint64_t m_refused = 0;

    sim::EventLogBuffer m_log;
    sim::BreachWatch m_breaches{&m_scenario.thresholds};
    sim::IntegrityCheck m_audit;
    std::optional<IntegrityReport> m_integrity;
    double m_nextAudit = sim::IntegrityCheck::kPeriodSeconds;  // run time of the next audit
    // An inconsistency fault started while its colour had nothing to
    // corrupt: the next ticket or match there is corrupted instead.
    std::array<bool, 2> m_corruptionPending{false, false};

    // Reused buffers (no allocation per event).
    std::vector<Team> m_teams;
    std::vector<int> m_ranks;
    std::vector<std::vector<std::uint32_t>> m_teamPlayers;
    std::vector<double> m_performance;
};

}  // namespace pulsco
