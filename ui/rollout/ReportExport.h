// Writes the rollout report (rollout/RolloutReport) with its rollback charts
// as a Markdown file (charts beside it) or a PDF (ui/MarkdownPdfWriter).
#pragma once

#include <QString>

namespace pulsco {

class RolloutSession;

// On success *written (when given) says what was written and where, for the
// page's confirmation: the file's absolute path and size, and its charts.
bool exportRolloutMarkdown(RolloutSession& session, const QString& path, QString* error,
                           QString* written = nullptr);
bool exportRolloutPdf(RolloutSession& session, const QString& path, QString* error,
                      QString* written = nullptr);

}  // namespace pulsco
