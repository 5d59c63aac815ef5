// What a drill session leaves behind: a timestamped timeline of everything
// that happened (faults, alerts, the trainee's acknowledgements, notes and
// actions) and the score computed from it. Stored by DrillSessionStore,
// exported by DrillReport.
#pragma once

#include "drills/DrillAction.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <limits>
#include <vector>

namespace pulsco {

enum class DrillEventKind {
    Started,
    FaultInjected,
    FaultEnded,  // ended by a remediation or the emergency stop
    AlertFiring,
    AlertResolved,
    Acknowledged,
    Action,  // a remediation or escalation
    Note,
    HealthRestored,
    Paused,
    Resumed,
    EmergencyStop,
    Finished,
};
QString toString(DrillEventKind kind);  // "started", "fault_injected", ...
std::optional<DrillEventKind> drillEventKindFromString(const QString& name);

struct DrillEvent {
    double atSeconds = 0;  // source seconds since the drill started
    DrillEventKind kind = DrillEventKind::Note;
    QString text;
    QString who;          // the trainee, for their own actions
    bool hidden = false;  // part of the script: the trainer's view only while running
    bool operator==(const DrillEvent&) const = default;
};

struct DrillWrongActionCost {
    double atSeconds = 0;
    QString action;  // "drain blue"
    QString cost;
    bool operator==(const DrillWrongActionCost&) const = default;
};

struct DrillScore {
    static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
    double faultStartSeconds = kNone;  // first fault injected (drill time)
    bool detected = false;
    double mttdSeconds = kNone;  // fault start -> first ack of a correct alert
    double mttdTargetSeconds = 300;
    bool resolved = false;
    double mttrSeconds = kNone;  // fault start -> health restored through a correct action
    double mttrTargetSeconds = 900;
    bool escalationExpected = false;
    bool escalated = false;
    std::vector<DrillWrongActionCost> wrongActions;
    bool emergencyStopped = false;
    bool passed = false;
    QStringList reasons;  // why it failed; empty when passed
};

struct DrillRecord {
    qint64 id = 0;  // store row id, 0 until saved
    QString drillName;
    QString drillTitle;
    QString trainee;
    QString trainer;
    QString sourceName;  // "Simulator · baseline-1000"
    // Where it ran, as the source's first snapshot says: "rehearsal" (the
    // simulator) or "staging" (live servers); "" before that.
    QString environment;
    QDateTime startedAt;  // wall clock, UTC
    double startSourceSeconds = 0;
    double durationSeconds = 0;  // drill time when it finished
    std::vector<DrillEvent> events;
    DrillScore score;
};

// MM:SS (or H:MM:SS) of drill time, for timelines.
QString formatDrillTime(double seconds);

}  // namespace pulsco
