// k6-style pass/fail bars on a run's figures: "<150", "<=0.001", ">0.8",
// optionally scoped to one color ("green.error_rate"). Judged at the end.
#pragma once

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

    bool holds(double value) const;
};

// The metric names a threshold may use (without a color scope).
const std::vector<std::string>& thresholdMetricNames();

// Parses `metric` and `text`; on failure returns nullopt and sets *why
// (a sentence without the field path, e.g. "must look like \"<150\"").
std::optional<Threshold> parseThreshold(const std::string& metric, const std::string& text,
                                        std::string* why, bool checkMetric = true);
// Only the metric name, "" when known, else why not.
std::string checkThresholdMetric(const std::string& metric);

struct ThresholdResult {
    Threshold threshold;
    bool hasValue = false;  // false: the run produced no data for it (fails)
    double value = 0;
    bool passed = false;
};

}  // namespace pulsco
