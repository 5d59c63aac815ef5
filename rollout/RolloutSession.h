// One operator's rollout: the plan's checklist (manual checks, live gates)
// and the blue-green step machine, bound to the current Source, with every
// action appended to the audit trail before it shows as done. Restart-safe:
// opening a store restores checks, passed gates and the open rollout (its
// current step starts over on the new source's clock, at the same weight).
//
// Weight changes go to a TrafficController and count as in effect only
// when it has read them back: the simulator's own (a snapshot shows the
// engine running with the weight), the one the console was given for live
// servers (HAProxy's runtime API, a webhook with read-back), or, when none
// is set, the operator's confirmation by name. What the traffic then does is
// measured from request counters (`traffic_weight`), never taken from the
// controller.
#pragma once

#include "bridge/Source.h"
#include "bridge/TrafficController.h"
#include "rollout/GateTracker.h"
#include "rollout/OperationalMetrics.h"
#include "rollout/RolloutPlan.h"
#include "rollout/SnapshotWindow.h"
#include "rollout/TrafficStepper.h"
#include "store/AuditTrail.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <deque>
#include <memory>
#include <optional>

namespace pulsco {

class ConsoleStore;
class ManualTrafficController;
class SourceTrafficController;

struct ItemState {
    bool done = false;
    QString kind;  // latest audit kind for the item ("" when never touched)
    QString actor;
    qint64 atMs = 0;
    QString note;
    QByteArray evidence;
};

// What the operator must see and acknowledge by name: a rollback
// (automatic, by an operator, or an abort), or a rollout found Degraded or
// Paused after a console restart. Stays until acknowledged; the
// acknowledgement is an audit row (who, when).
struct RolloutNotice {
    qint64 rollout = 0;
    QString state;  // "Degraded", "Paused"
    int step = 0;   // 1-based, as the page and the audit subjects number steps
    int stepCount = 0;
    QString headline;  // "Rollout 3 rolled back automatically at step 3 of 7"
    QString cause;     // the trigger or reason, as the stepper gave it
    QString figures;   // the deciding figures, "" when none were kept
    double sourceTimeSeconds = 0;
    qint64 atMs = 0;
    bool restored = false;  // found so when the console started
};

// "step 3": how the audit trail names a step (subject of rollback,
// analysis_measured and rollout_state rows), the number the page shows in
// "step 3 of 7". `index` is the stepper's 0-based index (past the last step
// once promoted: that is the last step); people read steps from 1.
QString stepSubject(int index, int count);
// The figures a rollback row's evidence keeps, in one line: "green 12 of
// 197 requests failed (6.1 %), p95 41 ms · blue ... · 10 s window".
QString rollbackFiguresText(const QByteArray& evidence);
// A gate_failed row written with no figure (consoles before issue 23 wrote
// one on every restart and source switch): not a regression.
bool isNoDataRegression(const AuditEntry& e);

class RolloutSession : public QObject {
    Q_OBJECT
public:
    static constexpr auto kSystemActor = "system";

    // Loads the shipped plan; `store` must outlive the session.
    explicit RolloutSession(ConsoleStore& store, QObject* parent = nullptr);
    ~RolloutSession() override;

    // Plans: a bad file is refused with its error and changes nothing.
    bool loadPlanFile(const QString& path, QString* error);
    void setPlan(RolloutPlan plan);
    const RolloutPlan& plan() const { return m_plan; }

    void setSource(Source* source);
    Source* source() const { return m_source; }
    SnapshotPtr latestSnapshot() const { return m_window.latest(); }
    MetricsSnapshot windowedSnapshot() const { return m_window.windowed(); }

    void setOperatorName(const QString& name) { m_operator = name.trimmed(); }
    const QString& operatorName() const { return m_operator; }
    // The controller for sources that do not move traffic themselves (live
    // servers): HAProxy, a webhook. Not owned; nullptr = manual
    // confirmation. A source that moves traffic itself always uses its own.
    void setTrafficController(TrafficController* controller);
    // The controller a weight goes to now (never null).
    TrafficController* trafficController() const;
    // Green's measured share of the requests over the trigger window (the
    // servers' own counters, windowed); none without traffic.
    std::optional<double> measuredGreenShare() const;
    // Green's share of all API requests over the same window (a ticket's
    // polls, cancel and result included: more than the weight while green's
    // tickets wait longer), from the servers' counters.
    std::optional<double> greenRequestShare() const;
    // The same share as the load balancer counted it (its per-server HTTP
    // requests), the cross-check of the servers' figure; none without a
    // balancer or traffic.
    std::optional<double> balancerGreenShare() const;
    // The balancer's latest reading (open sessions per colour), if any.
    std::optional<BalancerCounters> balancerCounters() const {
        return m_balancer.empty() ? std::nullopt : std::optional(m_balancer.back());
    }
    double windowSeconds() const { return m_window.windowSeconds(); }

