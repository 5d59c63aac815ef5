#include "drills/DrillScript.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pulsco {

double DrillScript::firstFaultAt() const {
    if (faults.empty())
        return 0;
    double first = faults.front().atSeconds;
    for (const FaultSpec& f : faults)
        first = std::min(first, f.atSeconds);
    return first;
}

bool DrillScript::isCorrect(const DrillAction& action) const {
    return std::any_of(correctActions.begin(), correctActions.end(),
                       [&](const DrillAction& a) { return a.matches(action); });
}

QString DrillScript::costOf(const DrillAction& action) const {
    if (!isRemediation(action.kind) || isCorrect(action))
        return {};
    for (const DrillWrongAction& w : wrongActions)
        if (w.action.matches(action))
            return w.cost;
    return u"not the expected response: changes production without fixing the cause"_s;
}

}  // namespace pulsco
