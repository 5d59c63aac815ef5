#include "net/server/FaultState.h"

#include "bridge/FaultSpecJson.h"
#include "bridge/JsonWriter.h"

#include <QJsonDocument>

#include <cmath>
#include <limits>

namespace pulsco {

std::string FaultState::add(const FaultSpec& spec, double now, qint64* id) {
    switch (spec.kind) {
    case FaultKind::Latency:
    case FaultKind::ErrorRate:
    case FaultKind::MatcherStall:
    case FaultKind::StoreLatency:
        break;
    default:
        return std::string("kind: '") + toString(spec.kind) +
               "' is a simulator fault; pulsco-matchd plays latency, error_rate, stall and "
               "store_latency";
    }
    const FaultTarget mine = m_color == Color::Blue ? FaultTarget::Blue : FaultTarget::Green;
    if (spec.target != FaultTarget::Both && spec.target != mine)
        return std::string("target: this server is ") + toString(m_color) + ", not " +
               toString(spec.target);
    if (m_faults.size() >= 32)
        return "faults: at most 32 at a time; DELETE /v1/admin/faults first";
    Active a;
    a.id = m_nextId++;
    a.spec = spec;
    a.startsAt = now + spec.atSeconds;
    a.endsAt = spec.durationSeconds > 0 ? a.startsAt + spec.durationSeconds
                                        : std::numeric_limits<double>::infinity();
    m_faults.push_back(a);
    *id = a.id;
    return {};
}

bool FaultState::update(double now) {
    const auto before = m_faults.size();
    std::erase_if(m_faults, [now](const Active& a) { return now >= a.endsAt; });
    std::size_t runningNow = 0;
    for (const auto& a : m_faults)
        runningNow += running(a, now) ? 1 : 0;
    const bool changed = before != m_faults.size() || runningNow != m_lastRunning;
    m_lastRunning = runningNow;
    return changed;
}

double FaultState::latencyMs(double now, double random01) const {
    double ms = 0;
    for (const auto& a : m_faults)
        if (a.spec.kind == FaultKind::Latency && running(a, now) && random01 < a.spec.share)
            ms += a.spec.latencyMs;
    return ms;
}

bool FaultState::injectError(double now, double random01) const {
    for (const auto& a : m_faults)
        if (a.spec.kind == FaultKind::ErrorRate && running(a, now) && random01 < a.spec.share)
            return true;
    return false;
}

bool FaultState::stalled(double now) const {
    for (const auto& a : m_faults)
        if (a.spec.kind == FaultKind::MatcherStall && running(a, now))
            return true;
    return false;
}

int FaultState::storeLatencyMs(double now) const {
    double ms = 0;
    for (const auto& a : m_faults)
        if (a.spec.kind == FaultKind::StoreLatency && running(a, now))
            ms += a.spec.latencyMs;
    return int(std::lround(ms));
}

std::vector<std::string> FaultState::describe(double now) const {
    std::vector<std::string> out;
    const std::string color = toString(m_color);
    for (const auto& a : m_faults) {
        if (!running(a, now))
            continue;
        switch (a.spec.kind) {
        case FaultKind::Latency:
            out.push_back("latency +" + std::to_string(std::lround(a.spec.latencyMs)) + "ms " +
                          color);
            break;
        case FaultKind::ErrorRate:
            out.push_back("error_rate " + std::to_string(std::lround(a.spec.share * 100)) + "% " +
                          color);
            break;
        case FaultKind::MatcherStall:
            out.push_back("stall " + color);
            break;
        case FaultKind::StoreLatency:
            out.push_back("store_latency +" + std::to_string(std::lround(a.spec.latencyMs)) +
                          "ms " + color);
            break;
        default:
            out.push_back(std::string(toString(a.spec.kind)) + " " + color);
        }
    }
    return out;
}

QByteArray FaultState::toJson(double now) const {
    QByteArray out;
    JsonWriter w(&out);
    w.beginObject();
    w.key("faults");
    w.beginArray();
    for (const auto& a : m_faults) {
        w.beginObject();
        w.field("id", std::int64_t(a.id));
        w.field("running", running(a, now));
        w.key("fault");
        writeFaultSpec(w, a.spec);
        w.endObject();
    }
    w.endArray();
    w.endObject();
    return out;
}

}  // namespace pulsco
