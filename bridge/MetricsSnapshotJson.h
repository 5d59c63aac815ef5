// MetricsSnapshot <-> JSON: the body of GET /v1/stats, the snapshot stream and
// the simulator's reports. Compact, snake_case, "format": 1; documented field
// by field in docs/snapshot-schema.md.
#pragma once

#include "bridge/JsonReader.h"
#include "bridge/JsonWriter.h"
#include "core/MetricsSnapshot.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace pulsco {

// The whole snapshot as one compact JSON object.
QByteArray metricsSnapshotToJson(const MetricsSnapshot& snapshot);
// For embedding a snapshot in a larger document written with JsonWriter.
void writeMetricsSnapshot(JsonWriter& out, const MetricsSnapshot& snapshot);
// The snapshot's "integrity" object alone (GET /v1/integrity serves it too).
void writeIntegrityReport(JsonWriter& out, const IntegrityReport& report);

// Strict parse: unknown fields, wrong types, a missing or other "format" are
// refused with "<source>: <field path>: <why>" in *error; nothing half-parsed
// is returned.
std::optional<MetricsSnapshot> metricsSnapshotFromJson(const QByteArray& json,
                                                       const QString& source, QString* error);
// For a snapshot embedded in a larger document; errors go to the reader.
MetricsSnapshot readMetricsSnapshot(JsonObjectReader object);

}  // namespace pulsco
