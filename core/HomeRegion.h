// The region a party is "of" for per-region figures: the one where its
// worst ping is lowest (ties: the first in queues.json); -1 when none is
// reachable. One definition for pulsco-matchd's /v1/stats and a replay's
// arrival counts, so both count a party in the same region.
#pragma once

#include "core/Matchmaker.h"

#include <vector>

namespace pulsco {

int homeRegion(const std::vector<PartyMember>& party);
// The party's worst ping to `region` (kUnreachablePing when a member has
// none, or the region is out of range).
int worstPing(const std::vector<PartyMember>& party, int region);

}  // namespace pulsco
