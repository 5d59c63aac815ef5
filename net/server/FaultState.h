// Drill faults injected into a staging pulsco-matchd through the admin API:
// latency, latency_factor and error_rate change real answers, region_outage
// takes a region's game servers out (MatchService::setRegionsOut), bad_release
// switches the matcher onto defective rules (MatchService::
// setReleaseSkillFactor), stall
// stops the matcher's
// ticks, store_latency slows every commit, inconsistency corrupts one stored
// record once when it starts (clearing it repairs nothing). Each fault may start later
// (at_s, from when it was posted) and end by itself (duration_s).
#pragma once

#include "core/Fault.h"

#include <QByteArray>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pulsco {

class FaultState {
public:
    struct Active {
        qint64 id = 0;
        FaultSpec spec;
        double startsAt = 0;     // server clock
        double endsAt = 0;       // +inf when duration_s is 0
        bool corrupted = false;  // inconsistency: its one corruption is done
    };

    explicit FaultState(Color color)
        : m_color(color) {}

    // "" when accepted, else "<field>: <why>" (e.g. a kind the server cannot play).
    std::string add(const FaultSpec& spec, double now, qint64* id);
    void clear() { m_faults.clear(); }
    // Drops ended faults; true when the set of running faults changed.
    bool update(double now);

    double latencyMs(double now, double random01) const;
    // What latency_factor faults multiply this request's time in the server
    // by (1 without one); the routes hold the answer back accordingly.
    double latencyFactor(double now, double random01) const;
    bool injectError(double now, double random01) const;
    bool stalled(double now) const;
    // A restart of the matcher cures the matcher_stall faults running now
    // (the wedged loop is gone; one that starts later still stalls it): they
    // end, and their number is returned.
    int endRunningStalls(double now);
    // The regions region_outage faults take out now (names, as posted).
    std::vector<std::string> regionsOut(double now) const;
    int storeLatencyMs(double now) const;
    // How much running bad_release faults multiply the skill windows (1: none).
    double releaseSkillFactor(double now) const;
    // `inconsistency` faults that started running since the last call: the
    // server corrupts one stored record for each, once.
    int takeStartedCorruptions(double now);

    std::vector<std::string> describe(double now) const;  // running ones, for snapshots
    // When the earliest of the faults running at `now` began (its startsAt:
    // when it was posted, plus at_s), on the server clock; none when none
    // runs. Time to detect is counted from here (MetricsSnapshot).
    std::optional<double> onset(double now) const;
    QByteArray toJson(double now) const;  // {"faults":[{id, running, fault...}]}

private:
    static bool running(const Active& a, double now) { return now >= a.startsAt && now < a.endsAt; }
    // The specs of the faults in force at `now`, for core/FaultEffects.h.
    // References, not copies: the routes ask twice per request.
    std::vector<std::reference_wrapper<const FaultSpec>> runningSpecs(double now) const;
    Color m_color;
    std::vector<Active> m_faults;
    qint64 m_nextId = 1;
    std::size_t m_lastRunning = 0;
};

}  // namespace pulsco
