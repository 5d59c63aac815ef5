#include "core/FaultEffects.h"

#include "core/NumberText.h"

namespace pulsco {

namespace {

std::string percent(double share) {
    std::string s = std::to_string(share * 100.0);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.')
        s.pop_back();
    return s + " %";
}

std::string number(double v, int decimals) {
    return fixedText(v, decimals);
}

}  // namespace

QueueConfig defectiveRelease(QueueConfig shipped, double skillFactor) {
    for (QueueRules& q : shipped.queues) {
        std::vector<WaitStep> steps = q.skillWindow.steps();
        for (WaitStep& s : steps)
            s.value *= skillFactor;
        q.skillWindow = WaitWindowSchedule(std::move(steps));
    }
    return shipped;
}

std::string describeFault(const FaultSpec& f, std::optional<Color> where) {
    const std::string target = where ? toString(*where) : toString(f.target);
    switch (f.kind) {
    case FaultKind::Latency:
        return "latency +" + number(f.latencyMs, 0) + " ms on " + percent(f.share) +
               " of requests, " + target;
    case FaultKind::LatencyFactor:
        return "latency x" + number(f.multiplier, 2) + " on " + percent(f.share) +
               " of requests, " + target;
    case FaultKind::ErrorRate:
        return "error rate " + percent(f.share) + " (503), " + target;
    case FaultKind::MatcherStall:
        return "matcher stall, " + target;
    case FaultKind::RegionOutage:
        return "region outage " + f.region;
    case FaultKind::PlayerSurge:
        return "player surge x" + number(f.multiplier, 1);
    case FaultKind::BadRelease:
        return "bad release (skill window x" + number(f.multiplier, 2) + "), " + target;
    case FaultKind::StoreLatency:
        return "store latency +" + number(f.latencyMs, 0) + " ms, " + target;
    case FaultKind::Inconsistency:
        return "inconsistency (records corrupted on purpose), " + target;
    }
    return "fault";
}

}  // namespace pulsco
