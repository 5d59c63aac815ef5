#include "bridge/FaultSpecJson.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

constexpr double kMaxSeconds = 1e9;
constexpr double kMaxLatencyMs = 600000;
constexpr double kMaxMultiplier = 1000;

// Which optional parameters a kind takes.
struct KindFields {
    bool latency = false;
    bool share = false;
    bool shareRequired = false;
    bool multiplier = false;
    bool region = false;
};

KindFields fieldsOf(FaultKind kind) {
    KindFields f;
    switch (kind) {
    case FaultKind::Latency:
        f.latency = f.share = true;
        break;
    case FaultKind::StoreLatency:
        f.latency = true;
        break;
    case FaultKind::ErrorRate:
        f.share = f.shareRequired = true;
        break;
    case FaultKind::PlayerSurge:
    case FaultKind::BadRelease:
        f.multiplier = true;
        break;
    case FaultKind::LatencyFactor:
        f.multiplier = f.share = true;
        break;
    case FaultKind::RegionOutage:
        f.region = true;
        break;
    case FaultKind::MatcherStall:
    case FaultKind::Inconsistency:
        break;
    }
    return f;
}

QStringList kindNames() {
    QStringList names;
    for (FaultKind kind : kAllFaultKinds)
        names.append(QString::fromLatin1(toString(kind)));
    return names;
}

}  // namespace

FaultSpec readFaultSpec(JsonObjectReader o) {
    FaultSpec fault;
    const QString kindName = o.oneOf(u"kind", kindNames());
    if (!o.ok())
        return fault;
    fault.kind = faultKindFromString(kindName.toStdString()).value_or(FaultKind::Latency);
    fault.atSeconds = o.optionalNumber(u"at_s", 0, 0, kMaxSeconds);
    fault.durationSeconds = o.optionalNumber(u"duration_s", 0, 0, kMaxSeconds);
    const QString target =
        o.optionalOneOf(u"target", {u"blue"_s, u"green"_s, u"both"_s}, u"both"_s);
    fault.target = faultTargetFromString(target.toStdString()).value_or(FaultTarget::Both);

    const KindFields fields = fieldsOf(fault.kind);
    if (fields.latency)
        fault.latencyMs = o.number(u"latency_ms", 0, kMaxLatencyMs);
    if (fields.shareRequired)
        fault.share = o.number(u"share", 0, 1);
    else if (fields.share)
        fault.share = o.optionalNumber(u"share", 1.0, 0, 1);
    if (fields.multiplier)
        fault.multiplier = o.number(u"multiplier", 0, kMaxMultiplier);
    if (fields.region)
        fault.region = o.string(u"region", 64).toStdString();
    // Fields of other kinds are unknown here: a "share" on a stall is a mistake.
    o.finish();
    if (!o.ok())
        return fault;

    // core's message is "<field>: <why>"; re-anchor it at this object's path.
    const QString why = QString::fromStdString(validate(fault));
    if (!why.isEmpty()) {
        const qsizetype colon = why.indexOf(u": "_s);
        if (colon > 0)
            o.fail(why.left(colon), why.mid(colon + 2));
        else
            o.fail({}, why);
    }
    return fault;
}

std::optional<FaultSpec> faultSpecFromJson(const QByteArray& json, const QString& source,
                                           QString* error) {
    JsonReader reader(source);
    FaultSpec fault;
    if (std::optional<JsonObjectReader> root = reader.parseObject(json))
        fault = readFaultSpec(*root);
    if (!reader.ok()) {
        if (error)
            *error = reader.error();
        return std::nullopt;
    }
    return fault;
}

QJsonObject faultSpecToJsonObject(const FaultSpec& fault) {
    QJsonObject o{
        {u"kind"_s, QString::fromLatin1(toString(fault.kind))},
        {u"at_s"_s, fault.atSeconds},
        {u"duration_s"_s, fault.durationSeconds},
        {u"target"_s, QString::fromLatin1(toString(fault.target))},
    };
    const KindFields fields = fieldsOf(fault.kind);
    if (fields.latency)
        o.insert(u"latency_ms"_s, fault.latencyMs);
    if (fields.share)
        o.insert(u"share"_s, fault.share);
    if (fields.multiplier)
        o.insert(u"multiplier"_s, fault.multiplier);
    if (fields.region)
        o.insert(u"region"_s, QString::fromStdString(fault.region));
    return o;
}

void writeFaultSpec(JsonWriter& out, const FaultSpec& fault) {
    out.beginObject();
    out.field("kind", toString(fault.kind));
    out.field("at_s", fault.atSeconds);
    out.field("duration_s", fault.durationSeconds);
    out.field("target", toString(fault.target));
    const KindFields fields = fieldsOf(fault.kind);
    if (fields.latency)
        out.field("latency_ms", fault.latencyMs);
    if (fields.share)
        out.field("share", fault.share);
    if (fields.multiplier)
        out.field("multiplier", fault.multiplier);
    if (fields.region)
        out.field("region", std::string_view(fault.region));
    out.endObject();
}

}  // namespace pulsco
