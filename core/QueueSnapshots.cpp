#include "core/QueueSnapshots.h"

namespace pulsco {

std::uint64_t appendQueueSnapshots(const std::vector<QueueStatus>& status,
                                   const std::vector<std::uint64_t>& matchesByQueue,
                                   std::vector<QueueSnapshot>& into) {
    std::uint64_t players = 0;
    for (std::size_t i = 0; i < status.size(); ++i) {
        QueueSnapshot q;
        q.name = status[i].name;
        q.depth = std::uint64_t(status[i].depth);
        q.playersSearching = std::uint64_t(status[i].playersSearching);
        q.oldestWaitSeconds = status[i].oldestWaitSeconds;
        q.matchesTotal = i < matchesByQueue.size() ? matchesByQueue[i] : 0;
        players += q.playersSearching;
        into.push_back(std::move(q));
    }
    return players;
}

}  // namespace pulsco
