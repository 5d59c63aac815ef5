#include "rollout/RolloutPlan.h"

#include <QStringList>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pulsco {

bool PlanGate::countsIn(DeploymentEnvironment environment) const {
    return std::find(environments.begin(), environments.end(), environment) != environments.end();
}

QString PlanGate::environmentsText() const {
    QStringList names;
    for (DeploymentEnvironment e : environments)
        names << QString::fromLatin1(toString(e));
    return names.join(u" or "_s);
}

std::vector<const PlanSection*> PlanPhase::allSections() const {
    std::vector<const PlanSection*> out;
    if (!successCriteria.items.empty())
        out.push_back(&successCriteria);
    for (const PlanSection& s : sections)
        out.push_back(&s);
    return out;
}

std::vector<const PlanItem*> RolloutPlan::items() const {
    std::vector<const PlanItem*> out;
    for (const PlanPhase& phase : phases)
        for (const PlanSection* section : phase.allSections())
            for (const PlanItem& item : section->items)
                out.push_back(&item);
    return out;
}

const PlanItem* RolloutPlan::findItem(const QString& id) const {
    for (const PlanItem* item : items())
        if (item->id == id)
            return item;
    return nullptr;
}

int RolloutPlan::itemCount() const {
    return static_cast<int>(items().size());
}

int RolloutPlan::gatedItemCount() const {
    int n = 0;
    for (const PlanItem* item : items())
        n += item->gated() ? 1 : 0;
    return n;
}

QString describeStep(const TrafficStep& step) {
    switch (step.kind) {
    case TrafficStep::Kind::SetWeight:
        return u"set weight %1 %"_s.arg(step.weight);
    case TrafficStep::Kind::Pause:
        return step.pauseSeconds > 0 ? u"pause %1 s"_s.arg(step.pauseSeconds)
                                     : u"pause until resumed"_s;
    case TrafficStep::Kind::Analysis: {
        QStringList what;
        if (!step.analysis.gates.empty())
            what << u"%1 gates"_s.arg(step.analysis.gates.size());
        if (step.analysis.judge)
            what << u"judge of %1 metrics"_s.arg(step.analysis.judge->metrics.size());
        return u"analysis: %1 every %2 s × %3 (failure limit %4)"_s.arg(what.join(u" + "_s))
            .arg(step.analysis.intervalSeconds)
            .arg(step.analysis.count)
            .arg(step.analysis.failureLimit);
    }
    }
    return {};
}

}  // namespace pulsco
