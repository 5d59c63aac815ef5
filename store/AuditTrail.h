// The append-only audit trail: who did what, when, with which evidence.
// append() returns only after the row is committed (WAL, synchronous=FULL),
// so the UI shows an action as done only once it cannot be lost. Rows are
// never updated or erased (the schema refuses it); the checklist's state is
// the latest check/uncheck/gate row per item.
//
// Two trails share the row shape: the rollout's (`audit_trail`: what the
// Rollout page, its report and timeline read) and the drill journal's
// (`drill_journal`, migration 005), so drill events never show among the
// rollout's facts.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QString>

#include <optional>
#include <vector>

namespace pulsco {

class ConsoleStore;

namespace audit {
// Kinds written by the rollout; drills add their own.
inline const QString kItemChecked = QStringLiteral("item_checked");
inline const QString kItemUnchecked = QStringLiteral("item_unchecked");
inline const QString kGatePassed = QStringLiteral("gate_passed");
inline const QString kGateFailed = QStringLiteral("gate_failed");
// A gate held on evidence from an environment its item does not count
// (a rehearsal, staging for a production item): shown, never a tick.
inline const QString kGateMetElsewhere = QStringLiteral("gate_met_elsewhere");
inline const QString kPlanLoaded = QStringLiteral("plan_loaded");
inline const QString kRolloutStarted = QStringLiteral("rollout_started");
inline const QString kRolloutState = QStringLiteral("rollout_state");  // state/step/weight
inline const QString kWeightSet = QStringLiteral("weight_set");
inline const QString kWeightConfirmed = QStringLiteral("weight_confirmed");
inline const QString kAnalysis = QStringLiteral("analysis_measured");
inline const QString kRollback = QStringLiteral("rollback");
inline const QString kPromoted = QStringLiteral("promoted");
inline const QString kAborted = QStringLiteral("aborted");
inline const QString kOperatorCommand = QStringLiteral("operator_command");
// The Source the rollout reads changed (a console start, a scenario switch,
// live servers): holds and figures start over, passes stay.
inline const QString kSourceChanged = QStringLiteral("source_changed");
// An operator, by name, acknowledged a rollback (or a rollout found Degraded
// or Paused after a restart): the banner goes.
inline const QString kRollbackAcknowledged = QStringLiteral("rollback_acknowledged");
// After a rollback, the load balancer's counters showed green with no open
// session (its long-lived connections closed or moved): measured, with how
// long it took from the rollback.
inline const QString kTrafficDrained = QStringLiteral("traffic_drained");
}  // namespace audit

struct AuditEntry {
    qint64 id = 0;    // assigned by append()
    qint64 atMs = 0;  // wall clock; append() fills it when 0
    QString actor;    // operator name, or "system"
    QString kind;
    QString plan;
    qint64 rollout = 0;
    QString subject;
    QString note;
    QString source;
    double sourceTimeSeconds = 0;
    QByteArray evidence = "{}";  // compact JSON object
    // "rehearsal", "staging", "production", or "" when no source stood
    // behind the row (core/DeploymentEnvironment.h).
    QString environment{};
    QString servers{};  // Source::serverIdentities() when the row was written
};

class AuditTrail {
public:
    enum class Trail { Rollout, DrillJournal };
    explicit AuditTrail(ConsoleStore& store, Trail trail = Trail::Rollout);

    // Commits one row; returns its id, or nullopt and *error.
    std::optional<qint64> append(AuditEntry entry, QString* error);

    struct Query {
        QString plan;         // "" = any
        qint64 rollout = -1;  // -1 = any
        QStringList kinds;    // empty = any
        qint64 afterId = 0;
        int limit = 100000;
    };
    std::vector<AuditEntry> entries(const Query& query) const;
    std::vector<AuditEntry> all() const { return entries(Query{}); }
    // The newest `count` rows of `kinds` (empty = any), oldest first.
    std::vector<AuditEntry> newest(int count, const QStringList& kinds = {}) const;

    // The latest check/uncheck/gate_passed/gate_failed row per item of `plan`.
    QHash<QString, AuditEntry> latestItemRows(const QString& plan) const;
    // Id of the newest row (0 when empty). Not a count: migration 005 moved
    // the drill rows out of audit_trail, leaving gaps in its ids.
    qint64 lastId() const;
    // Highest rollout number used so far (0 when none).
    qint64 lastRolloutNumber() const;

private:
    ConsoleStore& m_store;
    QString m_table;
};

}  // namespace pulsco
