// The small expression language of rollout gates and alert rules, k6-style:
//   p(95)(api_latency_ms) < 150        rate(errors) < 0.1%
//   max(concurrent_players) >= 1000    uptime >= 99.9%
//   conservation == ok                 rate(green.errors) > 5% or p(99)(green.api_latency_ms) >
//   5000
// Grammar and metric names: docs/expressions.md. Parsed once, evaluated
// against each MetricsSnapshot through MetricCatalog.
#pragma once

#include "core/MetricsSnapshot.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pulsco {

struct ExpressionError {
    std::size_t position = 0;      // 0-based offset into the source text
    std::string message;           // "expected ')' after the percentile"
    std::string describe() const;  // "at 12: expected ..."
};

// What evaluating an expression gave: a number, or "no data" with a reason
// (e.g. a percentile of an empty histogram), which gates treat as not passing.
struct ExpressionValue {
    bool hasValue = false;
    double value = 0;
    std::string noDataReason;
    bool truthy() const { return hasValue && value != 0; }
};

class MetricExpression {
public:
    // Parses `text`; on failure returns nullopt and fills *error.
    static std::optional<MetricExpression> parse(const std::string& text, ExpressionError* error);

    // `uptime` reads availability over the last `availabilityWindowSeconds`
    // (0: the whole history); a gate passes its hold time.
    ExpressionValue evaluate(const MetricsSnapshot& snapshot,
                             double availabilityWindowSeconds = 0) const;
    const std::string& text() const { return m_text; }
    bool isComparison() const;  // true when the top level yields a boolean

    // Every metric name the expression reads, e.g. "green.api_latency_ms".
    std::vector<std::string> metrics() const;

    struct Node;
    MetricExpression(MetricExpression&&) noexcept;
    MetricExpression& operator=(MetricExpression&&) noexcept;
    MetricExpression(const MetricExpression&);
    MetricExpression& operator=(const MetricExpression&);
    ~MetricExpression();

private:
    MetricExpression() = default;
    std::string m_text;
    std::shared_ptr<const Node> m_root;
};

}  // namespace pulsco
