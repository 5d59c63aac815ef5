// The running drill's timeline, made durable event by event. A drill session
// is saved whole when it ends (DrillSessionStore); until then every event the
// trainee sees (an acknowledgement, an action, a note) is first appended to
// the console store's drill journal (a trail of its own, `drill_journal`,
// never the rollout's audit trail), which commits before it returns. If the
// console dies mid-drill, the next start saves the journal as an
// "interrupted" session: nothing the trainee saw as recorded is lost.
#pragma once

#include "drills/DrillRecord.h"

#include <QString>

#include <optional>

namespace pulsco {

class ConsoleStore;

namespace audit {
inline const QString kDrillJournalPlan = QStringLiteral("drill-journal");
inline const QString kDrillStarted = QStringLiteral("drill_started");
inline const QString kDrillEvent = QStringLiteral("drill_event");
inline const QString kDrillClosed = QStringLiteral("drill_journal_closed");
}  // namespace audit

class DrillJournal {
public:
    explicit DrillJournal(ConsoleStore& store);

    // Opens the journal of a drill that starts now (name, title, trainee,
    // trainer, source and startedAt of `header`); false and *error when the
    // store refuses.
    bool begin(const DrillRecord& header, QString* error);
    // Commits one event; false and *error when it could not be made durable.
    bool append(const DrillEvent& event, QString* error);
    bool isOpen() const { return !m_key.isEmpty(); }

    // At start: every journal with no saved session (same drill and start
    // time) is saved as an interrupted, failed session; every journal is then
    // closed. Returns how many sessions were recovered, or nullopt and *error.
    // Nothing is recovered while another console has the store open
    // (ConsoleStore::sharedWithAnotherConsole): its drills are still running.
    static std::optional<int> recoverInterrupted(ConsoleStore& store, QString* error);

    static inline const QString kInterruptedReason =
        QStringLiteral("interrupted: the console stopped before the drill ended");

private:
    ConsoleStore& m_store;
    QString m_key;  // journal id: the audit row id of its drill_started row
    qint64 m_seq = 0;
};

}  // namespace pulsco
