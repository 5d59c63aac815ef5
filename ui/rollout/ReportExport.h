// Writes the rollout report (rollout/RolloutReport) with its rollback charts
// as a Markdown file (charts beside it) or a PDF (ui/MarkdownPdfWriter).
#pragma once

#include <QString>

namespace pulsco {

class RolloutSession;

bool exportRolloutMarkdown(RolloutSession& session, const QString& path, QString* error);
bool exportRolloutPdf(RolloutSession& session, const QString& path, QString* error);

}  // namespace pulsco
