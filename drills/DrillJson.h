// Drill files (format 1) <-> DrillScript. Strict: a wrong type, a value out
// of range, an unknown field, an unknown scenario, alert or region is refused
// with "<file>: <field path>: <why>"; nothing half-loaded is returned.
// Format reference: docs/drills.md.
#pragma once

#include "drills/DrillScript.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace pulsco {

inline constexpr int kDrillFormat = 1;
inline constexpr qint64 kMaxDrillBytes = 1024 * 1024;

// What a drill may refer to. Empty lists are not checked (e.g. in a tool
// that has no rule set); the console passes the real ones.
struct DrillContext {
    QStringList scenarios;  // shipped scenario names
    QStringList alerts;     // alert rule names
    QStringList regions;    // region names of the queue config
    // Validates an inline scenario; returns "" or "<field path>: <why>"
    // relative to the scenario object.
    std::function<QString(const QJsonObject& scenario)> checkScenario;
};

struct DrillLoad {
    std::optional<DrillScript> drill;
    QString error;  // "<source>: <field path>: <why>" when drill is empty
};

DrillLoad parseDrill(const QByteArray& json, const QString& sourceName,
                     const DrillContext& context = {});
DrillLoad loadDrillFile(const QString& pathOrResource, const DrillContext& context = {});

QByteArray drillToJson(const DrillScript& drill);

// The shipped drills, embedded as :/pulsco/drills/*.json (sorted by name).
QStringList shippedDrillPaths();

}  // namespace pulsco
