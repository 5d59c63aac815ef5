#include "net/server/FaultState.h"

#include "bridge/FaultSpecJson.h"
#include "bridge/JsonWriter.h"
#include "core/FaultEffects.h"

#include <QJsonDocument>

#include <cmath>
#include <limits>

namespace pulsco {

std::string FaultState::add(const FaultSpec& spec, double now, qint64* id) {
    switch (spec.kind) {
    case FaultKind::Latency:
    case FaultKind::LatencyFactor:
    case FaultKind::ErrorRate:
    case FaultKind::RegionOutage:
    case FaultKind::MatcherStall:
    case FaultKind::StoreLatency:
    case FaultKind::Inconsistency:
    case FaultKind::BadRelease:
        break;
    case FaultKind::PlayerSurge:
        return "kind: 'player_surge' is more players, not something a server does; on a "
               "staging stack the drill starts extra load (pulsco-sim --target) instead";
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

std::vector<std::reference_wrapper<const FaultSpec>> FaultState::runningSpecs(double now) const {
    std::vector<std::reference_wrapper<const FaultSpec>> out;
    for (const auto& a : m_faults)
        if (running(a, now))
            out.emplace_back(a.spec);
    return out;
}

// The routes draw once per request for the latency faults (`random01`) and
// once for the error_rate faults: a fault with share s hits s of requests.
double FaultState::latencyMs(double now, double random01) const {
    const auto draw = [random01](double share) { return random01 < share; };
    return requestImpact(runningSpecs(now), m_color, false, draw).addedLatencyMs;
}

double FaultState::latencyFactor(double now, double random01) const {
    const auto draw = [random01](double share) { return random01 < share; };
    return requestImpact(runningSpecs(now), m_color, false, draw).latencyFactor;
}

bool FaultState::injectError(double now, double random01) const {
    const auto draw = [random01](double share) { return random01 < share; };
    return requestImpact(runningSpecs(now), m_color, false, draw).fails;
}

int FaultState::takeStartedCorruptions(double now) {
    int started = 0;
    for (auto& a : m_faults)
        if (a.spec.kind == FaultKind::Inconsistency && !a.corrupted && running(a, now)) {
            a.corrupted = true;
            ++started;
        }
    return started;
}

bool FaultState::stalled(double now) const {
    return matcherStalled(runningSpecs(now), m_color);
}

int FaultState::endRunningStalls(double now) {
    const auto before = m_faults.size();
    std::erase_if(m_faults, [&](const Active& a) {
        return a.spec.kind == FaultKind::MatcherStall && running(a, now);
    });
    return int(before - m_faults.size());
}

std::vector<std::string> FaultState::regionsOut(double now) const {
    std::vector<std::string> out;
    for (const auto& a : m_faults)
        if (a.spec.kind == FaultKind::RegionOutage && running(a, now))
            out.push_back(a.spec.region);
    return out;
}

int FaultState::storeLatencyMs(double now) const {
    return int(std::lround(pulsco::storeLatencyMs(runningSpecs(now), m_color)));
}

double FaultState::releaseSkillFactor(double now) const {
    return pulsco::releaseSkillFactor(runningSpecs(now), m_color);
}

std::vector<std::string> FaultState::describe(double now) const {
    std::vector<std::string> out;
    for (const auto& a : m_faults)
        if (running(a, now))
            out.push_back(describeFault(a.spec, m_color));
    return out;
}

std::optional<double> FaultState::onset(double now) const {
    std::optional<double> earliest;
    for (const auto& a : m_faults)
        if (running(a, now) && (!earliest || a.startsAt < *earliest))
            earliest = a.startsAt;
    return earliest;
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
