// A drill session as a Markdown debrief: the score against the targets,
// the reasons it failed, wrong actions and their cost, and the timeline.
// ui/drills/DrillPdfExport renders the same text to PDF.
#pragma once

#include "drills/DrillRecord.h"

#include <QString>

#include <vector>

namespace pulsco {

QString drillReportMarkdown(const DrillRecord& record);
// History of one trainee: one row per session, newest first.
QString drillHistoryMarkdown(const QString& trainee, const std::vector<DrillRecord>& records);

}  // namespace pulsco
