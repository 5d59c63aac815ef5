// What a drill fault does, stated once. The simulator and pulsco-matchd both
// play faults through these functions, so a fault hits the same colour, adds
// the same latency, fails the same share of requests, stalls the same
// matcher and is worded the same way wherever the console shows it.
//
// `running` is any range of the FaultSpecs in force now (the caller knows
// when a fault starts and ends: simulated time or the server's clock).
// `chance(share)` is one random draw that is true for `share` of calls; the
// caller owns the random numbers, so the simulator stays deterministic.
#pragma once

#include "core/Fault.h"
#include "core/QueueRules.h"

#include <optional>
#include <string>

namespace pulsco {

// Whether a fault aimed at `target` hits colour `color`.
constexpr bool hits(FaultTarget target, Color color) {
    return target == FaultTarget::Both || (target == FaultTarget::Blue && color == Color::Blue) ||
           (target == FaultTarget::Green && color == Color::Green);
}

// The colours a fault's events belong to: nullopt when it hits both.
constexpr std::optional<Color> colorOf(FaultTarget target) {
    if (target == FaultTarget::Both)
        return std::nullopt;
    return target == FaultTarget::Green ? Color::Green : Color::Blue;
}

struct RequestImpact {
    double addedLatencyMs = 0;
    double latencyFactor = 1.0;  // the time spent in the server is multiplied by it
    bool fails = false;          // answered 503
};

// One API request served by `color`: each latency fault adds its latency to
// `share` of requests, each latency_factor fault multiplies the server's time
// for `share` of them, each error_rate fault fails `share` of them, and a
// store_latency fault slows writes (`write`) by its latency. One draw per
// latency, latency_factor or error_rate fault that hits the colour, in the
// order given.
template <typename Faults, typename Chance>
RequestImpact requestImpact(const Faults& running, Color color, bool write, Chance&& chance) {
    RequestImpact impact;
    for (const FaultSpec& f : running) {
        if (!hits(f.target, color))
            continue;
        switch (f.kind) {
        case FaultKind::Latency:
            if (chance(f.share))
                impact.addedLatencyMs += f.latencyMs;
            break;
        case FaultKind::LatencyFactor:
            if (chance(f.share))
                impact.latencyFactor *= f.multiplier;
            break;
        case FaultKind::StoreLatency:
            if (write)
                impact.addedLatencyMs += f.latencyMs;
            break;
        case FaultKind::ErrorRate:
            if (chance(f.share))
                impact.fails = true;
            break;
        default:
            break;
        }
    }
    return impact;
}

// Whether a matcher_stall fault stops the matchmaker of `color`.
template <typename Faults>
bool matcherStalled(const Faults& running, Color color) {
    for (const FaultSpec& f : running)
        if (f.kind == FaultKind::MatcherStall && hits(f.target, color))
            return true;
    return false;
}

// The time store_latency faults add to each store commit of `color`.
template <typename Faults>
double storeLatencyMs(const Faults& running, Color color) {
    double ms = 0;
    for (const FaultSpec& f : running)
        if (f.kind == FaultKind::StoreLatency && hits(f.target, color))
            ms += f.latencyMs;
    return ms;
}

// How much player_surge faults multiply arrivals (1 without one).
template <typename Faults>
double arrivalMultiplier(const Faults& running) {
    double m = 1.0;
    for (const FaultSpec& f : running)
        if (f.kind == FaultKind::PlayerSurge)
            m *= f.multiplier;
    return m;
}

// How much the bad_release faults running on `color` multiply the skill
// windows (1 without one; several multiply).
template <typename Faults>
double releaseSkillFactor(const Faults& running, Color color) {
    double m = 1.0;
    for (const FaultSpec& f : running)
        if (f.kind == FaultKind::BadRelease && hits(f.target, color))
            m *= f.multiplier;
    return m;
}

// The rules a bad_release runs: the shipped ones with every skill window
// step x `skillFactor` (e.g. 0.05: no party is ever close enough, waits
// explode; 20: anyone plays anyone).
QueueConfig defectiveRelease(QueueConfig shipped, double skillFactor);

// The one wording of a fault, e.g. "latency +300 ms on 50 % of requests,
// green" or "matcher stall, both". `where` names the colour instead of the
// fault's target: a server says which colour it is ("…, blue") even when the
// fault was posted for both.
std::string describeFault(const FaultSpec& fault, std::optional<Color> where = std::nullopt);

}  // namespace pulsco
