// Runbook text for an alert or a drill: the Markdown under docs/runbooks/,
// embedded as :/pulsco/docs/runbooks/*.md so the console can show it beside
// the alert without the source tree.
#pragma once

#include <QString>

namespace pulsco {

// `path` as rules and drills write it ("docs/runbooks/x.md"). Reads the
// embedded copy, else the file relative to `searchRoot` (when given).
// Returns "" when neither exists.
QString runbookText(const QString& path, const QString& searchRoot = {});
bool runbookExists(const QString& path);  // embedded copy only

}  // namespace pulsco
