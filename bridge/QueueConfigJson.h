// queues.json <-> QueueConfig (format 1), shared by the simulator, the server
// and the console. The format is documented in docs/file-formats.md.
#pragma once

#include "bridge/JsonReader.h"
#include "core/QueueRules.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace pulsco {

inline constexpr int kQueueConfigFormat = 1;

// Parses and validates (structure here, semantics by core validate()). On
// error returns nullopt and sets *error to "<source>: <field path>: <why>".
std::optional<QueueConfig> parseQueueConfig(const QByteArray& json, const QString& source,
                                            QString* error);
// For a queues object embedded in a larger document (e.g. a scenario's
// "green_queues"): errors, core validate()'s included, go to the reader with
// the object's path ("green_queues.queues[0].team_size: ..."); the returned
// value is meaningless unless the reader is ok().
QueueConfig readQueueConfig(JsonObjectReader object);
// Loads a file path or a Qt resource path such as ":/pulsco/queues.json".
std::optional<QueueConfig> loadQueueConfig(const QString& path, QString* error);
// The config every program uses unless told otherwise (the embedded copy).
inline const char kDefaultQueueConfigPath[] = ":/pulsco/queues.json";

QJsonObject queueRulesToJsonObject(const QueueRules& rules);
QJsonObject queueConfigToJsonObject(const QueueConfig& config);  // with "format"
QByteArray queueConfigToJson(const QueueConfig& config);         // indented, for files

}  // namespace pulsco
