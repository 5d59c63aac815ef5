#include "bridge/LogEventJson.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

constexpr LogEventKind kAllKinds[] = {
    LogEventKind::Match,      LogEventKind::Expiry,   LogEventKind::Cancel,
    LogEventKind::FaultStart, LogEventKind::FaultEnd, LogEventKind::Breach,
    LogEventKind::Traffic,    LogEventKind::Info,     LogEventKind::Error,
};
constexpr qsizetype kMaxTextLength = 4096;

QStringList kindNames() {
    QStringList names;
    for (LogEventKind kind : kAllKinds)
        names.append(QString::fromLatin1(toString(kind)));
    return names;
}

}  // namespace

LogEvent readLogEvent(JsonObjectReader o) {
    LogEvent event;
    const QStringList names = kindNames();
    const QString kind = o.oneOf(u"kind", names);
    if (o.ok())
        event.kind = kAllKinds[names.indexOf(kind)];
    event.timeSeconds = o.number(u"time_s", 0);
    event.wallTimeUnixMs = o.number(u"wall_ms", 0);
    event.color = o.oneOf(u"color", {QString(), u"blue"_s, u"green"_s}).toStdString();
    event.text = o.string(u"text", kMaxTextLength).toStdString();
    o.finish();
    return event;
}

std::optional<LogEvent> logEventFromJson(const QByteArray& json, const QString& source,
                                         QString* error) {
    JsonReader reader(source);
    LogEvent event;
    if (std::optional<JsonObjectReader> root = reader.parseObject(json))
        event = readLogEvent(*root);
    if (!reader.ok()) {
        if (error)
            *error = reader.error();
        return std::nullopt;
    }
    return event;
}

QJsonObject logEventToJsonObject(const LogEvent& event) {
    return QJsonObject{
        {u"kind"_s, QString::fromLatin1(toString(event.kind))},
        {u"time_s"_s, event.timeSeconds},
        {u"wall_ms"_s, event.wallTimeUnixMs},
        {u"color"_s, QString::fromStdString(event.color)},
        {u"text"_s, QString::fromStdString(event.text)},
    };
}

void writeLogEvent(JsonWriter& out, const LogEvent& event) {
    out.beginObject();
    out.field("kind", toString(event.kind));
    out.field("time_s", event.timeSeconds);
    out.field("wall_ms", event.wallTimeUnixMs);
    out.field("color", std::string_view(event.color));
    out.field("text", std::string_view(event.text));
    out.endObject();
}

}  // namespace pulsco
