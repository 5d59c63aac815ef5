// The console's alert rules in Prometheus' rule format (issue 18, item 4):
// each rule's expression translated to PromQL over pulsco-matchd's /metrics
// (docs/prometheus.md, "Alert rules"), written as a rule file
// (`groups` / `rules` / `alert`, `expr`, `for`, `keep_firing_for`, `labels`,
// `annotations`) through yaml-cpp. The translation covers the subset the
// shipped rules need; a rule outside it is named with the construct that has
// no PromQL counterpart and left out of the file (listed in its header), never
// approximated.
#pragma once

#include "drills/AlertRule.h"
#include "drills/AlertRuleJson.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace pulsco {

struct PromqlTranslation {
    std::optional<QString> promql;  // set when the rule translates
    QString unsupported;            // else why: "conservation: no Prometheus metric ..."
};

// The rule's condition as PromQL, or why it has none.
PromqlTranslation toPromql(const AlertRule& rule);

struct PrometheusRulesExport {
    QByteArray yaml;   // the rule file
    QStringList left;  // "conservation-failed: conservation: ..." per rule left out
    int exported = 0;
};

// The rule file for `rules`; `generatedFrom` names the source in its header.
PrometheusRulesExport exportPrometheusRules(const std::vector<AlertRule>& rules,
                                            const QString& generatedFrom);

// A Prometheus rule file read back as the console's rules (yaml-cpp): each
// alerting rule's `expr` must be one of the PromQL shapes toPromql writes
// (a comparison of one translated term with a number, or the
// region_unreachable check's own expression), `for` and
// `keep_firing_for` Prometheus durations, `labels.severity` info, warning
// or critical (default warning), `annotations.summary` required,
// `annotations.runbook` optional. A name is made the console's kind
// (HighErrorRate -> high-error-rate). Any other construct is an error that
// names the file, the rule and the construct; nothing is skipped.
AlertRulesLoad importPrometheusRules(const QByteArray& yaml, const QString& sourceName);

}  // namespace pulsco
