// Rollout plan files (format 2; format 1 is migrated as it is read:
// environments by phase, default minimum samples) -> RolloutPlan. Strict: unknown fields,
// wrong types, duplicate ids and bad expressions are refused with
// "<file>: <field path>: <why>" (an expression error also gives the
// position inside it); nothing half-loaded is returned.
#pragma once

#include "bridge/JsonReader.h"
#include "rollout/RolloutPlan.h"

#include <QByteArray>
#include <QJsonArray>
#include <QString>

#include <optional>

namespace pulsco {

inline constexpr qint64 kMaxPlanBytes = 4 * 1024 * 1024;
inline const QString kShippedPlanPath = QStringLiteral(":/pulsco/rollout/pulsco-rollout.json");

struct RolloutPlanLoad {
    std::optional<RolloutPlan> plan;
    QString error;
};

RolloutPlanLoad parseRolloutPlan(const QByteArray& json, const QString& sourceName);
RolloutPlanLoad loadRolloutPlanFile(const QString& pathOrResource);

// Reads a metric expression field; on a bad expression records
// "<path>: at N: <why>" in the reader.
std::optional<MetricExpression> readExpression(JsonObjectReader& object, QStringView key);

// The traffic steps alone (the step list is edited per rollout and kept in
// the audit trail with the rollout that used it).
QJsonArray trafficStepsToJson(const std::vector<TrafficStep>& steps);
std::vector<TrafficStep> readTrafficSteps(JsonReader& reader, JsonArrayReader array);
std::optional<std::vector<TrafficStep>>
trafficStepsFromJson(const QByteArray& json, const QString& sourceName, QString* error);

}  // namespace pulsco
