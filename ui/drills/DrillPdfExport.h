// Drill reports as PDF: the Markdown debrief (drills/DrillReport.h) laid
// out by QTextDocument and printed with QPdfWriter (A4, 300 dpi).
#pragma once

#include "drills/DrillRecord.h"

#include <QString>

namespace pulsco {

bool exportMarkdownAsPdf(const QString& markdown, const QString& title, const QString& path,
                         QString* error);
bool exportDrillPdf(const DrillRecord& record, const QString& path, QString* error);
bool exportDrillMarkdown(const DrillRecord& record, const QString& path, QString* error);

}  // namespace pulsco
