// pulsco-matchd's integrity audit, periodic (--integrity-interval-s) and on
// demand (POST /v1/integrity). One audit runs at a time, off the request
// path, in three steps:
//   1. main thread: the memory cut (a copy of what memory holds, a few ms),
//      then the request writes of this pass go to the store, then a cut read
//      is queued behind them (GroupCommitStore::readAtCut) — all in one
//      event-loop pass, so memory and database are taken at the same point;
//   2. store thread, between the batch that ends with the cut read and the
//      next: the store's reader thread begins a read transaction on its own
//      read-only connection and pins its WAL snapshot (a first SELECT); the
//      store thread waits for that pin only (0.1-1.5 ms in the tests), then
//      commits on. The reader reads PRAGMA quick_check and the rows
//      (net/store/AuditRows) inside that snapshot, so it sees exactly the
//      writes before the cut while later commits go on beside it (~200 ms
//      at 100 000 tickets, see docs/matchd.md). When no snapshot can be
//      taken the rows carry the error and the audit fails, never passes;
//   3. a thread of its own: the comparison (IntegrityCheck), then the report
//      is handed back to the main thread.
// The `inconsistency` drill fault corrupts one stored ticket through here.
#pragma once

#include "core/MetricsSnapshot.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace pulsco {

class GroupCommitStore;
class MatchService;

class IntegrityAudit : public QObject {
    Q_OBJECT
public:
    using Completed = std::function<void(const IntegrityReport&)>;

    IntegrityAudit(MatchService* service, GroupCommitStore* store, Completed onCompleted,
                   QObject* parent = nullptr);
    ~IntegrityAudit() override;

    // Audits every `seconds` from now (0: on demand only).
    void start(double seconds);
    // Starts one now; false when one is already running (its result comes).
    bool request();
    bool running() const { return m_running; }
    double intervalSeconds() const { return m_intervalSeconds; }
    const std::optional<IntegrityReport>& last() const { return m_last; }
    // Audits completed since start.
    std::uint64_t completed() const { return m_completed; }

    // The drill fault: flips one stored ticket's state behind every queued
    // write (net/store/AuditRows corruptOneTicketRow); logs what it did.
    void corruptOneRecord();

private:
    void finish(IntegrityReport report);

    MatchService* m_service;
    GroupCommitStore* m_store;
    Completed m_onCompleted;
    QTimer m_timer;
    // Where the comparison thread leaves its report, and the main thread's
    // timer that collects it.
    struct Mailbox {
        std::mutex mutex;
        std::optional<IntegrityReport> report;
    };
    std::shared_ptr<Mailbox> m_mailbox;
    QTimer m_collect;
    double m_intervalSeconds = 0;
    bool m_running = false;
    std::optional<IntegrityReport> m_last;
    std::uint64_t m_completed = 0;
};

}  // namespace pulsco