    // Checklist. Manual items only; gated items pass by their metric.
    ItemState itemState(const QString& itemId) const;
    bool setItemChecked(const QString& itemId, bool checked, const QString& note, QString* error);
    const GateStatus* gateStatus(const QString& itemId) const;
    struct Progress {
        int done = 0, total = 0;
    };
    Progress progress() const;
    Progress phaseProgress(const PlanPhase& phase) const;

    // Blue-green rollout.
    const std::vector<TrafficStep>& draftSteps() const { return m_draftSteps; }
    void setDraftSteps(std::vector<TrafficStep> steps) { m_draftSteps = std::move(steps); }
    const TrafficStepper* stepper() const { return m_stepper.get(); }
    qint64 rolloutNumber() const { return m_rollout; }
    bool rolloutActive() const;
    bool needsOperatorConfirmation() const;  // a weight waits for "traffic switched"
    bool startRollout(QString* error);
    bool pauseRollout(QString* error);
    bool resumeRollout(QString* error);
    bool promote(QString* error);
    bool abort(const QString& reason, QString* error);
    bool rollback(const QString& reason, QString* error);
    bool confirmWeight(QString* error);
    // The rollback (or restored Degraded/Paused rollout) waiting for an
    // operator to acknowledge it by name; nullopt when none.
    const std::optional<RolloutNotice>& notice() const { return m_notice; }
    bool acknowledgeNotice(const QString& name, QString* error);

    AuditTrail& audit() { return m_audit; }
    // What the page and the report read of the trail, so they never query
    // the store themselves. The newest `count` rows, oldest first:
    std::vector<AuditEntry> recentAudit(int count) const;
    // Across the rollouts of one environment ("" = all), from the rows the
    // metrics need only.
    OperationalMetrics operationalMetrics(const QString& environment) const;
    // The environment of the current evidence ("rehearsal", "staging",
    // "production"), "" before a live source's first snapshot.
    QString environment() const;
    // Whether a gate row written in `environment` can tick the gate's item.
    static bool evidenceCounts(const PlanGate& gate, const QString& environment);
    // The current plan's rollback rows (their evidence keeps the snapshot).
    std::vector<AuditEntry> rollbackRows(int limit) const;
    ConsoleStore& store() { return m_store; }
    double sourceTime() const;

signals:
    void planChanged();
    void itemChanged(const QString& itemId);
    void gatesUpdated();
    void rolloutChanged();
    void alertRaised(const QString& text);
    void noticeChanged();  // raised or acknowledged
    void auditAppended(qint64 id);
    void errorOccurred(const QString& message);

private:
    void onSnapshot(pulsco::SnapshotPtr snapshot);
    void restoreFromAudit();
    void restoreNotice();
    void recordSourceChange(const QString& from);
    void handle(const StepperEffects& effects, const QString& actor);
    void applyWeight(int weight);
    void weightInEffect(int weight, const QString& actor, const QString& how);
    void onControllerApplied(TrafficController* from, int weight, const QString& readBack);
    void onControllerFailed(TrafficController* from, int weight, const QString& reason);
    void watchController(TrafficController* controller);
    void onBalancerCounters(TrafficController* from, const BalancerCounters& counters);
    bool record(AuditEntry entry, QString* error = nullptr);
    AuditEntry entry(const QString& kind, const QString& actor, const QString& subject = {}) const;
    QByteArray gateEvidence(const PlanItem& item, const GateStatus& status) const;
    QByteArray rolloutStateEvidence() const;
    void addDetectionStart(QJsonObject& evidence, bool automatic) const;
    bool requireRollout(QString* error) const;
    bool requireOperator(QString* error) const;

    ConsoleStore& m_store;
    AuditTrail m_audit;
    RolloutPlan m_plan;
    std::unique_ptr<GateTracker> m_gates;
    QHash<QString, ItemState> m_items;
    QPointer<Source> m_source;
    SnapshotWindow m_window;
    QString m_operator;
    SourceTrafficController* m_sourceController = nullptr;  // owned (child)
    ManualTrafficController* m_manualController = nullptr;  // owned (child)
    QPointer<TrafficController> m_liveController;           // the app's
    std::vector<TrafficStep> m_draftSteps;
    std::unique_ptr<TrafficStepper> m_stepper;
    qint64 m_rollout = 0;
    std::optional<int> m_requestedWeight;  // asked of the controller, not yet read back
    std::optional<RolloutNotice> m_notice;
    // A failed switch is asked again after this long; its row is written once.
    static constexpr qint64 kSwitchRetryMs = 3000;
    QElapsedTimer m_switchRetry;
    std::deque<BalancerCounters> m_balancer;  // the trigger window's readings
    // From a rollback until the balancer shows green with no open session.
    QElapsedTimer m_drainSince;
    QString m_switchFailure;
    // The last source this session read, kept across the nullptr the window
    // hands over between two sources: "source changed from <it>".
    QString m_lastSourceName;
};

}  // namespace pulsco
