#include "ui/KpiStatus.h"

#include "core/MetricExpression.h"

#include <cmath>

namespace pulsco {

using namespace Qt::StringLiterals;

KpiLevel classifyAgainstUpperBar(double value, double bar, double warnRatio) {
    if (!std::isfinite(value) || !std::isfinite(bar) || bar <= 0)
        return KpiLevel::Unknown;
    if (value >= bar)
        return KpiLevel::Breach;
    if (value >= bar * warnRatio)
        return KpiLevel::Warning;
    return KpiLevel::Ok;
}

QString levelText(KpiLevel level) {
    switch (level) {
    case KpiLevel::Neutral:
        return {};
    case KpiLevel::Unknown:
        return u"NO DATA"_s;
    case KpiLevel::Ok:
        return u"✔ OK"_s;
    case KpiLevel::Warning:
        return u"▲ WARNING"_s;
    case KpiLevel::Breach:
        return u"✖ BREACH"_s;
    }
    return {};
}

std::optional<double> kpiValue(const KpiBar& bar, const MetricsSnapshot& snapshot) {
    // Parsed once per call: a handful of tiles at most 4 times a second.
    ExpressionError error;
    const auto expression = MetricExpression::parse(bar.figure, &error);
    if (!expression)
        return std::nullopt;  // tst_ui_rules parses every bar, so this is a build-time bug
    const ExpressionValue v = expression->evaluate(snapshot);
    return v.hasValue ? std::optional<double>(v.value) : std::nullopt;
}

}  // namespace pulsco
