#include "simulator/engine/Threshold.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace pulsco {

bool Threshold::holds(double value) const {
    switch (op) {
    case Comparison::Less:
        return value < bound;
    case Comparison::LessEqual:
        return value <= bound;
    case Comparison::Greater:
        return value > bound;
    case Comparison::GreaterEqual:
        return value >= bound;
    case Comparison::Equal:
        return value == bound;
    }
    return false;
}

const std::vector<std::string>& thresholdMetricNames() {
    static const std::vector<std::string> names{
        "api_latency_p50_ms",      "api_latency_p95_ms", "api_latency_p99_ms",   "error_rate",
        "ticket_wait_p50_s",       "ticket_wait_p95_s",  "ticket_wait_p99_s",    "expired_rate",
        "cancelled_rate",          "rating_correlation", "balanced_match_share", "matches_total",
        "concurrent_players_peak", "queue_depth_max",    "conservation_ok",      "tick_p99_ms",
    };
    return names;
}

std::string checkThresholdMetric(const std::string& metric) {
    std::string_view name = metric;
    for (std::string_view scope : {"blue.", "green."}) {
        if (name.starts_with(scope)) {
            name.remove_prefix(scope.size());
            break;
        }
    }
    const auto& names = thresholdMetricNames();
    if (std::find(names.begin(), names.end(), name) != names.end())
        return {};
    std::string known;
    for (const auto& n : names)
        known += (known.empty() ? "" : ", ") + n;
    return "unknown metric (known: " + known + "; each may be prefixed by blue. or green.)";
}

std::optional<Threshold> parseThreshold(const std::string& metric, const std::string& text,
                                        std::string* why, bool checkMetric) {
    if (checkMetric) {
        if (std::string problem = checkThresholdMetric(metric); !problem.empty()) {
            *why = problem;
            return std::nullopt;
        }
    }
    std::string_view rest = text;
    while (!rest.empty() && rest.front() == ' ')
        rest.remove_prefix(1);
    Threshold t;
    t.metric = metric;
    t.text = text;
    if (rest.starts_with("<=")) {
        t.op = Comparison::LessEqual;
        rest.remove_prefix(2);
    } else if (rest.starts_with(">=")) {
        t.op = Comparison::GreaterEqual;
        rest.remove_prefix(2);
    } else if (rest.starts_with("==")) {
        t.op = Comparison::Equal;
        rest.remove_prefix(2);
    } else if (rest.starts_with("<")) {
        t.op = Comparison::Less;
        rest.remove_prefix(1);
    } else if (rest.starts_with(">")) {
        t.op = Comparison::Greater;
        rest.remove_prefix(1);
    } else {
        *why = "must be a comparison and a number like \"<150\", \"<=0.001\" or \">0.8\" (got \"" +
               text + "\")";
        return std::nullopt;
    }
    while (!rest.empty() && rest.front() == ' ')
        rest.remove_prefix(1);
    while (!rest.empty() && rest.back() == ' ')
        rest.remove_suffix(1);
    double bound = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), bound);
    if (rest.empty() || ec != std::errc() || end != rest.data() + rest.size() ||
        !std::isfinite(bound)) {
        *why = "must be a comparison and a number like \"<150\", \"<=0.001\" or \">0.8\" (got \"" +
               text + "\")";
        return std::nullopt;
    }
    t.bound = bound;
    return t;
}

}  // namespace pulsco
