// The built-in alert checks (AlertCheck): conditions that need memory of
// earlier snapshots or per-region data the expression language does not read.
#pragma once

#include "core/MetricsSnapshot.h"
#include "drills/AlertRule.h"

#include <QString>

#include <array>
#include <cstdint>

namespace pulsco {

struct CheckResult {
    bool holds = false;
    QString detail;  // what the panel shows, e.g. "blue: no match for 62 s, 140 tickets searching"
};

// A colour is stalled when at least kMinSearching tickets are searching and
// it has formed no match for kQuietSeconds of source time: the matcher's tick
// is not running (or not producing), so tickets pile up and the oldest wait
// keeps rising. The floor keeps a lightly loaded colour (a few tickets that
// cannot form a match yet) from looking stalled. Feed it every snapshot.
class MatcherStallDetector {
public:
    static constexpr double kQuietSeconds = 60;
    static constexpr std::uint64_t kMinSearching = 20;
    CheckResult observe(const MetricsSnapshot& snapshot);
    void reset() { m_colors = {}; }

private:
    struct Track {
        bool seen = false;
        std::uint64_t matches = 0;
        double lastProgress = 0;  // source time of the last match, or of an empty queue
    };
    std::array<Track, 2> m_colors{};
};

CheckResult checkRegionUnreachable(const MetricsSnapshot& snapshot);

// Evaluates one rule's check; the detector keeps the memory a check needs.
class AlertCheckState {
public:
    explicit AlertCheckState(AlertCheck check = AlertCheck::None)
        : m_check(check) {}
    CheckResult observe(const MetricsSnapshot& snapshot);
    void reset() { m_stall.reset(); }

private:
    AlertCheck m_check;
    MatcherStallDetector m_stall;
};

}  // namespace pulsco
