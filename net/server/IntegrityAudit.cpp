#include "net/server/IntegrityAudit.h"

#include "net/server/IntegrityCheck.h"
#include "net/server/MatchService.h"
#include "net/store/AuditRows.h"
#include "net/store/GroupCommitStore.h"

#include <QDebug>
#include <QElapsedTimer>
#include <QPointer>

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
}

// A comparison still running on the pool holds only its own copies and
// reaches this object through a QPointer.
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
    QPointer<IntegrityAudit> guard(this);
    // The read runs on the store's reader thread, in a read transaction
    // pinned between the same two batches as the memory cut; the store keeps
    // committing meanwhile.
    m_store->readAtCut([guard, cut, cutMs](QSqlDatabase& db, const QString& cutError) {
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
        std::thread([guard, cut, rows, cutMs, readMs] {
            QElapsedTimer compareTimer;
            compareTimer.start();
            IntegrityReport report = compareAtCut(*cut, *rows);
            report.durationMs = cutMs + readMs + double(compareTimer.nsecsElapsed()) / 1e6;
            // guard.data() is only used as the queued call's context; Qt
            // drops the call when the object is gone by then.
            QMetaObject::invokeMethod(
                guard.data(),
                [guard, report = std::move(report)]() mutable {
                    if (guard)
                        guard->finish(std::move(report));
                },
                Qt::QueuedConnection);
        }).detach();
    });
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
