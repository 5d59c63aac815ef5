#include "rollout/GateTracker.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pulsco {

std::optional<GateSplit> splitComparison(const QString& expression) {
    int depth = 0;
    qsizetype at = -1, length = 0;
    for (qsizetype i = 0; i < expression.size(); ++i) {
        const QChar c = expression[i];
        if (c == u'(') {
            ++depth;
        } else if (c == u')') {
            --depth;
        } else if (depth == 0 && (c == u'<' || c == u'>' || c == u'=' || c == u'!')) {
            if (at >= 0)
                return std::nullopt;  // a second comparison
            at = i;
            length = (i + 1 < expression.size() && expression[i + 1] == u'=') ? 2 : 1;
            i += length - 1;
        } else if (depth == 0 && (c == u'&' || c == u'|')) {
            return std::nullopt;
        }
    }
    if (at <= 0)
        return std::nullopt;
    const QString lower = u' ' + expression.toLower() + u' ';
    for (const QString& word : {u" and "_s, u" or "_s, u" not "_s})
        if (lower.contains(word))
            return std::nullopt;
    return GateSplit{expression.left(at).trimmed(), expression.mid(at).trimmed()};
}

QString gateStateName(GateStatus::State state) {
    switch (state) {
    case GateStatus::State::NoData:
        return u"no data"_s;
    case GateStatus::State::Failing:
        return u"failing"_s;
    case GateStatus::State::Holding:
        return u"holding"_s;
    case GateStatus::State::MetElsewhere:
        return u"met elsewhere"_s;
    case GateStatus::State::Passed:
        return u"passed"_s;
    }
    return {};
}

QString gateElsewhereNote(const GateStatus& status, const PlanGate& gate) {
    if (status.counts || !status.environment)
        return {};
    return u"%1 evidence: counts only in %2"_s.arg(
        QString::fromLatin1(toString(*status.environment)), gate.environmentsText());
}

GateTracker::GateTracker(const RolloutPlan& plan) {
    for (const PlanItem* item : plan.items()) {
        if (!item->gated())
            continue;
        Gate gate{item, std::nullopt, {}, false};
        gate.status.holdSeconds = item->gate->holdSeconds;
        const std::vector<std::string> metrics = item->gate->expression.metrics();
        gate.holdsOnHistory =
            !metrics.empty() && std::all_of(metrics.begin(), metrics.end(), [](const auto& m) {
                return m == "uptime" || m == "uptime_history_s";
            });
        if (const auto split = splitComparison(item->gate->text)) {
            ExpressionError error;
            gate.valueExpression = MetricExpression::parse(split->valueText.toStdString(), &error);
            gate.status.barText = split->barText;
        } else {
            gate.status.barText = u"holds"_s;
        }
        m_index[item->id.toStdString()] = m_gates.size();
        m_gates.push_back(std::move(gate));
    }
}

std::vector<GateTransition> GateTracker::evaluate(const MetricsSnapshot& snapshot) {
    std::vector<GateTransition> out;
    const double now = snapshot.timeSeconds;
    for (Gate& g : m_gates) {
        GateStatus& s = g.status;
        const PlanGate& plan = *g.item->gate;
        s.environment = snapshot.environment;
        s.counts = plan.countsIn(snapshot.environment);
        // Availability over the hold: "99.9 % for 7 days" is one figure
        // over the last 7 days.
        const double window = plan.holdSeconds;
        ExpressionValue result = plan.expression.evaluate(snapshot, window);
        if (g.valueExpression) {
            const ExpressionValue v = g.valueExpression->evaluate(snapshot, window);
            s.value = v.hasValue ? std::optional<double>(v.value) : std::nullopt;
        } else {
            s.value = result.hasValue ? std::optional<double>(result.value) : std::nullopt;
        }
        if (plan.minSample && result.hasValue) {
            const ExpressionValue sample = plan.minSample->evaluate(snapshot, window);
            if (!sample.truthy()) {
                result.hasValue = false;
                result.noDataReason = "sample too small: needs " + plan.minSample->text();
                if (!sample.noDataReason.empty())
                    result.noDataReason += " (" + sample.noDataReason + ")";
            }
        }
        s.noDataReason = QString::fromStdString(result.noDataReason);
        s.holdsNow = result.truthy();
        if (!result.hasValue || !s.holdsNow) {
            s.holdingSince = -1;
            s.heldSeconds = 0;
            g.metElsewhereReported = false;
            if (s.latched) {
                // Only a failing figure on evidence that could tick the item
                // takes it back. No data is not a failure: after a console
                // restart or a source switch every gate has none until
                // traffic arrives, and an empty window proves nothing.
                if (result.hasValue && s.counts && !g.regressionReported) {
                    g.regressionReported = true;
                    out.push_back({GateTransition::Kind::Failed, g.item, s});
                }
                s.state = GateStatus::State::Passed;
            } else {
                s.state = result.hasValue ? GateStatus::State::Failing : GateStatus::State::NoData;
            }
            continue;
        }
        if (s.counts)
            g.regressionReported = false;
        if (g.holdsOnHistory && snapshot.availability) {
            // Held for as much of the window as the history covers (a
            // restart of the console loses nothing; a younger server has
            // not held long enough, whatever its ratio).
            s.heldSeconds = availabilityOver(*snapshot.availability, window).historySeconds;
            s.holdingSince = now - s.heldSeconds;
        } else {
            if (s.holdingSince < 0)
                s.holdingSince = now;
            s.heldSeconds = now - s.holdingSince;
        }
        if (s.latched) {
            s.state = GateStatus::State::Passed;
        } else if (s.heldSeconds < s.holdSeconds) {
            s.state = GateStatus::State::Holding;
        } else if (s.counts) {
            s.latched = true;
            s.state = GateStatus::State::Passed;
            out.push_back({GateTransition::Kind::Passed, g.item, s});
        } else {
            s.state = GateStatus::State::MetElsewhere;
            if (!g.metElsewhereReported) {
                g.metElsewhereReported = true;
                out.push_back({GateTransition::Kind::MetElsewhere, g.item, s});
            }
        }
    }
    return out;
}

void GateTracker::markPassed(const QString& itemId) {
    const auto it = m_index.find(itemId.toStdString());
    if (it == m_index.end())
        return;
    m_gates[it->second].status.latched = true;
    m_gates[it->second].status.state = GateStatus::State::Passed;
}

void GateTracker::resetHolds() {
    for (Gate& g : m_gates) {
        GateStatus& s = g.status;
        s.holdingSince = -1;
        s.heldSeconds = 0;
        s.holdsNow = false;
        s.value.reset();
        s.noDataReason.clear();
        s.environment.reset();
        s.counts = false;
        s.state = s.latched ? GateStatus::State::Passed : GateStatus::State::NoData;
        g.regressionReported = false;
        g.metElsewhereReported = false;
    }
}

const GateStatus* GateTracker::status(const QString& itemId) const {
    const auto it = m_index.find(itemId.toStdString());
    return it == m_index.end() ? nullptr : &m_gates[it->second].status;
}

}  // namespace pulsco
