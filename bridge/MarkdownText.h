// Text made safe for one cell of a Markdown table, shared by the rollout and
// drill reports (rollout/RolloutReport, drills/DrillReport): free text (an
// operator's note, a trainee's name) must not end the cell or the row.
#pragma once

#include <QString>

namespace pulsco {

// A '|' becomes "\|" (it would end the cell) and a '\n' becomes a space (it
// would end the row). Nothing else changes: a backslash or '\r' is kept.
QString markdownTableCell(QString text);

}  // namespace pulsco
