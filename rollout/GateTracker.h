// Live evaluation of the plan's gated items. A gate passes when its
// expression has held, snapshot after snapshot, for its hold time (source
// time), on evidence from an environment the item names; no data never
// passes and breaks a hold, and a sample below the gate's minimum is no
// data. A pass is latched: the evidence (value, bar, time, source,
// snapshot) is what the audit trail keeps. Evidence from elsewhere (a
// rehearsal, staging for a production item) that holds for the hold time is
// "met elsewhere": reported once, shown, never latched. If a passed gate's
// condition later fails on evidence that counts, that is reported once
// (until it holds again) so the trail shows the regression. No data is
// never a regression: the trail records facts, and "nothing measured yet"
// (a restart, a new source, an idle window) is not a failing figure.
#pragma once

#include "core/MetricExpression.h"
#include "rollout/RolloutPlan.h"

#include <QString>

#include <optional>
#include <unordered_map>
#include <vector>

namespace pulsco {

// "p(95)(api_latency_ms) < 150" -> value "p(95)(api_latency_ms)", bar "< 150".
// nullopt when the text is not one plain comparison (and/or, not, ...).
struct GateSplit {
    QString valueText;
    QString barText;
};
std::optional<GateSplit> splitComparison(const QString& expression);

struct GateStatus {
    enum class State { NoData, Failing, Holding, MetElsewhere, Passed };
    State state = State::NoData;
    bool latched = false;         // passed at some point (this run or restored)
    bool holdsNow = false;        // the condition is true on the latest snapshot
    std::optional<double> value;  // the left side, when it has one
    QString noDataReason;
    double holdingSince = -1;  // source time the current hold began
    double heldSeconds = 0;
    double holdSeconds = 0;
    QString barText;  // "< 150"
    // Where the latest evidence came from, and whether it can tick the item.
    std::optional<DeploymentEnvironment> environment;
    bool counts = false;
};

// "no data", "failing", "holding", "met elsewhere", "passed"
QString gateStateName(GateStatus::State state);
// "" when the latest evidence can tick the item, else why not, for the page
// to show beside the state: "rehearsal evidence: counts only in production".
QString gateElsewhereNote(const GateStatus& status, const PlanGate& gate);

struct GateTransition {
    enum class Kind { Passed, Failed, MetElsewhere };
    Kind kind;
    const PlanItem* item = nullptr;
    GateStatus status;
};

class GateTracker {
public:
    // Keeps pointers into `plan`, which must outlive the tracker.
    explicit GateTracker(const RolloutPlan& plan);
    GateTracker(RolloutPlan&&) = delete;

    // Evaluates every gate on `snapshot` (at its timeSeconds) and returns
    // the passes and regressions it caused.
    std::vector<GateTransition> evaluate(const MetricsSnapshot& snapshot);
    // A pass restored from the audit trail (restart).
    void markPassed(const QString& itemId);
    // Forget everything measured on the old source (its clock and its
    // environment are not the new one's); latched passes stay.
    void resetHolds();

    const GateStatus* status(const QString& itemId) const;
    std::size_t size() const { return m_gates.size(); }

private:
    struct Gate {
        const PlanItem* item;
        std::optional<MetricExpression> valueExpression;
        GateStatus status;
        bool regressionReported = false;
        bool metElsewhereReported = false;
        bool holdsOnHistory = false;  // reads availability only
    };
    std::vector<Gate> m_gates;
    std::unordered_map<std::string, std::size_t> m_index;
};

}  // namespace pulsco
