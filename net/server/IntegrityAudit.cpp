#include "net/server/IntegrityAudit.h"

#include "net/server/IntegrityCheck.h"
#include "net/server/MatchService.h"
#include "net/store/AuditRows.h"
#include "net/store/GroupCommitStore.h"

#include <QDebug>
#include <QElapsedTimer>

#include <cmath>
#include <thread>

using namespace Qt::StringLiterals;

namespace pulsco {

IntegrityAudit::IntegrityAudit(MatchService* service, GroupCommitStore* store,
                               Completed onCompleted, QObject* parent)
    : QObject(parent)
    , m_service(service)
    , m_store(store)
    , m_onCompleted(std::move(onCompleted)) {
    connect(&m_timer, &QTimer::timeout, this, [this] { request(); });
    // The main thread collects a finished comparison; a few ms of delay on
    // an audit that takes hundreds.
    m_collect.setInterval(5);
    connect(&m_collect, &QTimer::timeout, this, [this] {
        std::optional<IntegrityReport> report;
        if (m_mailbox) {
            std::lock_guard lock(m_mailbox->mutex);
            report.swap(m_mailbox->report);
        }
        if (!report)
            return;
        m_collect.stop();
        m_mailbox.reset();
        finish(std::move(*report));
    });
}

// A comparison still running holds only its own copies and the mailbox,
// which it shares: nothing of this object.
IntegrityAudit::~IntegrityAudit() = default;

void IntegrityAudit::start(double seconds) {
    m_intervalSeconds = seconds;
    if (seconds > 0)
        m_timer.start(int(std::lround(seconds * 1000)));
}

bool IntegrityAudit::request() {
    if (m_running)
        return false;
    m_running = true;
    QElapsedTimer cutTimer;
    cutTimer.start();
    // Steps 1-3 of the header. Nothing between memoryCut() and readAtCut()
    // returns to the event loop, so no request or tick slips between them.
    auto cut = std::make_shared<MemoryCut>(m_service->memoryCut());
    m_service->flushRequestWrites();
    const double cutMs = double(cutTimer.nsecsElapsed()) / 1e6;
    auto mailbox = std::make_shared<Mailbox>();
    m_mailbox = mailbox;
    // The read runs on the store's reader thread, in a read transaction
    // pinned between the same two batches as the memory cut; the store keeps
    // committing meanwhile.
    m_store->readAtCut([mailbox, cut, cutMs](QSqlDatabase& db, const QString& cutError) {
        QElapsedTimer readTimer;
        readTimer.start();
        auto rows = std::make_shared<StoreAuditRows>();
        if (cutError.isEmpty())
            *rows = readAuditRows(db);
        else
            rows->error = u"no read at the cut: "_s + cutError;  // fails the audit, never ok
        const double readMs = double(readTimer.nsecsElapsed()) / 1e6;
        // A thread of its own, not QThreadPool: the comparison does not hold
        // the reader (the next cut waits for it), and the hand-over is a
        // pthread_create that ThreadSanitizer sees (it cannot see into Qt's
        // uninstrumented pool, and reported the captured rows as a race).
        std::thread([mailbox, cut, rows, cutMs, readMs] {
            QElapsedTimer compareTimer;
            compareTimer.start();
            IntegrityReport report = compareAtCut(*cut, *rows);
            report.durationMs = cutMs + readMs + double(compareTimer.nsecsElapsed()) / 1e6;
            // Into the mailbox under a std::mutex, not through Qt's event
            // queue: a queued call built here and destroyed on the main
            // thread (when the server stops first) was a race to
            // ThreadSanitizer, which cannot see Qt's own locking.
            std::lock_guard lock(mailbox->mutex);
            mailbox->report = std::move(report);
        }).detach();
    });
    m_collect.start();
    return true;
}

void IntegrityAudit::finish(IntegrityReport report) {
    m_running = false;
    report.atSeconds = m_service->now();
    ++m_completed;
    // One log line when the findings change, not one per audit while a
    // known violation persists.
    const bool changed =
        !m_last || m_last->ok != report.ok || m_last->firstViolations != report.firstViolations;
    m_last = report;
    if (!report.ok && changed)
        qWarning().noquote() << "integrity audit:" << report.violations << "violation(s); first:"
                             << QString::fromStdString(report.firstViolations.empty()
                                                           ? report.storeCheck
                                                           : report.firstViolations.front());
    if (m_onCompleted)
        m_onCompleted(report);
}

void IntegrityAudit::corruptOneRecord() {
    // Behind every write queued so far, so the row it picks is committed.
    m_service->flushRequestWrites();
    m_store->read([](QSqlDatabase& db) {
        const QString what = corruptOneTicketRow(db);
        qWarning().noquote() << "fault inconsistency (drill): corrupted the store:" << what;
    });
}

}  // namespace pulsco
