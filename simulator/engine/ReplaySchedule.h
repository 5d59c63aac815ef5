// What a replay sends and when: the recording's arrivals (and K-1 jittered
// copies of each with --amplify K) and their cancels, in time order from
// the first arrival. One schedule for the replay into the core
// (ReplayEngine, virtual clock) and against live servers (pulsco-sim
// --replay --target, real clock), so both send the same tickets at the same
// offsets for one recording, amplify and seed.
//
// A copy is later than its original by a jitter drawn from the seed (below
// `jitterSeconds`), has new player ids ("<id>:k2" for the second copy: characters a live server
// accepts) and the same queue, ratings and pings; its cancel keeps the original's delay. Cancels of
// tickets from before the recording started are left out. Recorded results
// and gaps are not scheduled: matches form anew.
#pragma once

#include "core/Recording.h"

#include <cstdint>
#include <vector>

namespace pulsco {

struct ReplayItem {
    double t = 0;              // seconds after the first recorded arrival
    bool arrival = true;       // else a cancel
    std::uint32_t ticket = 0;  // index into ReplaySchedule::tickets
    std::uint64_t order = 0;   // ties keep the recording's order
};

struct ReplaySchedule {
    // Requests as recorded: pings in the recording header's region order.
    std::vector<TicketRequest> tickets;
    std::vector<ReplayItem> items;  // sorted by t, then order
    double lastArrival = 0;
};

ReplaySchedule buildReplaySchedule(const std::vector<RecordedEvent>& events, int amplify,
                                   double jitterSeconds, std::uint64_t seed);

}  // namespace pulsco
