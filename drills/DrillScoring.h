// Turns what happened in a drill into its score: MTTD and MTTR against the
// targets, wrong actions and their cost, escalation, and the reasons a drill
// failed. Pure: the session gathers the facts, this judges them.
#pragma once

#include "drills/DrillRecord.h"
#include "drills/DrillScript.h"

#include <optional>
#include <vector>

namespace pulsco {

struct DrillFacts {
    std::optional<double> faultStart;       // drill time of the first fault
    std::optional<double> firstCorrectAck;  // first ack of an expected alert, after faultStart
    QString ackedAlert;                     // which one
    std::optional<double> correctActionAt;  // first correct remediation
    QString correctAction;
    std::optional<double> healthRestored;    // after the correct remediation
    std::optional<double> recoveredUnaided;  // health came back with no correct action
    std::vector<DrillWrongActionCost> wrongActions;
    bool escalated = false;
    bool emergencyStopped = false;
};

DrillScore judgeDrill(const DrillScript& drill, const DrillFacts& facts);

}  // namespace pulsco
