// Scenario files (format 1) <-> Scenario: strict, every error names the
// file, the field path and why; unknown fields are refused; nothing
// half-loaded is returned. Field reference: docs/scenario-format.md.
#pragma once

#include "simulator/engine/Scenario.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace pulsco {

inline constexpr int kScenarioFormat = 1;
inline constexpr qint64 kMaxScenarioBytes = 1024 * 1024;

struct ScenarioLoad {
    std::optional<Scenario> scenario;
    QString error;  // "<file>: <field path>: <why>" when scenario is empty
};

// `sourceName` names the input in errors and anchors relative "queues" paths.
ScenarioLoad parseScenario(const QByteArray& json, const QString& sourceName);
// A file path, or a Qt resource such as ":/pulsco/scenarios/baseline-1000.json".
ScenarioLoad loadScenarioFile(const QString& pathOrResource);

// Names of the embedded scenarios (":/pulsco/scenarios/*.json"), sorted.
QStringList shippedScenarioNames();
QString shippedScenarioPath(const QString& name);

}  // namespace pulsco
