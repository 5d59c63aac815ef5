// The snapshot's per-queue figures from the matchmaker's queue status and
// the matches formed per queue: one conversion for pulsco-matchd's
// /v1/stats and a replay's snapshot.
#pragma once

#include "core/Matchmaker.h"
#include "core/MetricsSnapshot.h"

#include <cstdint>
#include <vector>

namespace pulsco {

// Appends one QueueSnapshot per status to `into`; returns the players
// searching in all of them. `matchesByQueue` is indexed like `status`
// (missing entries count 0).
std::uint64_t appendQueueSnapshots(const std::vector<QueueStatus>& status,
                                   const std::vector<std::uint64_t>& matchesByQueue,
                                   std::vector<QueueSnapshot>& into);

}  // namespace pulsco
