#include "core/Fault.h"

#include <array>
#include <cmath>
#include <string_view>
#include <utility>

namespace pulsco {

namespace {

template <typename Enum, std::size_t N>
using NameTable = std::array<std::pair<Enum, const char*>, N>;

constexpr NameTable<FaultKind, 9> kFaultKinds{{
    {FaultKind::Latency, "latency"},
    {FaultKind::ErrorRate, "error_rate"},
    {FaultKind::MatcherStall, "matcher_stall"},
    {FaultKind::RegionOutage, "region_outage"},
    {FaultKind::PlayerSurge, "player_surge"},
    {FaultKind::BadRelease, "bad_release"},
    {FaultKind::StoreLatency, "store_latency"},
    {FaultKind::Inconsistency, "inconsistency"},
    {FaultKind::LatencyFactor, "latency_factor"},
}};

constexpr NameTable<FaultTarget, 3> kTargets{{
    {FaultTarget::Blue, "blue"},
    {FaultTarget::Green, "green"},
    {FaultTarget::Both, "both"},
}};

template <typename Enum, std::size_t N>
const char* nameOf(const NameTable<Enum, N>& table, Enum value) {
    for (const auto& [entry, name] : table) {
        if (entry == value)
            return name;
    }
    return "unknown";
}

template <typename Enum, std::size_t N>
std::optional<Enum> valueOf(const NameTable<Enum, N>& table, const std::string& name) {
    for (const auto& [entry, entryName] : table) {
        if (name == std::string_view(entryName))
            return entry;
    }
    return std::nullopt;
}

bool finiteAtLeast(double value, double minimum) {
    return std::isfinite(value) && value >= minimum;
}

}  // namespace

const char* toString(FaultKind kind) {
    return nameOf(kFaultKinds, kind);
}

std::optional<FaultKind> faultKindFromString(const std::string& name) {
    return valueOf(kFaultKinds, name);
}

const char* toString(FaultTarget target) {
    return nameOf(kTargets, target);
}

std::optional<FaultTarget> faultTargetFromString(const std::string& name) {
    return valueOf(kTargets, name);
}

std::string validate(const FaultSpec& fault) {
    if (!finiteAtLeast(fault.atSeconds, 0))
        return "at_s: must be a finite number >= 0";
    if (!finiteAtLeast(fault.durationSeconds, 0))
        return "duration_s: must be a finite number >= 0 (0 = until cleared)";
    switch (fault.kind) {
    case FaultKind::Latency:
    case FaultKind::StoreLatency:
        if (!std::isfinite(fault.latencyMs) || fault.latencyMs <= 0 || fault.latencyMs > 600000)
            return "latency_ms: must be a number > 0 and <= 600000";
        if (fault.kind == FaultKind::Latency && !(fault.share > 0 && fault.share <= 1))
            return "share: must be a number > 0 and <= 1";
        break;
    case FaultKind::ErrorRate:
        if (!(fault.share > 0 && fault.share <= 1))
            return "share: must be a number > 0 and <= 1";
        break;
    case FaultKind::LatencyFactor:
        // Below 1 it would make a release faster, which is no fault.
        if (!std::isfinite(fault.multiplier) || fault.multiplier <= 1 || fault.multiplier > 100)
            return "multiplier: must be a number > 1 and <= 100 (the server's time is multiplied)";
        if (!(fault.share > 0 && fault.share <= 1))
            return "share: must be a number > 0 and <= 1";
        break;
    case FaultKind::PlayerSurge:
    case FaultKind::BadRelease:
        if (!std::isfinite(fault.multiplier) || fault.multiplier <= 0 || fault.multiplier > 1000)
            return "multiplier: must be a number > 0 and <= 1000";
        break;
    case FaultKind::RegionOutage:
        if (fault.region.empty())
            return "region: must name the region that goes out";
        break;
    case FaultKind::MatcherStall:
    case FaultKind::Inconsistency:
        break;
    }
    return {};
}

}  // namespace pulsco
