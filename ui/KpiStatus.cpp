#include "ui/KpiStatus.h"

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

}  // namespace pulsco
