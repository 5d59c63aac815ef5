// Writes the rollout report (rollout/RolloutReport) as a Markdown file or a
// PDF laid out by QTextDocument and QPdfWriter.
#pragma once

#include <QString>

namespace pulsco {

class RolloutSession;

bool exportRolloutMarkdown(RolloutSession& session, const QString& path, QString* error);
bool exportRolloutPdf(RolloutSession& session, const QString& path, QString* error);

}  // namespace pulsco
