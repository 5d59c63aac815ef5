// One message of pulsco-matchd's /v1/events WebSocket stream, as the console
// reads it (docs/api.md): the envelope (`seq`, `type`) and, by type, a
// metrics snapshot or an event-log line. Kept apart from LiveServerLink so
// the parser can be tested and fuzzed without a socket.
#pragma once

#include "core/LogEvent.h"
#include "core/MetricsSnapshot.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace pulsco {

struct EventMessage {
    quint64 seq = 0;
    QString type;  // "snapshot", "ticket", "match"; others are read and ignored
    std::optional<MetricsSnapshot> snapshot;  // type "snapshot"
    // An expiry, a cancellation or a match: the changes worth a log line
    // (searching and matched tickets are too many to log).
    std::optional<LogEvent> event;
};

struct EventMessageContext {
    QString source;      // names the stream in errors, e.g. "http://host:8080/v1/events"
    QString color;       // the server's colour, stamped on events
    double timeSeconds;  // source time to stamp on events (the latest snapshot's)
    double wallUnixMs;   // wall clock to stamp on events
};

// The message, or nullopt with "<source>: <field>: <why>" in `error`.
// Unknown fields are tolerated (a newer server may add some); known ones
// must have their documented types and ranges.
std::optional<EventMessage> parseEventMessage(const QByteArray& text,
                                              const EventMessageContext& context, QString* error);

}  // namespace pulsco
