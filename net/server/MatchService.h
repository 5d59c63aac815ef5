// The matchmaking service of pulsco-matchd: the core Matchmaker on a real
// clock, the API's ticket and match ids, player ratings, and durability
// through the group-commit store. Lives on the server's main thread; the
// store works on its own thread and acknowledges batches back here.
//
// Answers that promise durability (201 for a ticket, cancel, result) are
// sent only after the store committed the writes behind them.
//
// A coordinator: the records it holds are InMemoryRecords, the request
// writes go through StoreWriteBatcher, the matchmaker's own writes through
// MatchmakerWriteQueue, answers are built by ServiceAnswers, and records
// forgotten by memory come back through net/store/RowReads.
#pragma once

#include "core/Matchmaker.h"
#include "net/http/HttpResponse.h"
#include "net/server/InMemoryRecords.h"
#include "net/server/IntegrityCheck.h"
#include "net/server/MatchmakerWriteQueue.h"
#include "net/server/RecordIds.h"
#include "net/server/StoreWriteBatcher.h"
#include "net/store/GroupCommitStore.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace pulsco {

class ArrivalRecorder;
class ServerMetrics;
struct TicketBody;

class MatchService : public QObject {
    Q_OBJECT
public:
    using Reply = std::function<void(HttpResponse)>;

    // `ids` issues the API's ids ("blue-t17") and recognises those of
    // other servers (answered 421, not looked up).
    MatchService(QueueConfig config, GroupCommitStore* store, ServerMetrics* metrics,
                 RecordIds ids = RecordIds(), QObject* parent = nullptr);
    ~MatchService() override;

    // Resumes from what the store found: ids continue, ratings are known,
    // searching tickets are queued again with their original age (and expire
    // on the first tick if that age is past their queue's max wait).
    void recover(const StoreRecovery& recovery);
    void start(int tickMs);

    const RecordIds& ids() const { return m_ids; }

    void createTicket(TicketBody body, Reply reply);
    void getTicket(qint64 seq, Reply reply);
    void cancelTicket(qint64 seq, Reply reply);
    void getMatch(qint64 seq, Reply reply);
    void reportResult(qint64 seq, const QByteArray& body, Reply reply);
    QByteArray queuesJson() const;

    void setDraining(bool draining) { m_draining = draining; }
    // Where accepted tickets, cancels and results are recorded (--record);
    // null: none. The recorder must outlive its use here.
    void setRecorder(ArrivalRecorder* recorder) { m_recorder = recorder; }
    bool draining() const { return m_draining; }
    void setStalled(bool stalled) { m_stalled = stalled; }
    // The regions (indices into the config's) whose game servers a
    // region_outage drill fault has taken out, as the simulator plays it: new
    // tickets cannot be placed there (their pings to it count as
    // unreachable; a party left with no region is refused 503), and the
    // searching tickets of players homed in a region as it goes out are
    // dropped (cancelled, as the players can no longer be reached).
    void setRegionsOut(std::vector<int> regions);
    // The regions an operator has shed (a drill's "shed region" remedy, or a
    // real one): no new ticket is placed there (pings to them count as
    // unreachable), and a party homed in one is placed in its nearest other
    // region, its answer saying so (`notice`), or refused 503 when it
    // reaches no other. Tickets already searching keep their pings (a
    // matcher restart queues them again under the rules then in force).
    void setRegionsShed(std::vector<int> regions);
    const std::vector<int>& regionsShed() const { return m_regionsShed; }

