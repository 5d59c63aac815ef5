// Drill reports as Markdown or PDF: the Markdown debrief
// (drills/DrillReport.h), printed by ui/MarkdownPdfWriter.
#pragma once

#include "drills/DrillRecord.h"

#include <QString>

namespace pulsco {

// On success *written (when given) says what was written and where: the
// file's absolute path and size (and pages, for a PDF), for the page's
// confirmation.
bool exportDrillPdf(const DrillRecord& record, const QString& path, QString* error,
                    QString* written = nullptr);
bool exportDrillMarkdown(const DrillRecord& record, const QString& path, QString* error,
                         QString* written = nullptr);

}  // namespace pulsco
