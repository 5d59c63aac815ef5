// The rollout plan's operational metrics, read from the audit trail across
// the rollouts of one environment (a rehearsal's rollbacks are not
// production's change failures): deployment frequency, change failure rate
// (target < 5 %), time to detect a failed step (from the fault's onset where
// the source knows it, else from the start of the first trigger window in
// which the condition held, until the rollback decision) and time to roll
// back (decision until blue carries all traffic again), in source time.
#pragma once

#include "store/AuditTrail.h"

#include <optional>
#include <vector>

namespace pulsco {

struct RolloutOutcome {
    qint64 rollout = 0;
    qint64 startedMs = 0;
    QString outcome;      // "promoted", "rolled back", "aborted", "in progress"
    QString cause;        // rollback reason
    QString environment;  // of the rollout's start row: "rehearsal", "staging", "production"
    QString detectFrom;   // "fault onset", "trigger window" or "weight change"
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

// `environment` "" takes every rollout.
OperationalMetrics computeOperationalMetrics(const std::vector<AuditEntry>& trail,
                                             const QString& environment = {});

// A time-to-detect or time-to-roll-back as the page and the report show it:
// "42 s", or "—" when there is none.
QString formatMetricSeconds(std::optional<double> seconds);

}  // namespace pulsco
