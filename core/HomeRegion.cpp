#include "core/HomeRegion.h"

#include <algorithm>

namespace pulsco {

int homeRegion(const std::vector<PartyMember>& party) {
    int best = -1;
    int bestPing = kUnreachablePing;
    std::size_t regions = 0;
    for (const PartyMember& p : party)
        regions = std::max(regions, p.pingMs.size());
    for (std::size_t r = 0; r < regions; ++r) {
        int worst = 0;
        for (const PartyMember& p : party)
            worst = std::max(worst, r < p.pingMs.size() ? p.pingMs[r] : kUnreachablePing);
        if (worst < bestPing) {
            bestPing = worst;
            best = int(r);
        }
    }
    return best;
}

}  // namespace pulsco
