// A drill: a scenario, the faults a trainer injects on a timeline, what the
// trainees are told, the alert that should fire, the expected response and
// the targets (MTTD 5 min, MTTR 15 min from the rollout plan). Loaded from
// resources/drills/*.json by drills/DrillJson.h; format in docs/drills.md.
#pragma once

#include "core/Fault.h"
#include "core/MetricExpression.h"
#include "drills/DrillAction.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace pulsco {

struct DrillWrongAction {
    DrillAction action;
    QString cost;  // what it would cost for real, shown in the score
};

struct DrillScript {
    QString name;      // id: lowercase, digits and '-' (the file's stem for shipped drills)
    QString title;     // "Latency spike on green during the 50 % step"
    QString scenario;  // a shipped scenario's name, or empty with inlineScenario
    QJsonObject inlineScenario;               // a whole scenario object (format 1) when not shipped
    std::optional<int> greenWeight;           // traffic set when the drill starts
    QString briefing;                         // what trainees are told
    QString trainerNotes;                     // the hidden cause; the trainer's view only
    std::vector<FaultSpec> faults;            // at_s relative to the drill's start
    QStringList expectedAlerts;               // acknowledging any of them counts as detection
    std::vector<DrillAction> correctActions;  // any of them is a correct remediation
    bool escalationExpected = false;          // the response includes escalating
    QString expectedResponse;                 // for the debrief
    // When health counts as restored; unset = none of the expected alerts'
    // conditions holds. E.g. a surge's degraded SLO: "p(95)(api_latency_ms) < 500".
    std::optional<MetricExpression> healthyWhen;
    std::vector<DrillWrongAction> wrongActions;
    double mttdTargetSeconds = 300;
    double mttrTargetSeconds = 900;
    double timeLimitSeconds = 1800;  // the drill ends this long after its start
    QString runbook;                 // docs/runbooks/*.md the trainees should follow
    QString sourceName;              // file or resource it came from ("" when new)

    double firstFaultAt() const;  // earliest at_s, 0 when there is no fault
    // The cost listed for a wrong action, or a generic one for an unlisted
    // remediation that is not correct; empty when `action` is correct or neutral.
    QString costOf(const DrillAction& action) const;
    bool isCorrect(const DrillAction& action) const;
};

}  // namespace pulsco
