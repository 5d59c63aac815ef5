// One alert rule in Prometheus/Grafana style: a condition over the current
// Source's metrics, how long it must hold (`for`), how long a firing alert
// stays firing once it clears (`keep_firing_for`), a severity, a summary and
// the runbook an operator opens beside it. Loaded by drills/AlertRuleJson.h.
#pragma once

#include "core/MetricExpression.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace pulsco {

enum class AlertSeverity { Info, Warning, Critical };
QString toString(AlertSeverity severity);  // "info" / "warning" / "critical"
std::optional<AlertSeverity> alertSeverityFromString(const QString& name);

// Conditions the expression language cannot state because they need more
// than one snapshot or per-region data (docs/drills.md, "Built-in checks").
enum class AlertCheck {
    None,               // the rule uses `expr`
    MatcherStalled,     // a colour has tickets searching but forms no match
    RegionUnreachable,  // a region's players cannot reach the service
};
QString toString(AlertCheck check);  // "" / "matcher_stalled" / "region_unreachable"
std::optional<AlertCheck> alertCheckFromString(const QString& name);
QStringList alertCheckNames();

// The hold a rule gets when its file does not set keep_firing_for_s: the
// length of the metrics' recent windows (core/RecentWindow, 60 s). A rate or
// percentile over that window settles within it, so a shorter hold still
// lets a value hovering at the threshold fire and resolve on the window's
// own noise (a steady 6 % error surge fired a 5 % rule ~20 times with none).
inline constexpr double kDefaultKeepFiringForSeconds = 60;

struct AlertRule {
    QString name;  // stable id, e.g. "api-latency-p95-high"; drills name it
    std::optional<MetricExpression> expression;  // set unless `check` is used
    AlertCheck check = AlertCheck::None;
    std::optional<MetricExpression> value;  // optional: what the panel shows, e.g. p95
    QString valueUnit;                      // "ms", "%", ...
    double forSeconds = 0;                  // how long the condition holds before firing
    // How long a firing alert stays firing after its condition clears; a
    // return within the hold is the same occurrence (no flap), and an
    // acknowledgement lasts until the alert has been resolved longer than this.
    double keepFiringForSeconds = kDefaultKeepFiringForSeconds;
    AlertSeverity severity = AlertSeverity::Warning;
    QString summary;  // one line for the panel
    QString runbook;  // repo-relative path, e.g. "docs/runbooks/api-latency-p95-high.md"

    QString conditionText() const;  // the expression or "check: matcher_stalled"
};

}  // namespace pulsco
