#include "simulator/engine/Threshold.h"

#include "core/Color.h"
#include "core/ThresholdMetrics.h"

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

std::vector<std::string> thresholdMetricNames() {
    std::vector<std::string> names;
    for (const ThresholdMetric& m : thresholdMetrics())
        names.emplace_back(m.name);
    return names;
}

namespace {

std::optional<double> valueOf(const std::optional<MetricExpression>& e, const MetricsSnapshot& s) {
    if (!e)
        return std::nullopt;
    const ExpressionValue v = e->evaluate(s);
    return v.hasValue ? std::optional<double>(v.value) : std::nullopt;
}

// The expression a scoped name stands for; nullopt with *why when the name
// is unknown or takes no colour scope.
std::optional<MetricExpression> expressionFor(std::string_view pattern, std::optional<Color> scope,
                                              std::string* why) {
    ExpressionError error;
    auto e = MetricExpression::parse(scopedExpression(pattern, scope), &error);
    if (!e && why)
        *why = "cannot be read: " + error.describe();  // a table bug, kept visible
    return e;
}

}  // namespace

std::optional<double> Threshold::runValue(const MetricsSnapshot& snapshot) const {
    return valueOf(run, snapshot);
}

std::optional<double> Threshold::recentValue(const MetricsSnapshot& snapshot) const {
    return valueOf(recent, snapshot);
}

std::string checkThresholdMetric(const std::string& metric) {
    const ScopedName scoped = splitScope(metric);
    const ThresholdMetric* known = findThresholdMetric(scoped.name);
    if (!known) {
        std::string list;
        for (const ThresholdMetric& m : thresholdMetrics())
            list += (list.empty() ? "" : ", ") + std::string(m.name);
        return "unknown metric (known: " + list +
               "; a per-colour figure may be prefixed by blue. or green.)";
    }
    if (scoped.color && known->run.find('$') == std::string_view::npos)
        return "'" + std::string(known->name) +
               "' is one figure for the whole run and takes no blue. or green. scope";
    return {};
}

std::optional<Threshold> parseThreshold(const std::string& metric, const std::string& text,
                                        std::string* why) {
    if (std::string problem = checkThresholdMetric(metric); !problem.empty()) {
        *why = problem;
        return std::nullopt;
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
    const ScopedName scoped = splitScope(metric);
    const ThresholdMetric& figure = *findThresholdMetric(scoped.name);
    t.inProcessOnly = figure.inProcessOnly;
    t.run = expressionFor(figure.run, scoped.color, why);
    if (!t.run)
        return std::nullopt;
    if (!figure.recent.empty()) {
        t.recent = expressionFor(figure.recent, scoped.color, why);
        if (!t.recent)
            return std::nullopt;
    }
    return t;
}

}  // namespace pulsco
