// A load scenario as the simulator runs it: population, service capacity,
// blue/green traffic, faults on a timeline and k6-style thresholds.
// Plain C++; loaded and validated from JSON by simulator/ScenarioJson.h,
// documented field by field in docs/scenario-format.md.
#pragma once

#include "core/Fault.h"
#include "core/QueueRules.h"
#include "simulator/engine/Threshold.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pulsco {

// Target number of players online at a moment; linear between points.
struct OnlinePoint {
    double atSeconds = 0;
    double players = 0;
};

struct RegionShare {
    std::string region;  // a name of QueueConfig::regions
    double share = 0;    // of the population; shares are normalised
};

// Which queue a party picks, and how long its matches last.
struct QueueMix {
    std::string queue;  // a name of QueueConfig::queues
    double share = 1;
    double matchMeanSeconds = 1800;
    double matchStdDevSeconds = 300;
};

// Share of *players* who play in groups of `size` (friends who party up).
struct PartyShare {
    int size = 1;
    double share = 0;
};

struct PopulationSpec {
    int players = 1000;               // synthetic players in the pool
    std::vector<OnlinePoint> online;  // target concurrent players; empty = all of them
    double skillMean = 25.0;          // hidden true skill, on the rating's mu scale
    double skillStdDev = 25.0 / 3.0;
    std::vector<RegionShare> regions;  // empty = even over the config's regions
    double homePingMinMs = 15, homePingMaxMs = 45;
    double remotePingMinMs = 80, remotePingMaxMs = 220;
    std::vector<PartyShare> parties;   // empty = defaults (see docs/scenario-format.md)
    std::vector<QueueMix> queues;      // empty = every queue, equal shares
    double sessionMeanSeconds = 5400;  // time online before logging off (after the match in play)
    double breakMeanSeconds = 45;      // between a match's end and queueing again
    double patienceMeanSeconds = 300;  // median wait before a party cancels (lognormal)
    double pollIntervalSeconds = 5;    // ticket status polls while searching
    double retrySeconds = 5;           // after a failed enqueue
    int maxRetries = 3;                // failed enqueues in a row before logging off
};

// The API the players call (enqueue, poll, cancel, report result).
struct ServiceSpec {
    int workers = 16;
    double serviceMedianMs = 8;  // lognormal service time
    double serviceP95Ms = 30;
    int queueLimit = 500;     // requests waiting for a worker beyond this get 503
    double timeoutMs = 5000;  // the client gives up (error "timeout")
    double networkMs = 4;     // added to every request's latency
};

struct TrafficSpec {
    int greenWeightPercent = 0;  // share of new tickets routed to green
};

struct Scenario {
    std::string name;
    std::string description;
    std::string sourceName;  // the file or resource it came from
    std::uint64_t seed = 1;
    double durationSeconds = 3600;
    double warmupSeconds = 0;  // simulated before the run starts; metrics reset after it
    double speed = 1;          // default speed for the console; 0 = as fast as possible
    double tickSeconds = 1;    // the matchmaker's tick interval
    PopulationSpec population;
    ServiceSpec service;
    TrafficSpec traffic;
    std::vector<FaultSpec> faults;  // at_s relative to the run's start (after warmup)
    std::vector<Threshold> thresholds;
    QueueConfig queues;  // resolved: the file's "queues" or the shipped queues.json
    std::optional<QueueConfig> greenQueues;  // green's own release, when it differs
};

// The same scenario with another population size; the online curve scales
// with it (the service does not: more players on the same API is the point
// of a load rehearsal). Used by pulsco-sim --players and the console's picker.
inline Scenario withPlayers(Scenario scenario, int players) {
    const double scale = static_cast<double>(players) / scenario.population.players;
    scenario.population.players = players;
    for (OnlinePoint& point : scenario.population.online)
        point.players = std::round(point.players * scale);
    return scenario;
}

}  // namespace pulsco
