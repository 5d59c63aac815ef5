#include "net/live/EventMessage.h"

#include "bridge/JsonReader.h"
#include "bridge/MetricsSnapshotJson.h"

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

LogEvent stamped(const EventMessageContext& context, LogEventKind kind, const QString& text) {
    LogEvent event;
    event.kind = kind;
    event.color = context.color.toStdString();
    event.timeSeconds = context.timeSeconds;
    event.wallTimeUnixMs = context.wallUnixMs;
    event.text = text.toStdString();
    return event;
}

}  // namespace

std::optional<EventMessage> parseEventMessage(const QByteArray& text,
                                              const EventMessageContext& context, QString* error) {
    JsonReader reader(context.source);
    auto message = reader.parseObject(text);
    EventMessage out;
    if (message) {
        out.seq = quint64(message->integer(u"seq", 0, qint64(1) << 53));
        out.type = message->optionalString(u"type", QString(), 32);
        if (out.type == u"snapshot") {
            out.snapshot = readMetricsSnapshot(message->object(u"snapshot"));
        } else if (out.type == u"match") {
            JsonObjectReader match = message->object(u"match");
            const QString id = match.string(u"match_id", 64);
            const QString queue = match.string(u"queue", 128);
            const QString region = match.string(u"region", 128);
            const double quality = match.number(u"quality", 0, 1);
            out.event = stamped(context, LogEventKind::Match,
                                queue + u" match "_s + id + u" in "_s + region + u", quality "_s +
                                    QString::number(quality, 'f', 2));
        } else if (out.type == u"ticket") {
            const QString id = message->string(u"ticket_id", 64);
            const QString state = message->oneOf(
                u"state", {u"searching"_s, u"matched"_s, u"expired"_s, u"cancelled"_s});
            message->optionalString(u"match_id", QString(), 64);
            if (state == u"expired" || state == u"cancelled")
                out.event = stamped(
                    context, state == u"expired" ? LogEventKind::Expiry : LogEventKind::Cancel,
                    u"ticket "_s + id + u' ' + state);
        }
    }
    if (!reader.ok()) {
        if (error)
            *error = reader.error();
        return std::nullopt;
    }
    return out;
}

}  // namespace pulsco