    // Restarts the matchmaker loop, as an operator does to a wedged matcher
    // (a drill's "restart matcher" remedy). New tickets and cancels are
    // answered 503 while every write the old matcher made reaches the store;
    // then a fresh matchmaker queues every searching ticket again from its
    // stored row, with its original age (ids do not change; one whose queue
    // rules no longer take it expires). `done` gets what happened, or why
    // the restart could not be made (the old matcher then runs on).
    struct MatcherRestart {
        int requeued = 0;
        int expired = 0;
        double tookMs = 0;
    };
    using RestartDone = std::function<void(std::optional<MatcherRestart>, const QString& error)>;
    void restartMatcher(RestartDone done);
    bool restarting() const { return m_restarting; }
    // A bad_release drill fault: the matcher runs the shipped rules with
    // every skill window x `factor` (core defectiveRelease; 1: the rules as
    // shipped). As on a real deploy the matcher restarts onto the new rules
    // (restartMatcher's path), so searching tickets carry over through the
    // store. Nothing happens while a restart is under way or when the factor
    // is the one running; the caller asks again on its next tick.
    void setReleaseSkillFactor(double factor);
    double releaseSkillFactor() const { return m_releaseSkillFactor; }
    const std::vector<int>& regionsOut() const { return m_regionsOut; }
    bool storeHealthy() const { return m_batcher.storeHealthy(); }
    // No durable answer is waiting for the store.
    bool idle() const { return m_batcher.idle() && m_matchmakerWrites.idle(); }
    // New tickets are refused (503 overloaded) while more writes than this
    // wait for the store, so a slow disk cannot grow memory without bound.
    void setMaxStoreBacklog(quint64 writes) { m_maxStoreBacklog = writes; }
    // How many finished tickets and formed matches stay in memory (older ones
    // are read back from the store); beyond them memory stays flat.
    void setMemoryLimits(std::size_t finishedTickets, std::size_t matches);
    std::size_t ticketsInMemory() const { return m_records.tickets(); }
    std::size_t matchesInMemory() const { return m_records.matches(); }
    std::size_t ratingsInMemory() const { return m_records.ratings(); }
    // The matchmaker's own writes (matches formed, tickets matched or
    // expired) that the store refused and that are not on disk yet: waiting
    // for the next tick's retry, or in it.
    std::size_t unwrittenTickUpdates() const { return m_matchmakerWrites.refusedRecords(); }
    // The matchmaker's rows queued behind request writes, not yet submitted.
    std::size_t queuedMatchmakerWrites() const { return m_matchmakerWrites.queuedWrites(); }
    // Tries them once more now, and no more on later ticks (shutdown).
    void writeUnwrittenNow() { m_matchmakerWrites.writeUnwrittenNow(); }

    // What memory holds right now, for the integrity audit. Take it, then
    // flushRequestWrites() and GroupCommitStore::readAtCut() in the same
    // event-loop pass: the read then sees exactly the writes made before.
    MemoryCut memoryCut() const;
    // Hands the request writes gathered this pass to the store now.
    void flushRequestWrites() { m_batcher.flush(); }

    const QueueConfig& config() const { return m_matchmaker.config(); }
    std::vector<QueueStatus> queueStatus() const { return m_matchmaker.queueStatus(now()); }
    double now() const;  // server clock, seconds
    std::optional<Rating> storedRating(const std::string& playerId) const {
        return m_records.rating(playerId);
    }

signals:
    void ticked();
    // For the event stream: a ticket changed state ("searching" on create).
    void ticketEvent(const QString& ticketId, const QString& state, const QString& matchId);
    void matchEvent(const QByteArray& matchJson);

private:
    void tick();
    // The record in memory, or read back from the store behind every write
    // queued before; nullptr when there is no such id.
    // The record from memory or, older, from the store; null when there is
    // none. When the store cannot be read, `reply` gets 503 instead and
    // `then` is not called ("not found" would be a lie).
    void withTicket(qint64 seq, const Reply& reply, std::function<void(TicketRecord*)> then);
    void withMatch(qint64 seq, const Reply& reply, std::function<void(MatchRecord*)> then);
    QByteArray ticketJson(const TicketRecord& t) const;
    // restartMatcher onto `rules` (the running ones, or a release's).
    void restartOnto(QueueConfig rules, RestartDone done);
    MatcherRestart requeueFromRows(const std::vector<TicketRow>& rows, QueueConfig rules);
    // The pings the matchmaker gets: a region out is unreachable for all.
    void cutOffRegionsOut(std::vector<PartyMember>& players) const;
    bool isShed(int region) const;
    void finishTicket(TicketRecord& t, TicketState state, double waitSeconds, qint64 matchSeq,
                      std::vector<StoreWrite>& writes);
    // A match the tick formed, as a record; its tickets finish as matched.
    std::unique_ptr<MatchRecord> recordFormedMatch(const MatchFormed& formed, double now,
                                                   std::vector<StoreWrite>& writes);

    Matchmaker m_matchmaker;
    QueueConfig m_shippedRules;  // what a release switch starts from
    double m_releaseSkillFactor = 1.0;
    RecordIds m_ids;
    RatingModel m_ratingModel;
    GroupCommitStore* m_store;
    ServerMetrics* m_metrics;
    QTimer m_tickTimer;
    QElapsedTimer m_clock;
    double m_clockOffset = 0;
    qint64 m_nextTicketSeq = 1;
    qint64 m_nextMatchSeq = 1;
    qint64 m_firstMatchSeq = 1;  // the first this process forms
    bool m_draining = false;
    ArrivalRecorder* m_recorder = nullptr;
    bool m_stalled = false;
    std::vector<int> m_regionsOut;
    std::vector<int> m_regionsShed;  // sorted
    bool m_restarting = false;
    quint64 m_maxStoreBacklog = 200000;

    InMemoryRecords m_records;
    StoreWriteBatcher m_batcher;
    MatchmakerWriteQueue m_matchmakerWrites;  // uses m_records and m_batcher
    MatchmakerOutput m_output;
};

}  // namespace pulsco
