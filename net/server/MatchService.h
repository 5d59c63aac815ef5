// The matchmaking service of pulsco-matchd: the core Matchmaker on a real
// clock, the API's ticket and match ids, player ratings, and durability
// through the group-commit store. Lives on the server's main thread; the
// store works on its own thread and acknowledges batches back here.
//
// Answers that promise durability (201 for a ticket, cancel, result) are
// sent only after the store committed the writes behind them.
#pragma once

#include "core/Matchmaker.h"
#include "net/http/HttpResponse.h"
#include "net/store/GroupCommitStore.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>
#include <unordered_map>

namespace pulsco {

class ServerMetrics;
struct TicketBody;

class MatchService : public QObject {
    Q_OBJECT
public:
    using Reply = std::function<void(HttpResponse)>;

    MatchService(QueueConfig config, GroupCommitStore* store, ServerMetrics* metrics,
                 QObject* parent = nullptr);
    ~MatchService() override;

    // Resumes from what the store found: ids continue, ratings are known,
    // searching tickets are queued again with their original age (and expire
    // on the first tick if that age is past their queue's max wait).
    void recover(const StoreRecovery& recovery);
    void start(int tickMs);

    void createTicket(TicketBody body, Reply reply);
    void getTicket(qint64 seq, Reply reply);
    void cancelTicket(qint64 seq, Reply reply);
    void getMatch(qint64 seq, Reply reply);
    void reportResult(qint64 seq, const QByteArray& body, Reply reply);
    QByteArray queuesJson() const;

    void setDraining(bool draining) { m_draining = draining; }
    bool draining() const { return m_draining; }
    void setStalled(bool stalled) { m_stalled = stalled; }
    bool storeHealthy() const { return m_storeHealthy; }
    // No durable answer is waiting for the store.
    bool idle() const {
        return m_pending.empty() && m_unsubmittedDone.empty() && m_matchmakerWrites.empty() &&
               !m_matchmakerChunkInFlight;
    }
    // New tickets are refused (503 overloaded) while more writes than this
    // wait for the store, so a slow disk cannot grow memory without bound.
    void setMaxStoreBacklog(quint64 writes) { m_maxStoreBacklog = writes; }
    // How many finished tickets and formed matches stay in memory (older ones
    // are read back from the store); beyond them memory stays flat.
    void setMemoryLimits(std::size_t finishedTickets, std::size_t matches);
    std::size_t ticketsInMemory() const { return m_tickets.size(); }
    std::size_t matchesInMemory() const { return m_matches.size(); }
    std::size_t ratingsInMemory() const { return m_ratings.size(); }
    // The matchmaker's own writes (matches formed, tickets matched or
    // expired) that the store refused and that are not on disk yet: waiting
    // for the next tick's retry, or in it.
    std::size_t unwrittenTickUpdates() const { return m_refusedRecords; }
    // The matchmaker's rows queued behind request writes, not yet submitted.
    std::size_t queuedMatchmakerWrites() const { return m_matchmakerWriteCount; }
    // Tries them once more now, and no more on later ticks (shutdown).
    void writeUnwrittenNow();

    const QueueConfig& config() const { return m_matchmaker.config(); }
    std::vector<QueueStatus> queueStatus() const { return m_matchmaker.queueStatus(now()); }
    double now() const;  // server clock, seconds
    std::optional<Rating> storedRating(const std::string& playerId) const;

signals:
    void ticked();
    // For the event stream: a ticket changed state ("searching" on create).
    void ticketEvent(const QString& ticketId, const QString& state, const QString& matchId);
    void matchEvent(const QByteArray& matchJson);

private:
    struct TicketRecord;
    struct MatchRecord;

