#include "net/server/UptimeLedger.h"

#include "net/store/GroupCommitStore.h"

#include <algorithm>

namespace pulsco {

UptimeLedger::UptimeLedger(std::vector<UpIntervalRow> recovered, qint64 maxId, qint64 periodMs)
    : m_intervals(std::move(recovered))
    , m_nextId(maxId + 1)
    , m_periodMs(std::max<qint64>(periodMs, 1)) {}

UpIntervalRow UptimeLedger::beat(qint64 nowMs) {
    // Only an interval of this process, extended by a committed beat
    // recently enough, goes on: a previous run's interval never does (the
    // restart between them was down), nor one whose beats stopped reaching
    // the disk.
    if (m_currentId != 0 && !m_intervals.empty() && m_intervals.back().id == m_currentId) {
        const UpIntervalRow& current = m_intervals.back();
        if (nowMs >= current.lastBeatMs && nowMs - current.lastBeatMs <= kGapBeats * m_periodMs)
            return {current.id, current.startedMs, nowMs};
    }
    m_currentId = 0;
    const qint64 id = m_nextId++;
    return {id, nowMs, nowMs};
}

void UptimeLedger::committed(const UpIntervalRow& row) {
    auto it = std::find_if(m_intervals.rbegin(), m_intervals.rend(),
                           [&](const UpIntervalRow& r) { return r.id == row.id; });
    if (it != m_intervals.rend()) {
        it->lastBeatMs = std::max(it->lastBeatMs, row.lastBeatMs);
    } else {
        m_intervals.push_back(row);
        m_currentId = row.id;
    }
    const qint64 keepFrom = row.lastBeatMs - qint64(StoreRecovery::kUpHistoryDays) * 86400 * 1000;
    std::erase_if(m_intervals, [&](const UpIntervalRow& r) { return r.lastBeatMs < keepFrom; });
}

AvailabilityHistory UptimeLedger::history(qint64 nowMs) const {
    AvailabilityHistory h;
    h.nowSeconds = double(nowMs) / 1000.0;
    h.fromSeconds = h.nowSeconds;
    for (const UpIntervalRow& r : m_intervals) {
        h.fromSeconds = std::min(h.fromSeconds, double(r.startedMs) / 1000.0);
        h.up.push_back({double(r.startedMs) / 1000.0, double(r.lastBeatMs) / 1000.0});
    }
    normalize(h);
    return h;
}

}  // namespace pulsco
