#include "core/ThresholdMetrics.h"

#include <algorithm>

namespace pulsco {

const std::vector<ThresholdMetric>& thresholdMetrics() {
    static const std::vector<ThresholdMetric> table{
        {"api_latency_p50_ms", "p(50)($api_latency_ms_all)", "p(50)($api_latency_ms)"},
        {"api_latency_p95_ms", "p(95)($api_latency_ms_all)", "p(95)($api_latency_ms)"},
        {"api_latency_p99_ms", "p(99)($api_latency_ms_all)", "p(99)($api_latency_ms)"},
        {"error_rate", "rate($errors_total)", "rate($errors)"},
        {"ticket_wait_p50_s", "p(50)($ticket_wait_s_all)", "p(50)($ticket_wait_s)"},
        {"ticket_wait_p95_s", "p(95)($ticket_wait_s_all)", "p(95)($ticket_wait_s)"},
        {"ticket_wait_p99_s", "p(99)($ticket_wait_s_all)", "p(99)($ticket_wait_s)"},
        {"expired_rate", "rate($tickets_expired)", ""},
        {"cancelled_rate", "rate($tickets_cancelled)", ""},
        {"rating_correlation", "rating_correlation", "", true},
        {"balanced_match_share", "rate($matches_balanced)", "", true},
        {"matches_total", "$matches", ""},
        {"concurrent_players_peak", "max(concurrent_players)", ""},
        {"queue_depth_max", "queue_depth_peak", "", true},
        {"conservation_ok", "conservation", "", true},
        {"tick_p99_ms", "p(99)(tick_ms)", "", true},
    };
    return table;
}

const ThresholdMetric* findThresholdMetric(std::string_view name) {
    const auto& table = thresholdMetrics();
    const auto it = std::find_if(table.begin(), table.end(),
                                 [name](const ThresholdMetric& m) { return m.name == name; });
    return it == table.end() ? nullptr : &*it;
}

std::string scopedExpression(std::string_view pattern, std::optional<Color> scope) {
    const std::string prefix = scope ? std::string(toString(*scope)) + "." : std::string();
    std::string out;
    for (char c : pattern) {
        if (c == '$')
            out += prefix;
        else
            out += c;
    }
    return out;
}

}  // namespace pulsco