    void tick();
    void onBatchCommitted(quint64 lastToken, bool ok, const QString& error);
    // Submits writes; `onDone(ok, error)` runs once they are committed.
    void submitThen(std::vector<StoreWrite> writes,
                    std::function<void(bool, const QString&)> onDone);
    // Hands the writes gathered by submitThen to the store in one submit.
    void flushWrites();
    void withTicket(qint64 seq, std::function<void(TicketRecord*)> then);
    void withMatch(qint64 seq, std::function<void(MatchRecord*)> then);
    QByteArray ticketJson(const TicketRecord& t) const;
    QByteArray matchJson(const MatchRecord& m) const;
    MatchRow matchRow(const MatchRecord& m) const;
    // The matchmaker's writes (matches formed, tickets matched or expired)
    // go to the store a chunk at a time, between the requests' batches, and
    // their records stay in memory until they are on disk. If the store
    // refuses them they are rebuilt from those records and queued again on
    // the next tick.
    struct RecordRef {
        bool isMatch;
        qint64 seq;
    };
    void queueMatchmakerWrites(std::vector<StoreWrite> writes);
    // Writes that must reach the disk after the matchmaker's queued ones (a
    // result for a match not on disk yet).
    void queueAfterMatchmakerWrites(std::vector<StoreWrite> writes,
                                    std::function<void(bool, const QString&)> onDone);
    void pumpMatchmakerWrites();
    std::vector<StoreWrite> rebuildUnwritten();
    static std::vector<RecordRef> recordsOf(const std::vector<StoreWrite>& writes);
    void setUnwritten(const std::vector<RecordRef>& refs, bool unwritten);
    void setRefused(const std::vector<RecordRef>& refs, bool refused);
    void finishTicket(TicketRecord& t, TicketState state, double waitSeconds, qint64 matchSeq,
                      std::vector<StoreWrite>& writes);
    // Forgets the oldest finished tickets and matches beyond the limits; they
    // are read back from the store when asked for, so memory stays bounded.
    void trimMemory();

    Matchmaker m_matchmaker;
    RatingModel m_ratingModel;
    GroupCommitStore* m_store;
    ServerMetrics* m_metrics;
    QTimer m_tickTimer;
    QElapsedTimer m_clock;
    double m_clockOffset = 0;
    qint64 m_nextTicketSeq = 1;
    qint64 m_nextMatchSeq = 1;
    bool m_draining = false;
    bool m_stalled = false;
    bool m_storeHealthy = true;

    std::unordered_map<qint64, std::unique_ptr<TicketRecord>> m_tickets;
    std::unordered_map<TicketId, qint64> m_byCoreId;
    std::unordered_map<qint64, std::unique_ptr<MatchRecord>> m_matches;
    std::unordered_map<std::string, Rating> m_ratings;
    std::deque<qint64> m_finishedOrder;   // ticket seqs in the order they finished
    std::deque<qint64> m_matchOrder;      // match seqs in the order they formed
    std::size_t m_finishedLimit = 30000;  // MatchdOptions::memoryTickets
    std::size_t m_matchLimit = 15000;     // MatchdOptions::memoryMatches
    quint64 m_maxStoreBacklog = 200000;
    struct DeferredWrites {
        std::vector<StoreWrite> writes;
        std::function<void(bool, const QString&)> onDone;
    };
    static constexpr std::size_t kMatchmakerChunk = 256;  // writes per store batch, about
    std::deque<DeferredWrites> m_matchmakerWrites;        // not handed to the store yet
    std::size_t m_matchmakerWriteCount = 0;
    bool m_matchmakerChunkInFlight = false;
    bool m_finalAttemptMade = false;
    std::vector<qint64> m_unwrittenMatches;  // formed, their insert failed
    std::vector<qint64> m_unwrittenTickets;  // matched or expired, their update failed
    std::size_t m_refusedRecords = 0;        // records whose last write was refused

    struct Pending {
        quint64 token;
        std::function<void(bool, const QString&)> onDone;
    };
    std::deque<Pending> m_pending;
    std::vector<std::vector<StoreWrite>> m_unsubmitted;  // one group per request
    std::size_t m_unsubmittedWrites = 0;
    std::vector<std::function<void(bool, const QString&)>> m_unsubmittedDone;
    bool m_flushPosted = false;
    MatchmakerOutput m_output;
};

}  // namespace pulsco
