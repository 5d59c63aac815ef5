// The words of a drill on screen: its script for the trainer (with the
// hidden cause) and one timeline line per event. The Drills page and the
// trainer view both show them.
#pragma once

#include "drills/DrillRecord.h"
#include "drills/DrillScript.h"

#include <QString>

namespace pulsco {

// Markdown: title, scenario, targets, briefing, hidden cause, fault
// timeline, expected response, wrong actions and their cost, runbook.
QString drillScriptMarkdown(const DrillScript& drill);
// "1:05  alert acknowledged  — ann"
QString drillEventLine(const DrillEvent& event);

}  // namespace pulsco
