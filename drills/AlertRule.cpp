#include "drills/AlertRule.h"

using namespace Qt::StringLiterals;

namespace pulsco {

QString toString(AlertSeverity severity) {
    switch (severity) {
    case AlertSeverity::Info:
        return u"info"_s;
    case AlertSeverity::Warning:
        return u"warning"_s;
    case AlertSeverity::Critical:
        return u"critical"_s;
    }
    return u"warning"_s;
}

std::optional<AlertSeverity> alertSeverityFromString(const QString& name) {
    for (AlertSeverity s : {AlertSeverity::Info, AlertSeverity::Warning, AlertSeverity::Critical})
        if (toString(s) == name)
            return s;
    return std::nullopt;
}

QString toString(AlertCheck check) {
    switch (check) {
    case AlertCheck::None:
        return {};
    case AlertCheck::MatcherStalled:
        return u"matcher_stalled"_s;
    case AlertCheck::RegionUnreachable:
        return u"region_unreachable"_s;
    }
    return {};
}

std::optional<AlertCheck> alertCheckFromString(const QString& name) {
    for (AlertCheck c : {AlertCheck::MatcherStalled, AlertCheck::RegionUnreachable})
        if (toString(c) == name)
            return c;
    return std::nullopt;
}

QStringList alertCheckNames() {
    return {toString(AlertCheck::MatcherStalled), toString(AlertCheck::RegionUnreachable)};
}

QString AlertRule::conditionText() const {
    if (check != AlertCheck::None)
        return u"check: "_s + toString(check);
    return expression ? QString::fromStdString(expression->text()) : QString();
}

}  // namespace pulsco
