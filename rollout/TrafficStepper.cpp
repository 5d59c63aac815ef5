#include "rollout/TrafficStepper.h"

#include "rollout/CanarySamples.h"

using namespace Qt::StringLiterals;

namespace pulsco {

QString rolloutStateName(RolloutState state) {
    switch (state) {
    case RolloutState::Healthy:
        return u"Healthy"_s;
    case RolloutState::Progressing:
        return u"Progressing"_s;
    case RolloutState::Paused:
        return u"Paused"_s;
    case RolloutState::Degraded:
        return u"Degraded"_s;
    case RolloutState::Promoted:
        return u"Promoted"_s;
    }
    return {};
}

std::optional<RolloutState> rolloutStateFromName(const QString& name) {
    for (RolloutState s : {RolloutState::Healthy, RolloutState::Progressing, RolloutState::Paused,
                           RolloutState::Degraded, RolloutState::Promoted})
        if (rolloutStateName(s) == name)
            return s;
    return std::nullopt;
}

TrafficStepper::TrafficStepper(std::vector<TrafficStep> steps, std::vector<PlanTrigger> triggers)
    : m_steps(std::move(steps))
    , m_triggers(std::move(triggers)) {}

void TrafficStepper::setState(RolloutState state, StepperEffects& out) {
    if (m_state == state)
        return;
    m_state = state;
    StepperEffect e = makeEffect(StepperEffect::Kind::StateChanged);
    e.state = state;
    e.step = m_step;
    e.weight = m_weight;
    e.reason = m_reason;
    out.push_back(e);
}

void TrafficStepper::degrade(const QString& reason, StepperEffects& out) {
    m_reason = reason;
    m_weight = 0;
    m_awaitingWeight = true;  // until blue carries everything again
    StepperEffect e = makeEffect(StepperEffect::Kind::Rollback);
    e.weight = 0;
    e.step = m_step;
    e.reason = reason;
    out.push_back(e);
    setState(RolloutState::Degraded, out);
}

StepperEffects TrafficStepper::start(double now) {
    StepperEffects out;
    if (m_state != RolloutState::Healthy || m_steps.empty())
        return out;
    m_reason.clear();
    setState(RolloutState::Progressing, out);
    enterStep(0, now, out);
    return out;
}

void TrafficStepper::enterStep(int index, double now, StepperEffects& out) {
    m_step = index;
    m_stepStart = now;
    m_measurements = 0;
    m_failures = 0;
    if (index >= int(m_steps.size())) {
        setState(RolloutState::Promoted, out);
        return;
    }
    StepperEffect started = makeEffect(StepperEffect::Kind::StepStarted);
    started.step = index;
    out.push_back(started);
    const TrafficStep& step = m_steps[std::size_t(index)];
    switch (step.kind) {
    case TrafficStep::Kind::SetWeight: {
        m_weight = step.weight;
        m_awaitingWeight = true;
        StepperEffect e = makeEffect(StepperEffect::Kind::SetWeight);
        e.weight = step.weight;
        e.step = index;
        out.push_back(e);
        break;
    }
    case TrafficStep::Kind::Pause:
        if (step.pauseSeconds <= 0) {
            m_pausedAt = now;
            setState(RolloutState::Paused, out);
        }
        break;
    case TrafficStep::Kind::Analysis:
        m_nextMeasurement = now + step.analysis.intervalSeconds;
        resetJudge(index);
        break;
    }
}

void TrafficStepper::advance(double now, StepperEffects& out) {
    StepperEffect done = makeEffect(StepperEffect::Kind::StepCompleted);
    done.step = m_step;
    out.push_back(done);
    enterStep(m_step + 1, now, out);
}

StepperEffects TrafficStepper::update(const MetricsSnapshot& snapshot) {
    StepperEffects out;
    const double now = snapshot.timeSeconds;
    if (!active())
        return out;
    // Rollback triggers: whenever green is asked to or does serve traffic.
    if (m_weight > 0 || snapshot.green.recentRequests > 0) {
        for (const PlanTrigger& t : m_triggers) {
            if (t.expression.evaluate(snapshot).truthy()) {
                degrade(u"trigger fired: "_s + t.name + u" ("_s +
                            QString::fromStdString(t.expression.text()) + u')',
                        out);
                return out;
            }
        }
    }
    if (m_state != RolloutState::Progressing || m_awaitingWeight)
        return out;
    const TrafficStep& step = m_steps[std::size_t(m_step)];
    if (step.kind == TrafficStep::Kind::Pause) {
        if (step.pauseSeconds > 0 && now - m_stepStart >= step.pauseSeconds)
            advance(now, out);
    } else if (step.kind == TrafficStep::Kind::Analysis) {
        const AnalysisSpec& a = step.analysis;
        if (m_watch && !m_judgeStart)
            m_judgeStart = snapshot;  // the judge counts from the step's first snapshot
        while (now >= m_nextMeasurement && m_measurements < a.count) {
            QStringList failing;
            for (const MetricExpression& gate : a.gates) {
                const ExpressionValue v = gate.evaluate(snapshot);
                if (!v.truthy())
                    failing << QString::fromStdString(gate.text()) +
                                   (v.hasValue ? QString() : u" (no data)"_s);
            }
            StepperEffect m = makeEffect(StepperEffect::Kind::Measured);
            if (m_watch) {
                std::vector<CanarySamples> samples;
                for (const CanaryMetric& metric : m_watch->metrics())
                    samples.push_back(canarySamples(metric, snapshot, *m_judgeStart));
                m_lastJudgement = m_watch->look(samples);
                m.judgement = m_lastJudgement;
                if (m_lastJudgement->nothingJudged && failing.isEmpty()) {
                    // Too little traffic to say anything: wait for more
                    // rather than pass on no evidence or fail on none.
                    m_nextMeasurement += a.intervalSeconds;
                    m.step = m_step;
                    m.inconclusive = true;
                    m.reason = u"inconclusive: no metric has enough observations yet"_s;
                    out.push_back(m);
                    continue;
                }
                if (m_lastJudgement->outcome == CanaryOutcome::Fail) {
                    QStringList why;
                    for (const CanaryMetricJudgement& j : m_lastJudgement->metrics)
                        if (j.failed)
                            why << QString::fromStdString(j.metric + ": " + j.why);
                    failing << u"judge: score %1%2: %3"_s.arg(m_lastJudgement->score, 0, 'f', 0)
                                   .arg(m_lastJudgement->criticalFailed
                                            ? u", a critical metric failed"_s
                                            : QString())
                                   .arg(why.isEmpty() ? u"no metric could be judged"_s
                                                      : why.join(u"; "_s));
                }
            }
            ++m_measurements;
            m_nextMeasurement += a.intervalSeconds;
            m.step = m_step;
            m.failed = !failing.isEmpty();
            m.reason = failing.join(u"; "_s);
            out.push_back(m);
            if (m.failed && ++m_failures > a.failureLimit) {
                degrade(u"analysis failed %1 of %2 measurements: %3"_s.arg(m_failures)
                            .arg(m_measurements)
                            .arg(m.reason),
                        out);
                return out;
            }
        }
        if (m_measurements >= a.count)
            advance(now, out);
    }
    return out;
}

StepperEffects TrafficStepper::weightApplied(int weight, double now) {
    StepperEffects out;
    if (!m_awaitingWeight || weight != m_weight)
        return out;
    m_awaitingWeight = false;
    if (m_state == RolloutState::Progressing &&
        m_steps[std::size_t(m_step)].kind == TrafficStep::Kind::SetWeight)
        advance(now, out);
    return out;
}

StepperEffects TrafficStepper::pause(double now) {
    StepperEffects out;
    if (m_state != RolloutState::Progressing)
        return out;
    m_pausedAt = now;
    setState(RolloutState::Paused, out);
    return out;
}

StepperEffects TrafficStepper::resume(double now) {
    StepperEffects out;
    if (m_state != RolloutState::Paused)
        return out;
    // The step's clock does not run while paused.
    const double paused = m_pausedAt >= 0 ? now - m_pausedAt : 0;
    m_stepStart += paused;
    m_nextMeasurement += paused;
    m_pausedAt = -1;
    setState(RolloutState::Progressing, out);
    const TrafficStep& step = m_steps[std::size_t(m_step)];
    if (step.kind == TrafficStep::Kind::Pause && step.pauseSeconds <= 0)
        advance(now, out);
    return out;
}

StepperEffects TrafficStepper::promote(double now) {
    StepperEffects out;
    if (!active())
        return out;
    m_reason = u"promoted by the operator"_s;
    m_step = int(m_steps.size());
    m_stepStart = now;
    m_weight = 100;
    m_awaitingWeight = true;
    StepperEffect e = makeEffect(StepperEffect::Kind::SetWeight);
    e.weight = 100;
    e.step = m_step;
    out.push_back(e);
    setState(RolloutState::Promoted, out);
    return out;
}

StepperEffects TrafficStepper::abort(double /*now*/, const QString& reason) {
    StepperEffects out;
    if (!active())
        return out;
    degrade(u"aborted: "_s + reason, out);
    return out;
}

StepperEffects TrafficStepper::rollback(double /*now*/, const QString& reason) {
    StepperEffects out;
    if (m_state == RolloutState::Healthy)
        return out;
    if (m_state == RolloutState::Degraded && m_weight == 0)
        return out;
    degrade(u"rolled back: "_s + reason, out);
    return out;
}

void TrafficStepper::restore(RolloutState state, int step, int weight, double now) {
    m_state = state;
    m_step = step;
    m_weight = weight;
    m_stepStart = now;
    m_pausedAt = state == RolloutState::Paused ? now : -1;
    m_measurements = 0;
    m_failures = 0;
    m_awaitingWeight = true;  // until a snapshot shows the weight in effect
    if (step >= 0 && step < int(m_steps.size()) &&
        m_steps[std::size_t(step)].kind == TrafficStep::Kind::Analysis) {
        m_nextMeasurement = now + m_steps[std::size_t(step)].analysis.intervalSeconds;
        resetJudge(step);
    }
}

void TrafficStepper::resetJudge(int step) {
    m_watch.reset();
    m_judgeStart.reset();
    m_lastJudgement.reset();
    const AnalysisSpec& a = m_steps[std::size_t(step)].analysis;
    if (a.judge)
        m_watch.emplace(a.judge->metrics, a.judge->bars, a.judge->alpha);
}

}  // namespace pulsco
