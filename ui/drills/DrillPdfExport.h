// Drill reports as Markdown or PDF: the Markdown debrief
// (drills/DrillReport.h), printed by ui/MarkdownPdfWriter.
#pragma once

#include "drills/DrillRecord.h"

#include <QString>

namespace pulsco {

bool exportDrillPdf(const DrillRecord& record, const QString& path, QString* error);
bool exportDrillMarkdown(const DrillRecord& record, const QString& path, QString* error);

}  // namespace pulsco
