#include "net/server/MatchmakerWriteQueue.h"

#include "net/server/RecordRows.h"

#include <algorithm>
#include <iterator>

namespace pulsco {

MatchmakerWriteQueue::MatchmakerWriteQueue(InMemoryRecords& records, Submit submit, Flush flush,
                                           WallClock wallMs)
    : m_records(records)
    , m_submit(std::move(submit))
    , m_flush(std::move(flush))
    , m_wallMs(std::move(wallMs)) {}

void MatchmakerWriteQueue::queue(std::vector<StoreWrite> writes) {
    // What an earlier tick could not write goes again (rebuilt from memory).
    if (!m_finalAttemptMade && (!m_unwrittenMatches.empty() || !m_unwrittenTickets.empty())) {
        std::vector<StoreWrite> retry = rebuildUnwritten();
        retry.insert(retry.end(), std::make_move_iterator(writes.begin()),
                     std::make_move_iterator(writes.end()));
        writes = std::move(retry);
    }
    if (writes.empty())
        return;
    setUnwritten(recordsOf(writes), true);
    // In groups of at most one chunk: matches and ticket updates are rows of
    // their own, so no group needs them together.
    for (std::size_t from = 0; from < writes.size(); from += kChunk) {
        const auto first = writes.begin() + std::ptrdiff_t(from);
        const auto last = writes.begin() + std::ptrdiff_t(std::min(writes.size(), from + kChunk));
        queueAfter(
            std::vector<StoreWrite>(std::make_move_iterator(first), std::make_move_iterator(last)),
            nullptr);
    }
}

void MatchmakerWriteQueue::queueAfter(std::vector<StoreWrite> writes, Done onDone) {
    m_queuedWriteCount += writes.size();
    m_queued.push_back({std::move(writes), std::move(onDone)});
    pump();
}

void MatchmakerWriteQueue::writeUnwrittenNow() {
    m_finalAttemptMade = true;
    queue(rebuildUnwritten());
}

void MatchmakerWriteQueue::pump() {
    // One chunk in flight at a time (see the header).
    if (m_chunkInFlight || m_queued.empty())
        return;
    m_chunkInFlight = true;
    std::size_t taken = 0;
    while (!m_queued.empty() && (taken == 0 || taken + m_queued.front().writes.size() <= kChunk)) {
        Deferred group = std::move(m_queued.front());
        m_queued.pop_front();
        taken += group.writes.size();
        m_queuedWriteCount -= group.writes.size();
        const bool lastOfChunk =
            m_queued.empty() || taken + m_queued.front().writes.size() > kChunk;
        std::vector<RecordRef> refs = recordsOf(group.writes);
        m_submit(std::move(group.writes),
                 [this, refs = std::move(refs), onDone = std::move(group.onDone),
                  lastOfChunk](bool ok, const QString& error) {
                     if (ok) {
                         setUnwritten(refs, false);
                         setRefused(refs, false);
                     } else {
                         // Nothing the matchmaker decided is dropped: the next
                         // tick writes it again (the store logs why it failed).
                         for (const RecordRef& r : refs)
                             (r.isMatch ? m_unwrittenMatches : m_unwrittenTickets).push_back(r.seq);
                         setRefused(refs, true);
                     }
                     if (onDone)
                         onDone(ok, error);
                     if (lastOfChunk) {
                         m_chunkInFlight = false;
                         pump();
                     }
                 });
    }
    m_flush();
}

std::vector<StoreWrite> MatchmakerWriteQueue::rebuildUnwritten() {
    std::vector<StoreWrite> writes;
    writes.reserve(m_unwrittenMatches.size() + m_unwrittenTickets.size());
    for (qint64 seq : m_unwrittenMatches) {
        const MatchRecord* m = m_records.match(seq);
        if (!m)
            continue;
        writes.push_back(InsertMatch{matchRow(*m)});
        // A result reported meanwhile updated no row on disk: the match was not there.
        if (m->winnerTeam >= 0)
            writes.push_back(SetMatchResult{seq, m->winnerTeam, m_wallMs()});
    }
    for (qint64 seq : m_unwrittenTickets)
        if (const TicketRecord* t = m_records.ticket(seq))
            writes.push_back(ticketStateUpdate(*t, m_wallMs()));
    m_unwrittenMatches.clear();
    m_unwrittenTickets.clear();
    return writes;
}

std::vector<RecordRef> MatchmakerWriteQueue::recordsOf(const std::vector<StoreWrite>& writes) {
    std::vector<RecordRef> refs;
    refs.reserve(writes.size());
    for (const StoreWrite& w : writes) {
        if (const auto* m = std::get_if<InsertMatch>(&w))
            refs.push_back({true, m->row.seq});
        else if (const auto* t = std::get_if<UpdateTicketState>(&w))
            refs.push_back({false, t->seq});
    }
    return refs;
}

void MatchmakerWriteQueue::setUnwritten(const std::vector<RecordRef>& refs, bool unwritten) {
    for (const RecordRef& r : refs) {
        if (r.isMatch) {
            if (MatchRecord* m = m_records.match(r.seq))
                m->unwritten = unwritten;
        } else if (TicketRecord* t = m_records.ticket(r.seq)) {
            t->unwritten = unwritten;
        }
    }
}

// Counts the records whose last write the store refused. The lists of
// refused rows empty while their retry is in flight; this count does not, so
// pulsco_store_unwritten_updates stays up until the rows are on disk.
void MatchmakerWriteQueue::setRefused(const std::vector<RecordRef>& refs, bool refused) {
    const auto mark = [this, refused](bool& flag) {
        if (flag == refused)
            return;
        flag = refused;
        refused ? ++m_refusedRecords : --m_refusedRecords;
    };
    for (const RecordRef& r : refs) {
        if (r.isMatch) {
            if (MatchRecord* m = m_records.match(r.seq))
                mark(m->refused);
        } else if (TicketRecord* t = m_records.ticket(r.seq)) {
            mark(t->refused);
        }
    }
}

}  // namespace pulsco
