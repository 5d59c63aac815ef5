// The names an expression can read from a MetricsSnapshot, and how each is
// computed. One table so gates, alerts and their documentation agree.
#pragma once

#include "core/Histogram.h"
#include "core/MetricsSnapshot.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pulsco {

enum class MetricShape { Histogram, Counter, Gauge };

struct MetricInfo {
    std::string_view name;
    MetricShape shape;
    std::string_view unit;
    std::string_view description;
    bool perColor = true;  // false: one figure for the whole source, no blue./green. scope
};

class MetricCatalog {
public:
    static const std::vector<MetricInfo>& all();
    static const MetricInfo* find(std::string_view name);  // name without scope

    // Scope: "" (blue+green), "blue" or "green". Returns null when unknown.
    static const EnvironmentMetrics* environment(const MetricsSnapshot& s, std::string_view scope);

    // A histogram metric (recent 60 s window where one exists).
    static const Histogram* histogram(const MetricsSnapshot& s, std::string_view scope,
                                      std::string_view name);
    // A counter or gauge value; nullopt when the metric has no value now.
    // `uptime` and `uptime_history_s` read the last `windowSeconds` of the
    // availability history (0: all of it).
    static std::optional<double> value(const MetricsSnapshot& s, std::string_view scope,
                                       std::string_view name, double windowSeconds = 0);
    // rate(name): share of the counter in its natural denominator over the
    // recent window (errors/requests, expired/created, ...).
    static std::optional<double> rate(const MetricsSnapshot& s, std::string_view scope,
                                      std::string_view name);
    // The counters rate() takes, and the list as a sentence for messages.
    static bool hasRate(std::string_view name);
    static std::string rateNames();
};

}  // namespace pulsco
