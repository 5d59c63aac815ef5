#include "net/live/MergedPeaks.h"

#include <algorithm>

namespace pulsco {

void MergedPeaks::observe(const MetricsSnapshot& merged) {
    m_players = std::max(m_players, merged.concurrentPlayersPeak);
    m_queueDepth = std::max(m_queueDepth, merged.queueDepthPeak);
}

void MergedPeaks::apply(MetricsSnapshot& merged) const {
    merged.concurrentPlayersPeak = m_players;
    merged.queueDepthPeak = m_queueDepth;
}

}  // namespace pulsco
