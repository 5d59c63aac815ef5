// What the canary judge reads from the Source (issue 21, item 5): the
// metrics an analysis step's `judge:` may name, their defaults, and each
// colour's observations since the step began, from the cumulative
// counters and histograms of two snapshots (the histograms' 1 % buckets
// are the judge's weighted values: one bucket, one tie group).
#pragma once

#include "core/CanaryJudge.h"
#include "core/MetricsSnapshot.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace pulsco {

// api_latency_ms, ticket_wait_s, match_quality, error_rate, expired_rate.
QStringList canaryMetricNames();
// The metric with its kind and default direction (match quality: a
// decrease is bad; the others: an increase); nullopt for an unknown name.
std::optional<CanaryMetric> canaryMetricDefaults(const QString& name);

// Green's and blue's observations between `start` and `now` (a counter
// that went backwards, a restarted server, counts from zero).
CanarySamples canarySamples(const CanaryMetric& metric, const MetricsSnapshot& now,
                            const MetricsSnapshot& start);

std::vector<WeightedValue> weightedBuckets(const Histogram& histogram);

// One look's verdicts as the audit trail keeps them (analysis rows'
// evidence, "judge"): the score and outcome, and per metric the verdict,
// whether it failed, the change and its interval, blue's level, the
// observations per colour and the reason.
QJsonObject canaryJudgementToJson(const CanaryStepJudgement& judgement);

}  // namespace pulsco
