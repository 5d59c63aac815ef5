// Availability measured as time: the spans a service was up, as recorded by
// the servers (heartbeat rows on their own disk) and observed by the console
// (its /readyz probes), and the share of a window they cover. "Uptime" used
// to be 1 - errors/requests since the process started: a server that is down
// answers nothing, so it made no errors, and the counters restarted with the
// process. Here a gap in the record is downtime, and the window says which
// stretch of time a figure covers (docs/expressions.md, "uptime").
#pragma once

#include <vector>

namespace pulsco {

// [from, to) in seconds on the history's clock.
struct UpSpan {
    double from = 0;
    double to = 0;
    double length() const { return to - from; }
    bool operator==(const UpSpan&) const = default;
};

// What a source knows of its own availability. The clock is Unix seconds
// for live servers and simulated seconds for the simulator. Before
// `fromSeconds` nothing is known (no history, neither up nor down); from
// there to `nowSeconds`, time outside every span was down.
struct AvailabilityHistory {
    double fromSeconds = 0;
    double nowSeconds = 0;
    std::vector<UpSpan> up;  // sorted, disjoint, inside [fromSeconds, nowSeconds]
    bool operator==(const AvailabilityHistory&) const = default;
};

// The figure over the last `windowSeconds` before now (0: the whole history).
struct AvailabilityFigure {
    double windowSeconds = 0;   // as asked (the whole history when 0)
    double historySeconds = 0;  // the part of the window the history covers
    double upSeconds = 0;
    // Up time over the covered part; none when nothing is covered.
    bool hasRatio() const { return historySeconds > 0; }
    double ratio() const { return hasRatio() ? upSeconds / historySeconds : 0; }
    // True when the history covers the whole window asked for.
    bool coversWindow() const { return windowSeconds <= 0 || historySeconds >= windowSeconds; }
};

AvailabilityFigure availabilityOver(const AvailabilityHistory& history, double windowSeconds);

// Sorts, clips to [fromSeconds, nowSeconds] and joins overlapping or touching
// spans; drops empty ones.
void normalize(AvailabilityHistory& history);

// When every part was up: the spans of both intersected, over the stretch
// both know (the later `from`, the later `now`; a part whose record stops
// earlier counts as down after it).
AvailabilityHistory intersectAvailability(const AvailabilityHistory& a,
                                          const AvailabilityHistory& b);

// Removes `down` (seen from outside, e.g. failed probes) from the up spans.
void subtractDown(AvailabilityHistory& history, const std::vector<UpSpan>& down);

// Keeps at most the last `keepSeconds` of history (fromSeconds moves up).
void trimHistory(AvailabilityHistory& history, double keepSeconds);

}  // namespace pulsco
