// The rollout plan's operational metrics, read from the audit trail across
// rollouts: deployment frequency, change failure rate (target < 5 %), time
// to detect a failed step (exposure at the failing weight until the
// rollback decision) and time to roll back (decision until blue carries all
// traffic again), in source time.
#pragma once

#include "store/AuditTrail.h"

#include <optional>
#include <vector>

namespace pulsco {

struct RolloutOutcome {
    qint64 rollout = 0;
    qint64 startedMs = 0;
    QString outcome;  // "promoted", "rolled back", "aborted", "in progress"
    QString cause;    // rollback reason
    std::optional<double> detectSeconds;
    std::optional<double> rollbackSeconds;
};

struct OperationalMetrics {
    std::vector<RolloutOutcome> rollouts;
    int started = 0, promoted = 0, failed = 0;  // failed = rolled back or aborted
    std::optional<double> deploymentsPerWeek;   // promoted per week over the span of starts
    std::optional<double> changeFailureRate;    // failed / finished
    std::optional<double> meanTimeToDetectSeconds;
    std::optional<double> meanTimeToRollBackSeconds;
    static constexpr double kChangeFailureTarget = 0.05;
};

OperationalMetrics computeOperationalMetrics(const std::vector<AuditEntry>& trail);

// A time-to-detect or time-to-roll-back as the page and the report show it:
// "42 s", or "—" when there is none.
QString formatMetricSeconds(std::optional<double> seconds);

}  // namespace pulsco
