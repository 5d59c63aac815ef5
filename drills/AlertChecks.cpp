#include "drills/AlertChecks.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace pulsco {

CheckResult MatcherStallDetector::observe(const MetricsSnapshot& s) {
    CheckResult result;
    QStringList stalled;
    const EnvironmentMetrics* envs[2] = {&s.blue, &s.green};
    for (std::size_t c = 0; c < 2; ++c) {
        Track& t = m_colors[c];
        const EnvironmentMetrics& env = *envs[c];
        // A new source (time went back) or an idle colour starts a fresh track.
        if (!t.seen || s.timeSeconds < t.lastProgress || env.tickets.searching == 0 ||
            env.matchesTotal != t.matches) {
            t.seen = true;
            t.matches = env.matchesTotal;
            t.lastProgress = s.timeSeconds;
            continue;
        }
        const double quiet = s.timeSeconds - t.lastProgress;
        if (quiet >= kQuietSeconds && env.tickets.searching >= kMinSearching)
            stalled.append(u"%1: no match for %2 s, %3 tickets searching"_s.arg(
                c == 0 ? u"blue"_s : u"green"_s, QString::number(quiet, 'f', 0),
                QString::number(env.tickets.searching)));
    }
    result.holds = !stalled.isEmpty();
    result.detail = stalled.join(u"; "_s);
    return result;
}

CheckResult checkRegionUnreachable(const MetricsSnapshot& s) {
    // A region an operator has shed is out of service on purpose: its
    // players are sent elsewhere, so its outage no longer pages. The shed
    // state is the servers' own admission state as their snapshots report
    // it, not the console's record of having asked.
    QStringList down;
    QStringList shed;
    for (const auto& [name, region] : s.regions) {
        if (region.reachable)
            continue;
        (region.shed ? shed : down).append(QString::fromStdString(name));
    }
    CheckResult result;
    result.holds = !down.isEmpty();
    if (result.holds)
        result.detail = u"unreachable: "_s + down.join(u", "_s);
    if (!shed.isEmpty())
        result.detail +=
            (result.holds ? u"; "_s : QString()) + u"shed, not paging: "_s + shed.join(u", "_s);
    return result;
}

CheckResult AlertCheckState::observe(const MetricsSnapshot& snapshot) {
    switch (m_check) {
    case AlertCheck::MatcherStalled:
        return m_stall.observe(snapshot);
    case AlertCheck::RegionUnreachable:
        return checkRegionUnreachable(snapshot);
    case AlertCheck::None:
        break;
    }
    return {};
}

}  // namespace pulsco
