// k6-style pass/fail bars on a run's figures: "<150", "<=0.001", ">0.8",
// optionally scoped to one color ("green.error_rate"). Each metric name is a
// shorthand for a MetricExpression (core/ThresholdMetrics.h), so the figure a
// bar judges is read through MetricCatalog like every gate and alert.
#pragma once

#include "core/MetricExpression.h"
#include "core/MetricsSnapshot.h"

#include <optional>
#include <string>
#include <vector>

namespace pulsco {

enum class Comparison { Less, LessEqual, Greater, GreaterEqual, Equal };

struct Threshold {
    std::string metric;  // e.g. "api_latency_p95_ms" or "green.error_rate"
    std::string text;    // as written: "<150"
    Comparison op = Comparison::Less;
    double bound = 0;
    // The figure over the whole run, and over the last 60 s when it has one
    // (parsed from core/ThresholdMetrics.h; empty only for unchecked bars).
    std::optional<MetricExpression> run;
    std::optional<MetricExpression> recent;
    bool inProcessOnly = false;

    bool holds(double value) const;
    // The run's figure in `snapshot`: nullopt when it has no data.
    std::optional<double> runValue(const MetricsSnapshot& snapshot) const;
    std::optional<double> recentValue(const MetricsSnapshot& snapshot) const;
    bool operator==(const Threshold& o) const {
        return metric == o.metric && text == o.text && op == o.op && bound == o.bound;
    }
};

// The metric names a threshold may use (without a color scope).
std::vector<std::string> thresholdMetricNames();

// Parses `metric` and `text`; on failure returns nullopt and sets *why
// (a sentence without the field path, e.g. "must look like \"<150\"").
std::optional<Threshold> parseThreshold(const std::string& metric, const std::string& text,
                                        std::string* why);
// Only the metric name, "" when known, else why not.
std::string checkThresholdMetric(const std::string& metric);

struct ThresholdResult {
    Threshold threshold;
    bool hasValue = false;  // false: the run produced no data for it (fails)
    double value = 0;
    bool passed = false;
};

}  // namespace pulsco
