// The console's metric terms as PromQL over pulsco-matchd's /metrics, and
// back (docs/prometheus.md, "Alert rules", has the table). One table for
// every translation: the alert rules' export and import (drills/
// PrometheusRules) and the Argo Rollouts analysis import (rollout/
// AnalysisImport). Reading PromQL back is the writing run in reverse, so the
// two cannot disagree: a query is a term when some console term writes it.
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace pulsco {

struct PromqlTerm {
    std::optional<QString> promql;  // set when the term translates
    QString unsupported;            // else why, naming the term
};

// One term: `function` is "p", "rate" or empty (a plain series),
// `percentile` the Q of p(Q), `name` the metric with an optional "blue." or
// "green." scope, e.g. ("rate", "", "green.errors").
PromqlTerm promqlOfTerm(const QString& function, const QString& percentile, const QString& name);

// The console term that writes `promql` (spaces and line breaks ignored),
// e.g. "rate(green.errors)" or "p(95)(api_latency_ms)"; nullopt when none.
std::optional<QString> consoleTermOfPromql(const QString& promql);

struct PromqlCondition {
    QString condition;  // the console's text, e.g. "rate(green.errors) > 5%"
    QString term;       // e.g. "rate(green.errors)"
    QString error;      // set when the comparison is not one the console reads
};

// "<term's PromQL> <op> <number>" as the console's condition: rates take
// their bar in percent (0.05 -> 5%), latencies in ms and waits in seconds as
// the PromQL already gives them.
PromqlCondition consoleConditionOfPromql(const QString& comparison);

// The same comparison from its parts (Argo's `result[0] < 0.05` with its
// query): `op` one of < <= > >= == !=.
PromqlCondition consoleConditionOfPromql(const QString& termPromql, const QString& op, double bar);

// A Prometheus duration ("1m", "90s", "1h30m", "500ms") in seconds, as
// Prometheus and Argo Rollouts write them; nullopt for anything else.
std::optional<double> prometheusDurationSeconds(const QString& text);

// yaml-cpp recurses once per level of nesting, so a document nested
// thousands deep would exhaust the stack before it could be refused. The
// files we read need a handful of levels: this says why `yaml` is nested
// deeper than `what` needs, or returns empty.
QString yamlNestingProblem(const QByteArray& yaml, const QString& what);

}  // namespace pulsco
