// Alert rule files (format 1) <-> AlertRule, strict like every file the
// product reads: errors name the file, the field path and why, e.g.
//   "alerts/mine.json: rules[2].expr: at 6: unknown metric 'api_latency'"
// Format reference: docs/drills.md ("Alert rule files").
#pragma once

#include "drills/AlertRule.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

namespace pulsco {

inline constexpr int kAlertRulesFormat = 1;
inline constexpr qint64 kMaxAlertRulesBytes = 1024 * 1024;
inline constexpr int kMaxAlertRules = 500;

struct AlertRulesLoad {
    std::optional<std::vector<AlertRule>> rules;
    QString error;  // "<source>: <field path>: <why>" when rules is empty
};

AlertRulesLoad parseAlertRules(const QByteArray& json, const QString& sourceName);
AlertRulesLoad loadAlertRulesFile(const QString& pathOrResource);
// The shipped set, embedded as :/pulsco/alerts/default-rules.json.
AlertRulesLoad loadDefaultAlertRules();
QString defaultAlertRulesPath();

QByteArray alertRulesToJson(const std::vector<AlertRule>& rules);

}  // namespace pulsco
