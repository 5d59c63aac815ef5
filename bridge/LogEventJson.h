// One event-log line as JSON, for the event stream and reports:
//   {"kind": "match", "time_s": 12.5, "wall_ms": 1764133200000, "color": "blue",
//    "text": "ranked-5v5 match 17 in eu-west"}
#pragma once

#include "bridge/JsonReader.h"
#include "bridge/JsonWriter.h"
#include "core/LogEvent.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace pulsco {

LogEvent readLogEvent(JsonObjectReader object);  // errors go to the reader
std::optional<LogEvent> logEventFromJson(const QByteArray& json, const QString& source,
                                         QString* error);

QJsonObject logEventToJsonObject(const LogEvent& event);
void writeLogEvent(JsonWriter& out, const LogEvent& event);

}  // namespace pulsco
