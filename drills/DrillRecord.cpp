#include "drills/DrillRecord.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {
constexpr DrillEventKind kAllKinds[] = {
    DrillEventKind::Started,     DrillEventKind::FaultInjected, DrillEventKind::FaultEnded,
    DrillEventKind::AlertFiring, DrillEventKind::AlertResolved, DrillEventKind::Acknowledged,
    DrillEventKind::Action,      DrillEventKind::Note,          DrillEventKind::HealthRestored,
    DrillEventKind::Paused,      DrillEventKind::Resumed,       DrillEventKind::EmergencyStop,
    DrillEventKind::Finished,
};
}  // namespace

QString toString(DrillEventKind kind) {
    switch (kind) {
    case DrillEventKind::Started:
        return u"started"_s;
    case DrillEventKind::FaultInjected:
        return u"fault_injected"_s;
    case DrillEventKind::FaultEnded:
        return u"fault_ended"_s;
    case DrillEventKind::AlertFiring:
        return u"alert_firing"_s;
    case DrillEventKind::AlertResolved:
        return u"alert_resolved"_s;
    case DrillEventKind::Acknowledged:
        return u"acknowledged"_s;
    case DrillEventKind::Action:
        return u"action"_s;
    case DrillEventKind::Note:
        return u"note"_s;
    case DrillEventKind::HealthRestored:
        return u"health_restored"_s;
    case DrillEventKind::Paused:
        return u"paused"_s;
    case DrillEventKind::Resumed:
        return u"resumed"_s;
    case DrillEventKind::EmergencyStop:
        return u"emergency_stop"_s;
    case DrillEventKind::Finished:
        return u"finished"_s;
    }
    return u"note"_s;
}

std::optional<DrillEventKind> drillEventKindFromString(const QString& name) {
    for (DrillEventKind k : kAllKinds)
        if (toString(k) == name)
            return k;
    return std::nullopt;
}

QString formatDrillTime(double seconds) {
    if (std::isnan(seconds))
        return u"—"_s;
    const bool negative = seconds < 0;
    const auto total = static_cast<qint64>(std::llround(std::fabs(seconds)));
    const qint64 h = total / 3600, m = (total / 60) % 60, s = total % 60;
    QString text =
        h > 0 ? u"%1:%2:%3"_s.arg(h).arg(m, 2, 10, QLatin1Char('0')).arg(s, 2, 10, QLatin1Char('0'))
              : u"%1:%2"_s.arg(m, 2, 10, QLatin1Char('0')).arg(s, 2, 10, QLatin1Char('0'));
    return negative ? u"-"_s + text : text;
}

}  // namespace pulsco
