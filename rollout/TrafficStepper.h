// The blue-green step machine, Argo Rollouts style: set weight, pause,
// analysis; states Healthy -> Progressing <-> Paused -> Promoted, or
// Degraded when a rollback trigger fires, an analysis fails, or the
// operator aborts or rolls back: traffic goes back to blue at once.
// Pure logic: time is the source's (simulated or server) time, passed in;
// what it decides comes out as effects for the session to carry out and
// record.
#pragma once

#include "core/CanaryWatch.h"
#include "core/MetricsSnapshot.h"
#include "rollout/RolloutPlan.h"

#include <QString>

#include <vector>

namespace pulsco {

enum class RolloutState { Healthy, Progressing, Paused, Degraded, Promoted };
QString rolloutStateName(RolloutState state);  // "Healthy", ...
std::optional<RolloutState> rolloutStateFromName(const QString& name);

struct StepperEffect {
    enum class Kind {
        SetWeight,      // route `weight` % of new traffic to green
        Rollback,       // back to blue at once (weight 0); `reason`
        StepStarted,    // `step`
        StepCompleted,  // `step`
        Measured,       // an analysis measurement; `failed`, `reason` names failing gates
        StateChanged,   // `state`
    };
    Kind kind = Kind::StateChanged;
    int weight = 0;
    int step = -1;
    RolloutState state = RolloutState::Healthy;
    bool failed = false;
    QString reason;
    // Measured on a step with a judge: every metric's verdict at this look.
    std::optional<CanaryStepJudgement> judgement;
    // Measured: the judge could judge nothing yet (too few observations);
    // the look neither passes nor fails and does not count towards `count`.
    bool inconclusive = false;
};
using StepperEffects = std::vector<StepperEffect>;

inline StepperEffect makeEffect(StepperEffect::Kind kind) {
    StepperEffect e;
    e.kind = kind;
    return e;
}

class TrafficStepper {
public:
    TrafficStepper(std::vector<TrafficStep> steps, std::vector<PlanTrigger> triggers);

    RolloutState state() const { return m_state; }
    int currentStep() const { return m_step; }  // -1 before start; steps().size() when done
    int weight() const { return m_weight; }     // green weight last asked for
    bool awaitingWeight() const { return m_awaitingWeight; }
    const std::vector<TrafficStep>& steps() const { return m_steps; }
    int measurements() const { return m_measurements; }
    int failedMeasurements() const { return m_failures; }
    double stepStartedAt() const { return m_stepStart; }
    const QString& lastReason() const { return m_reason; }
    // The judge's latest look in the current analysis step, if it has one.
    const std::optional<CanaryStepJudgement>& lastJudgement() const { return m_lastJudgement; }

    StepperEffects start(double now);
    // Each snapshot (windowed figures): triggers, pause timers, analysis.
    StepperEffects update(const MetricsSnapshot& snapshot);
    // The weight asked for is in effect (seen in a snapshot, the webhook
    // answered, or the operator confirmed).
    StepperEffects weightApplied(int weight, double now);

    StepperEffects pause(double now);
    StepperEffects resume(double now);
    StepperEffects promote(double now);  // skip the remaining steps: 100 % green
    StepperEffects abort(double now, const QString& reason);
    StepperEffects rollback(double now, const QString& reason);

    // Restart: puts the machine back where the audit trail says it stood.
    // The current step starts over (its clock was the old source's).
    void restore(RolloutState state, int step, int weight, double now);

private:
    bool active() const {
        return m_state == RolloutState::Progressing || m_state == RolloutState::Paused;
    }
    void setState(RolloutState state, StepperEffects& out);
    void enterStep(int index, double now, StepperEffects& out);
    void advance(double now, StepperEffects& out);
    void degrade(const QString& reason, StepperEffects& out);

    std::vector<TrafficStep> m_steps;
    std::vector<PlanTrigger> m_triggers;
    RolloutState m_state = RolloutState::Healthy;
    int m_step = -1;
    int m_weight = 0;
    bool m_awaitingWeight = false;
    double m_stepStart = 0;
    double m_pausedAt = -1;
    double m_nextMeasurement = 0;
    int m_measurements = 0;
    int m_failures = 0;
    QString m_reason;
    // The current analysis step's judge: its tests across looks, and the
    // snapshot its samples are counted from (the step's first).
    std::optional<CanaryWatch> m_watch;
    std::optional<MetricsSnapshot> m_judgeStart;
    std::optional<CanaryStepJudgement> m_lastJudgement;
    void resetJudge(int step);
};

}  // namespace pulsco
