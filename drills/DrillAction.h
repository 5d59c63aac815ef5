// What a trainee can do during a drill, and what an action means: the
// remediations of the rollout plan's runbooks (roll back green, drain a
// server, shed a region, restart the matcher, scale out, fail over the
// store), escalation and diagnosis notes.
#pragma once

#include "core/Fault.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace pulsco {

enum class DrillActionKind {
    Rollback,        // traffic back to blue (Source::rollback)
    Drain,           // move all traffic off `target` (blue or green)
    ShedRegion,      // stop serving `region`, send its players elsewhere
    RestartMatcher,  // restart the matchmaker's tick loop
    ScaleOut,        // add capacity and admission control
    FailoverStore,   // move to the standby database
    Escalate,        // page the next level (no effect on the service)
    Note,            // a diagnosis note (no effect)
};
QString toString(DrillActionKind kind);  // "rollback", "drain", "shed_region", ...
std::optional<DrillActionKind> drillActionKindFromString(const QString& name);
QStringList drillActionKindNames();
QString drillActionTitle(DrillActionKind kind);  // "Roll back green", ...
// Remediations change the service; escalate and notes only get recorded.
bool isRemediation(DrillActionKind kind);

struct DrillAction {
    DrillActionKind kind = DrillActionKind::Note;
    QString target;  // Drain: "blue" / "green"
    QString region;  // ShedRegion
    bool operator==(const DrillAction&) const = default;
    // Same action, ignoring fields the kind does not use.
    bool matches(const DrillAction& other) const;
    QString describe() const;  // "drain blue", "shed region asia-east", ...
};

}  // namespace pulsco
