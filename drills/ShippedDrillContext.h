// What drill files may refer to in the console: the names of the given alert
// rules, of the scenarios shipped as resources (:/pulsco/scenarios/*.json)
// and of the regions in the shipped queues.json. Read from the embedded
// files, because drills/ never sees simulator/ (layer rules,
// docs/architecture.md). Inline scenarios are not checked (no
// checkScenario): the simulator reports their errors when the drill opens one.
#pragma once

#include "drills/AlertRule.h"
#include "drills/DrillJson.h"

#include <vector>

namespace pulsco {

DrillContext shippedDrillContext(const std::vector<AlertRule>& rules);

}  // namespace pulsco
