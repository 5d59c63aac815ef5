#include "drills/DrillAction.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {
constexpr DrillActionKind kAll[] = {
    DrillActionKind::Rollback,       DrillActionKind::Drain,    DrillActionKind::ShedRegion,
    DrillActionKind::RestartMatcher, DrillActionKind::ScaleOut, DrillActionKind::FailoverStore,
    DrillActionKind::Escalate,       DrillActionKind::Note,
};
}  // namespace

QString toString(DrillActionKind kind) {
    switch (kind) {
    case DrillActionKind::Rollback:
        return u"rollback"_s;
    case DrillActionKind::Drain:
        return u"drain"_s;
    case DrillActionKind::ShedRegion:
        return u"shed_region"_s;
    case DrillActionKind::RestartMatcher:
        return u"restart_matcher"_s;
    case DrillActionKind::ScaleOut:
        return u"scale_out"_s;
    case DrillActionKind::FailoverStore:
        return u"failover_store"_s;
    case DrillActionKind::Escalate:
        return u"escalate"_s;
    case DrillActionKind::Note:
        return u"note"_s;
    }
    return u"note"_s;
}

std::optional<DrillActionKind> drillActionKindFromString(const QString& name) {
    for (DrillActionKind k : kAll)
        if (toString(k) == name)
            return k;
    return std::nullopt;
}

QStringList drillActionKindNames() {
    QStringList names;
    for (DrillActionKind k : kAll)
        names.append(toString(k));
    return names;
}

QString drillActionTitle(DrillActionKind kind) {
    switch (kind) {
    case DrillActionKind::Rollback:
        return QCoreApplication::translate("DrillAction", "Roll back green");
    case DrillActionKind::Drain:
        return QCoreApplication::translate("DrillAction", "Drain a server");
    case DrillActionKind::ShedRegion:
        return QCoreApplication::translate("DrillAction", "Shed a region");
    case DrillActionKind::RestartMatcher:
        return QCoreApplication::translate("DrillAction", "Restart the matcher");
    case DrillActionKind::ScaleOut:
        return QCoreApplication::translate("DrillAction", "Scale out + admission control");
    case DrillActionKind::FailoverStore:
        return QCoreApplication::translate("DrillAction", "Fail over the database");
    case DrillActionKind::Escalate:
        return QCoreApplication::translate("DrillAction", "Escalate");
    case DrillActionKind::Note:
        return QCoreApplication::translate("DrillAction", "Diagnosis note");
    }
    return {};
}

bool isRemediation(DrillActionKind kind) {
    return kind != DrillActionKind::Escalate && kind != DrillActionKind::Note;
}

bool DrillAction::matches(const DrillAction& other) const {
    if (kind != other.kind)
        return false;
    if (kind == DrillActionKind::Drain)
        return target == other.target;
    if (kind == DrillActionKind::ShedRegion)
        return region == other.region;
    return true;
}

QString DrillAction::describe() const {
    switch (kind) {
    case DrillActionKind::Drain:
        return u"drain "_s + target;
    case DrillActionKind::ShedRegion:
        return u"shed region "_s + region;
    default:
        return toString(kind);
    }
}

}  // namespace pulsco
