// The figures of a finished (or running) simulation that reports and
// thresholds use: what pulsco-sim prints and writes to its JSON report.
#pragma once

#include "core/MetricsSnapshot.h"
#include "simulator/engine/Threshold.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pulsco {

struct ScopeFigures {
    TicketCounts tickets;
    std::uint64_t matches = 0;
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
    double errorRate = 0;  // errors / requests (0 without requests)
    double latencyP50Ms = 0, latencyP95Ms = 0, latencyP99Ms = 0;
    double waitP50S = 0, waitP95S = 0, waitP99S = 0;
    double expiredRate = 0;    // expired / created
    double cancelledRate = 0;  // cancelled / created
    double balancedMatchShare = 0;
    bool hasLatency = false, hasWait = false, hasBalance = false;
};

struct RunSummary {
    std::string scenario;
    std::string target;  // --target runs: the servers played against; "" in-process
    std::uint64_t seed = 0;
    double simulatedSeconds = 0;  // after warmup
    double warmupSeconds = 0;
    int players = 0;
    std::uint64_t concurrentPlayersPeak = 0;
    ScopeFigures total, blue, green;
    std::uint64_t queueDepthMax = 0;  // searching tickets, both colors, at any tick
    double ratingCorrelation = 0;     // Spearman, true skill vs mu, players with >= 1 match
    std::uint64_t ratedPlayers = 0;
    double tickP50Ms = 0, tickP99Ms = 0, tickMaxMs = 0;  // measured for real
    std::uint64_t ticks = 0;
    std::uint64_t events = 0;  // simulated events processed (warmup included)
    std::uint64_t traceHash = 0;
    bool conservationOk = true;
    std::vector<ThresholdResult> thresholds;
    bool passed() const;

    // Judges each bar on the run's figures as `finalSnapshot` holds them
    // (MetricCatalog reads them; see Threshold::runValue).
    void judge(const std::vector<Threshold>& bars, const MetricsSnapshot& finalSnapshot);
};

// Spearman rank correlation; 0 with fewer than two pairs or no variance.
double spearman(const std::vector<double>& a, const std::vector<double>& b);

ScopeFigures figuresOf(const EnvironmentMetrics& m);

}  // namespace pulsco
