// The scenario's synthetic players on a real clock, playing against a live
// API through a LoadPort: parties come online along the scenario's curve,
// enqueue (blue or green by the scenario's weight), poll their ticket on a
// fixed schedule (open model: the next poll is due at a planned time, not
// after the previous answer), cancel when out of patience, report results,
// take a break and queue again. Aggregates client-side figures for the same
// RunSummary in-process runs produce.
#pragma once

#include "core/Histogram.h"
#include "core/MetricsSnapshot.h"
#include "simulator/engine/LoadPort.h"
#include "simulator/engine/PlayerPopulation.h"
#include "simulator/engine/RunSummary.h"
#include "simulator/engine/Scenario.h"

#include <array>
#include <queue>
#include <set>
#include <string>
#include <vector>

namespace pulsco {

struct EndpointFigures {
    Histogram latencyMs;
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
};

class LivePlayers {
public:
    // `runTag` makes player ids unique per run (a live server remembers
    // players with live tickets from earlier runs).
    LivePlayers(const Scenario& scenario, LoadPort& port, std::string runTag);

    // Issues every action due by `nowMs`; returns when the next one is due.
    double runDue(double nowMs);
    // Stops issuing new requests; answers still arriving are counted.
    void stop() { m_stopped = true; }
    std::uint64_t inFlight() const { return m_inFlight; }

    const EnvironmentMetrics& metrics(Color color) const { return m_env[indexOf(color)]; }
    EnvironmentMetrics total() const;
    const std::array<EndpointFigures, kLoadEndpointCount>& endpoints() const { return m_endpoints; }
    // Ticket ids the server acknowledged with 201, per color.
    const std::vector<std::string>& acknowledged(Color color) const {
        return m_acked[indexOf(color)];
    }
    std::uint64_t peakOnline() const { return m_peakOnline; }

    // The same figures an in-process run reports, judged by the scenario.
    RunSummary summary(double wallSeconds) const;

private:
    struct Due {
        double atMs;
        std::uint32_t party;
        std::uint32_t generation;
        bool operator>(const Due& o) const { return atMs > o.atMs; }
    };
    struct LiveParty {
        std::uint32_t generation = 0;
        bool online = false, busy = false, searching = false;
        Color color = Color::Blue;
        int queue = -1;
        std::string ticket;
        double searchStartMs = 0, patienceMs = 0, nextPollMs = 0;
    };
    void schedule(std::uint32_t party, double atMs);
    void act(std::uint32_t party, double nowMs);
    void enqueue(std::uint32_t party, double intendedMs);
    void poll(std::uint32_t party, double intendedMs);
    void onEnqueued(std::uint32_t party, const LoadReply& reply);
    void onPolled(std::uint32_t party, const LoadReply& reply);
    void record(LoadEndpoint endpoint, Color color, const LoadReply& reply);
    void rest(std::uint32_t party, double fromMs, double meanSeconds);
    double targetOnline(double nowMs) const;

    const Scenario& m_scenario;
    LoadPort& m_port;
    std::string m_runTag;
    sim::PlayerPopulation m_population;
    sim::Random m_rng;
    std::vector<LiveParty> m_parties;
    std::vector<std::uint32_t> m_offline;
    std::priority_queue<Due, std::vector<Due>, std::greater<Due>> m_due;
    std::array<EnvironmentMetrics, 2> m_env;
    std::array<EndpointFigures, kLoadEndpointCount> m_endpoints;
    std::array<std::vector<std::string>, 2> m_acked;
    std::set<std::string> m_reportedMatches;
    std::uint64_t m_onlinePlayers = 0, m_peakOnline = 0, m_inFlight = 0;
    bool m_stopped = false;
};

}  // namespace pulsco
