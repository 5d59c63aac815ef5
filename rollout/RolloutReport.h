// The rollout report as Markdown: checklist state per phase, gate evidence
// with values, each rollout's step timeline, rollbacks and their causes, and
// the operational metrics. The PDF is this text laid out by QTextDocument
// (ui/rollout/ReportExport).
#pragma once

#include "rollout/RolloutSession.h"

#include <QString>

namespace pulsco {

QString rolloutReportMarkdown(RolloutSession& session);

}  // namespace pulsco
