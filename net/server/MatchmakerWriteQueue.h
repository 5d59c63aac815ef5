// The durability queue of the matchmaker's own writes (matches formed,
// tickets matched or expired). They go to the store a chunk at a time, one
// chunk in flight, so the requests' small batches commit in between: a tick
// matches thousands of tickets at once, and committing all their rows in one
// go held every ticket acknowledgement behind it (tens of milliseconds every
// tick, the tail of the create latency).
//
// Their records stay in memory until they are on disk. If the store refuses
// them they are rebuilt from those records and queued again with the next
// tick's writes, so nothing the matchmaker decided is dropped.
#pragma once

#include "net/server/InMemoryRecords.h"
#include "net/store/StoreRows.h"

#include <QString>

#include <deque>
#include <functional>
#include <vector>

namespace pulsco {

class MatchmakerWriteQueue {
public:
    using Done = std::function<void(bool ok, const QString& error)>;
    // Hands one group of writes to the store's next batch (StoreWriteBatcher).
    using Submit = std::function<void(std::vector<StoreWrite>, Done)>;
    // Sends the groups handed so far to the store now.
    using Flush = std::function<void()>;
    // Wall clock (Unix ms) for the rows rebuilt by a retry.
    using WallClock = std::function<qint64()>;

    MatchmakerWriteQueue(InMemoryRecords& records, Submit submit, Flush flush, WallClock wallMs);

    // A tick's writes, behind what earlier ticks could not write (which goes
    // again first, rebuilt from memory, unless writeUnwrittenNow ran).
    void queue(std::vector<StoreWrite> writes);
    // Writes that must reach the disk after the matchmaker's queued ones (a
    // result for a match not on disk yet); `onDone` reports them.
    void queueAfter(std::vector<StoreWrite> writes, Done onDone);
    // Tries the refused writes once more now, and no more on later ticks
    // (shutdown).
    void writeUnwrittenNow();

    // Records whose last write the store refused, until they are on disk:
    // waiting for the next tick's retry, or in it
    // (pulsco_store_unwritten_updates).
    std::size_t refusedRecords() const { return m_refusedRecords; }
    // Writes queued here, not yet handed to the store.
    std::size_t queuedWrites() const { return m_queuedWriteCount; }
    // Nothing queued and no chunk in flight.
    bool idle() const { return m_queued.empty() && !m_chunkInFlight; }

    static constexpr std::size_t kChunk = 256;  // writes per store batch, about

private:
    void pump();
    std::vector<StoreWrite> rebuildUnwritten();
    static std::vector<RecordRef> recordsOf(const std::vector<StoreWrite>& writes);
    void setUnwritten(const std::vector<RecordRef>& refs, bool unwritten);
    void setRefused(const std::vector<RecordRef>& refs, bool refused);

    InMemoryRecords& m_records;
    Submit m_submit;
    Flush m_flush;
    WallClock m_wallMs;
    struct Deferred {
        std::vector<StoreWrite> writes;
        Done onDone;
    };
    std::deque<Deferred> m_queued;  // not handed to the store yet
    std::size_t m_queuedWriteCount = 0;
    bool m_chunkInFlight = false;
    bool m_finalAttemptMade = false;
    std::vector<qint64> m_unwrittenMatches;  // formed, their insert was refused
    std::vector<qint64> m_unwrittenTickets;  // matched or expired, their update was refused
    std::size_t m_refusedRecords = 0;        // records whose last write was refused
};

}  // namespace pulsco
