// Faults the simulator (and a staging pulsco-matchd) can inject for drills.
#pragma once

#include "core/Color.h"

#include <array>
#include <optional>
#include <string>

namespace pulsco {

enum class FaultKind {
    Latency,       // latencyMs added to a share of requests
    ErrorRate,     // a share of requests fail with 503
    MatcherStall,  // tick() stops running
    RegionOutage,  // players of `region` cannot reach the service
    PlayerSurge,   // arrivals multiplied by `multiplier`
    BadRelease,    // green runs a defective queue config (skill window x `multiplier`)
    StoreLatency,  // the server's store answers latencyMs slower (matchd only)
    // Really corrupts the books once, when it starts (a match's store write
    // dropped, a stored ticket state flipped; the simulator its own
    // equivalent), for the integrity audit to find. Staging only.
    Inconsistency,
    // A slower release: a share of API requests take `multiplier` times as
    // long, as the API latency histogram measures them (green's latency
    // x1.2). The simulator multiplies the modelled latency, network included;
    // pulsco-matchd, whose histogram times the server alone, holds each
    // answer back until it has taken `multiplier` times its own time.
    LatencyFactor,
};

// Every kind, in the order menus and the JSON schema list them.
inline constexpr std::array<FaultKind, 9> kAllFaultKinds{
    FaultKind::Latency,      FaultKind::LatencyFactor, FaultKind::ErrorRate,
    FaultKind::MatcherStall, FaultKind::RegionOutage,  FaultKind::PlayerSurge,
    FaultKind::BadRelease,   FaultKind::StoreLatency,  FaultKind::Inconsistency,
};

const char* toString(FaultKind kind);  // "latency", "error_rate", ...
std::optional<FaultKind> faultKindFromString(const std::string& name);

enum class FaultTarget { Blue, Green, Both };
const char* toString(FaultTarget target);  // "blue" / "green" / "both"
std::optional<FaultTarget> faultTargetFromString(const std::string& name);

struct FaultSpec {
    FaultKind kind = FaultKind::Latency;
    double atSeconds = 0;        // start, relative to the run's start
    double durationSeconds = 0;  // 0 = until cleared
    FaultTarget target = FaultTarget::Both;
    double latencyMs = 0;     // Latency, StoreLatency
    double share = 1.0;       // Latency, LatencyFactor, ErrorRate: share of requests hit (0..1)
    double multiplier = 1.0;  // PlayerSurge, BadRelease, LatencyFactor
    std::string region;       // RegionOutage
    bool operator==(const FaultSpec&) const = default;
};

// "" when valid, else "<field>: <why>" (field names as in the JSON files).
std::string validate(const FaultSpec& fault);

}  // namespace pulsco
