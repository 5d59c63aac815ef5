#include "drills/DrillScoring.h"

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {
QString seconds(double s) {
    return QString::number(s, 'f', 0) + u" s ("_s + formatDrillTime(s) + u')';
}
}  // namespace

DrillScore judgeDrill(const DrillScript& drill, const DrillFacts& facts) {
    DrillScore score;
    score.mttdTargetSeconds = drill.mttdTargetSeconds;
    score.mttrTargetSeconds = drill.mttrTargetSeconds;
    score.escalationExpected = drill.escalationExpected;
    score.escalated = facts.escalated;
    score.wrongActions = facts.wrongActions;
    score.emergencyStopped = facts.emergencyStopped;

    if (facts.emergencyStopped)
        score.reasons.append(u"the drill was ended by the emergency stop"_s);
    if (!facts.faultStart) {
        score.reasons.append(u"no fault was injected: nothing to detect"_s);
        return score;
    }
    score.faultStartSeconds = *facts.faultStart;

    if (facts.firstCorrectAck) {
        score.detected = true;
        score.mttdSeconds = *facts.firstCorrectAck - *facts.faultStart;
        if (score.mttdSeconds > drill.mttdTargetSeconds)
            score.reasons.append(u"MTTD %1 is over the %2 target"_s.arg(
                seconds(score.mttdSeconds), seconds(drill.mttdTargetSeconds)));
    } else {
        score.reasons.append(u"not detected: no expected alert (%1) was acknowledged"_s.arg(
            drill.expectedAlerts.join(u", "_s)));
    }

    if (facts.healthRestored) {
        score.resolved = true;
        score.mttrSeconds = *facts.healthRestored - *facts.faultStart;
        if (score.mttrSeconds > drill.mttrTargetSeconds)
            score.reasons.append(u"MTTR %1 is over the %2 target"_s.arg(
                seconds(score.mttrSeconds), seconds(drill.mttrTargetSeconds)));
    } else if (facts.correctActionAt) {
        score.reasons.append(u"%1 was taken but health was not restored before the drill "
                             "ended"_s.arg(facts.correctAction));
    } else if (facts.recoveredUnaided) {
        score.reasons.append(u"the service recovered on its own: no correct remediation (%1) "
                             "was taken"_s.arg(drill.expectedResponse));
    } else {
        score.reasons.append(
            u"not resolved: the expected response was: %1"_s.arg(drill.expectedResponse));
    }

    for (const DrillWrongActionCost& w : facts.wrongActions)
        score.reasons.append(
            u"wrong action at %1: %2 — %3"_s.arg(formatDrillTime(w.atSeconds), w.action, w.cost));
    if (drill.escalationExpected && !facts.escalated)
        score.reasons.append(u"escalation was expected but nobody escalated"_s);

    score.passed = score.reasons.isEmpty();
    return score;
}

}  // namespace pulsco
