// pulsco-matchd's durable record of its own up time. A heartbeat every few
// seconds extends the current up interval in the store (a row of
// `up_intervals`); the record grows only when that write committed. After a
// crash or a kill -9 the time until the next start has no interval: it is
// downtime, visible to anyone who reads the record. A store that refuses
// writes (full disk, failing database) makes no heartbeat either, so the
// server is down for that time, as its /readyz said. A heartbeat that comes
// late (the process was stopped or starved for more than kGapBeats periods)
// opens a new interval, so the stall shows as a gap too.
#pragma once

#include "core/Availability.h"
#include "net/store/StoreRows.h"

#include <vector>

namespace pulsco {

class UptimeLedger {
public:
    static constexpr int kGapBeats = 3;

    // `recovered`: the intervals the store holds (oldest first), `maxId`
    // the largest id ever used; `periodMs` the heartbeat period.
    UptimeLedger(std::vector<UpIntervalRow> recovered, qint64 maxId, qint64 periodMs);

    // The heartbeat row to write at `nowMs` (Unix ms): the current interval
    // extended to now when its last committed beat is recent, else a new one.
    UpIntervalRow beat(qint64 nowMs);
    // The heartbeat's write committed: only now is the time on record.
    void committed(const UpIntervalRow& row);

    // The record as an availability history in Unix seconds: from the first
    // interval kept (the last 35 days) to `nowMs`, up where an interval was.
    AvailabilityHistory history(qint64 nowMs) const;
    qint64 periodMs() const { return m_periodMs; }
    std::size_t intervalCount() const { return m_intervals.size(); }

private:
    std::vector<UpIntervalRow> m_intervals;  // committed, oldest first
    qint64 m_nextId;
    qint64 m_periodMs;
    qint64 m_currentId = 0;  // the interval this process extends; 0 before its first commit
};

}  // namespace pulsco
