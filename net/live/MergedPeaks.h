// The fleet's peaks as the console saw them: the maximum, over the merges of
// one watching session, of the players online and tickets searching summed
// across the servers at that merge (mergeServerSnapshots). A sum of the
// servers' own peaks would count players who were never there at the same
// time; this never does. The price: the peaks cover only the time the
// console has watched, sampled at each merge (about once a second per
// server).
#pragma once

#include "core/MetricsSnapshot.h"

#include <cstdint>

namespace pulsco {

class MergedPeaks {
public:
    // One merge's moment sums (its concurrentPlayersPeak and queueDepthPeak,
    // as mergeServerSnapshots sets them) raise the peaks.
    void observe(const MetricsSnapshot& merged);
    // Writes the peaks so far into `merged`.
    void apply(MetricsSnapshot& merged) const;
    void reset() { *this = {}; }  // a new watching session

    std::uint64_t concurrentPlayers() const { return m_players; }
    std::uint64_t queueDepth() const { return m_queueDepth; }

private:
    std::uint64_t m_players = 0;
    std::uint64_t m_queueDepth = 0;
};

}  // namespace pulsco
