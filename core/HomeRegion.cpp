#include "core/HomeRegion.h"

#include <algorithm>

namespace pulsco {

int worstPing(const std::vector<PartyMember>& party, int region) {
    if (region < 0)
        return kUnreachablePing;
    int worst = 0;
    for (const PartyMember& p : party)
        worst = std::max(worst, std::size_t(region) < p.pingMs.size()
                                    ? std::min(p.pingMs[std::size_t(region)], kUnreachablePing)
                                    : kUnreachablePing);
    return worst;
}

int homeRegion(const std::vector<PartyMember>& party) {
    int best = -1;
    int bestPing = kUnreachablePing;
    std::size_t regions = 0;
    for (const PartyMember& p : party)
        regions = std::max(regions, p.pingMs.size());
    for (std::size_t r = 0; r < regions; ++r) {
        const int worst = worstPing(party, int(r));
        if (worst < bestPing) {
            bestPing = worst;
            best = int(r);
        }
    }
    return best;
}

}  // namespace pulsco
