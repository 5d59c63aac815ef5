// The fault object of scenario files, drill files and POST /v1/admin/faults:
//   {"kind": "latency", "at_s": 600, "duration_s": 120, "target": "green",
//    "latency_ms": 300, "share": 0.5}
// Each kind takes only its own fields (docs/file-formats.md lists them).
#pragma once

#include "bridge/JsonReader.h"
#include "bridge/JsonWriter.h"
#include "core/Fault.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace pulsco {

// Reads one fault object (e.g. an element of a scenario's "faults"); checks
// kind-specific fields and core validate(FaultSpec). Errors go to the reader
// with the object's path; the returned value is meaningless unless ok().
FaultSpec readFaultSpec(JsonObjectReader object);
// A whole request body or file that is one fault object.
std::optional<FaultSpec> faultSpecFromJson(const QByteArray& json, const QString& source,
                                           QString* error);

// Writes only the fields the fault's kind uses.
QJsonObject faultSpecToJsonObject(const FaultSpec& fault);
void writeFaultSpec(JsonWriter& out, const FaultSpec& fault);

}  // namespace pulsco
