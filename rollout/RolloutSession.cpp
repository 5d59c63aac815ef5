#include "rollout/RolloutSession.h"

#include "rollout/CanarySamples.h"

#include "bridge/MetricsSnapshotJson.h"
#include "rollout/MaintenanceEvidence.h"
#include "rollout/ManualTrafficController.h"
#include "rollout/RolloutPlanJson.h"
#include "rollout/SourceTrafficController.h"
#include "store/ConsoleStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

QByteArray compact(const QJsonObject& o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonValue optionalNumber(std::optional<double> v) {
    return v ? QJsonValue(*v) : QJsonValue();
}

// The figures a rollback or analysis decision rests on (windowed).
QJsonObject decisionFigures(const MetricsSnapshot& s) {
    const auto env = [&s](const EnvironmentMetrics& e) {
        QJsonObject o;
        o[u"weight"_s] = optionalNumber(measuredWeightPercent(s, e));  // measured share
        o[u"requested_weight"_s] =
            e.requestedWeightPercent ? QJsonValue(*e.requestedWeightPercent) : QJsonValue();
        o[u"requests"_s] = double(e.recentRequests);
        o[u"errors"_s] = double(e.recentErrors);
        o[u"error_rate"_s] = e.recentRequests
                                 ? QJsonValue(double(e.recentErrors) / double(e.recentRequests))
                                 : QJsonValue();
        o[u"latency_p95_ms"_s] = e.recentApiLatencyMs.count()
                                     ? QJsonValue(e.recentApiLatencyMs.quantile(0.95))
                                     : QJsonValue();
        return o;
    };
    return {{u"source_time_s"_s, s.timeSeconds},
            {u"conservation_ok"_s, s.conservationOk},
            {u"blue"_s, env(s.blue)},
            {u"green"_s, env(s.green)}};
}

}  // namespace

QString stepSubject(int index, int count) {
    return index < 0 ? QString() : u"step %1"_s.arg(std::min(index + 1, count));
}

QString rollbackFiguresText(const QByteArray& evidence) {
    const QJsonObject o = QJsonDocument::fromJson(evidence).object();
    const auto number = [](double v) { return QString::number(v, 'f', v < 10 ? 1 : 0); };
    QStringList parts;
    for (const QString& colour : {u"green"_s, u"blue"_s}) {
        const QJsonObject c = o.value(colour).toObject();
        if (c.isEmpty())
            continue;
        QString text = u"%1: %2 of %3 requests failed"_s.arg(colour)
                           .arg(c.value(u"errors"_s).toInteger())
                           .arg(c.value(u"requests"_s).toInteger());
        if (c.value(u"error_rate"_s).isDouble())
            text += u" (%1 %)"_s.arg(number(c.value(u"error_rate"_s).toDouble() * 100));
        if (c.value(u"latency_p95_ms"_s).isDouble())
            text += u", p95 %1 ms"_s.arg(number(c.value(u"latency_p95_ms"_s).toDouble()));
        parts << text;
    }
    if (o.value(u"window_s"_s).isDouble())
        parts << u"over the last %1 s"_s.arg(o.value(u"window_s"_s).toDouble());
    return parts.join(u" · "_s);
}

bool isNoDataRegression(const AuditEntry& e) {
    return e.kind == audit::kGateFailed &&
           !QJsonDocument::fromJson(e.evidence).object().value(u"value"_s).isDouble();
}

RolloutSession::RolloutSession(ConsoleStore& store, QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_audit(store)
    , m_sourceController(new SourceTrafficController(this))
    , m_manualController(new ManualTrafficController(this)) {
    watchController(m_sourceController);
    watchController(m_manualController);
    const RolloutPlanLoad load = loadRolloutPlanFile(kShippedPlanPath);
    if (!load.plan)
        qFatal("the shipped rollout plan is broken: %s", qPrintable(load.error));
    setPlan(*load.plan);
}

RolloutSession::~RolloutSession() = default;

bool RolloutSession::loadPlanFile(const QString& path, QString* error) {
    RolloutPlanLoad load = loadRolloutPlanFile(path);
    if (!load.plan) {
        *error = load.error;
        return false;
    }
    AuditEntry e = entry(audit::kPlanLoaded,
                         m_operator.isEmpty() ? QString::fromLatin1(kSystemActor) : m_operator);
    e.plan = load.plan->name;
    e.note = path;
    if (load.plan->migratedFromFormat)
        e.note += u" (format %1, migrated to format %2: environments by phase, default minimum "
                  u"samples; docs/rollout.md)"_s.arg(load.plan->migratedFromFormat)
                      .arg(RolloutPlan::kFormat);
    if (!record(e, error))
        return false;
    setPlan(std::move(*load.plan));
    return true;
}

void RolloutSession::setPlan(RolloutPlan plan) {
    m_plan = std::move(plan);
    m_gates = std::make_unique<GateTracker>(m_plan);
    m_draftSteps = m_plan.steps;
    m_window.setWindowSeconds(m_plan.triggerWindowSeconds);
    restoreFromAudit();
    emit planChanged();
    emit rolloutChanged();
}

void RolloutSession::restoreFromAudit() {
    m_items.clear();
    m_notice.reset();
    const auto latest = m_audit.latestItemRows(m_plan.name);
    // A gated item's "By · when" is its pass, whatever happened after it.
    QHash<QString, AuditEntry> passes;
    for (AuditEntry& e : m_audit.entries({m_plan.name, -1, {audit::kGatePassed}, 0, 100000}))
        passes.insert(e.subject, std::move(e));
    for (auto it = latest.cbegin(); it != latest.cend(); ++it) {
        AuditEntry e = it.value();
        if (e.kind == audit::kGateFailed && passes.contains(it.key())) {
            const AuditEntry& pass = passes[it.key()];
            if (isNoDataRegression(e) && pass.id < e.id) {
                e = pass;  // an old console's "no data" row: not a regression
            } else {
                e.actor = pass.actor;
                e.atMs = pass.atMs;
                e.note = pass.note;
                e.evidence = pass.evidence;
            }
        }
        const PlanItem* item = m_plan.findItem(it.key());
        if ((e.kind == audit::kGatePassed || e.kind == audit::kGateFailed) &&
            !(item && item->gated() && evidenceCounts(*item->gate, e.environment)))
            continue;  // a rehearsal's pass (from before environments) ticks nothing
        ItemState s;
        s.kind = e.kind;
        s.actor = e.actor;
        s.atMs = e.atMs;
        s.note = e.note;
        s.evidence = e.evidence;
        s.done = e.kind == audit::kItemChecked || e.kind == audit::kGatePassed ||
                 e.kind == audit::kGateFailed;
        if (e.kind == audit::kGatePassed || e.kind == audit::kGateFailed)
            m_gates->markPassed(it.key());
        m_items.insert(it.key(), s);
    }
    // The last rollout of this plan, if one is still open, resumes.
    m_stepper.reset();
    m_rollout = 0;
    const auto starts = m_audit.entries({m_plan.name, -1, {audit::kRolloutStarted}, 0, 100000});
    if (starts.empty())
        return;
    const AuditEntry& start = starts.back();
    QString error;
    const QJsonObject startEvidence = QJsonDocument::fromJson(start.evidence).object();
    auto steps = trafficStepsFromJson(
        QJsonDocument(startEvidence.value(u"steps"_s).toArray()).toJson(), u"audit"_s, &error);
    if (!steps)
        return;
    const auto states =
        m_audit.entries({m_plan.name, start.rollout, {audit::kRolloutState}, 0, 100000});
    if (states.empty())
        return;
    const QJsonObject last = QJsonDocument::fromJson(states.back().evidence).object();
    const auto state = rolloutStateFromName(last.value(u"state"_s).toString());
    if (!state)
        return;
    m_rollout = start.rollout;
    m_stepper = std::make_unique<TrafficStepper>(*steps, m_plan.rollbackTriggers);
    m_stepper->restore(*state, last.value(u"step"_s).toInt(), last.value(u"weight"_s).toInt(),
                       sourceTime());
    m_requestedWeight.reset();
    restoreNotice();
}

// A rollout found Degraded or Paused when the console starts is as
// unmissable as a live rollback, unless someone acknowledged it since its
// last state change.
void RolloutSession::restoreNotice() {
    const RolloutState state = m_stepper->state();
    if (state != RolloutState::Degraded && state != RolloutState::Paused)
        return;
    const auto rows =
        m_audit.entries({m_plan.name,
                         m_rollout,
                         {audit::kRolloutState, audit::kRollback, audit::kRollbackAcknowledged},
                         0,
                         100000});
    if (rows.empty() || rows.back().kind == audit::kRollbackAcknowledged)
        return;
    RolloutNotice n;
    n.rollout = m_rollout;
    n.state = rolloutStateName(state);
    n.stepCount = int(m_stepper->steps().size());
    n.step = std::min(m_stepper->currentStep() + 1, n.stepCount);
    n.restored = true;
    n.sourceTimeSeconds = rows.back().sourceTimeSeconds;
    n.atMs = rows.back().atMs;
    const auto rollback = std::find_if(
        rows.rbegin(), rows.rend(), [](const AuditEntry& e) { return e.kind == audit::kRollback; });
    if (state == RolloutState::Degraded && rollback != rows.rend()) {
        n.headline = u"Rollout %1 was rolled back at step %2 of %3 (found Degraded when the "
                     u"console started)"_s.arg(m_rollout)
                         .arg(n.step)
                         .arg(n.stepCount);
        n.cause = rollback->note;
        n.figures = rollbackFiguresText(rollback->evidence);
        n.sourceTimeSeconds = rollback->sourceTimeSeconds;
        n.atMs = rollback->atMs;
    } else {
        n.headline = u"Rollout %1 is %2 at step %3 of %4 (found so when the console started; "
                     u"the step starts over on this source's clock)"_s.arg(m_rollout)
                         .arg(n.state)
                         .arg(n.step)
                         .arg(n.stepCount);
        n.cause =
            QJsonDocument::fromJson(rows.back().evidence).object().value(u"reason"_s).toString();
    }
    m_notice = n;
}

bool RolloutSession::acknowledgeNotice(const QString& name, QString* error) {
    if (!m_notice) {
        *error = u"nothing to acknowledge"_s;
        return false;
    }
    const QString who = name.trimmed();
    if (who.isEmpty()) {
        *error = u"acknowledge: enter your name (it goes in the audit trail)"_s;
        return false;
    }
    AuditEntry e = entry(audit::kRollbackAcknowledged, who, u"rollout %1"_s.arg(m_notice->rollout));
    e.rollout = m_notice->rollout;
    e.note = u"acknowledged: "_s + m_notice->headline +
             (m_notice->cause.isEmpty() ? QString() : u": "_s + m_notice->cause);
    e.evidence = compact({{u"state"_s, m_notice->state},
                          {u"step"_s, m_notice->step},
                          {u"restored"_s, m_notice->restored},
                          {u"raised_at_ms"_s, double(m_notice->atMs)}});
    if (!record(e, error))
        return false;  // not committed: the banner stays
    m_notice.reset();
    emit noticeChanged();
    return true;
}

void RolloutSession::recordSourceChange(const QString& from) {
    AuditEntry e = entry(audit::kSourceChanged, QString::fromLatin1(kSystemActor),
                         m_source ? m_source->displayName() : QString());
    e.sourceTimeSeconds = 0;  // the new source's clock has not started for the session
    // In a rollout's timeline while one runs; a finished rollout's ends with it.
    e.rollout = rolloutActive() ? m_rollout : 0;
    e.note = from.isEmpty()
                 ? u"console started on %1; gates have no data until it reports"_s.arg(e.subject)
                 : u"source changed from %1 to %2; holds and figures start over, passes "
                   u"stay"_s.arg(from, e.subject);
    e.evidence = compact({{u"from"_s, from}, {u"to"_s, e.subject}});
    record(e);
}

void RolloutSession::setSource(Source* source) {
    const QString from = m_lastSourceName;
    const bool another = source && source != m_source.data();
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_source = source;
    m_sourceController->setSource(source);
    m_window.clear();
    if (another) {
        m_lastSourceName = source->displayName();
        recordSourceChange(from);  // its own row: the timeline says where sources changed
    }
    m_requestedWeight.reset();
    if (m_gates)
        m_gates->resetHolds();
    if (source) {
        connect(source, &Source::snapshotReady, this, &RolloutSession::onSnapshot);
        if (SnapshotPtr s = source->latestSnapshot())
            onSnapshot(s);
    }
    emit rolloutChanged();
}

void RolloutSession::watchController(TrafficController* controller) {
    connect(controller, &TrafficController::weightApplied, this,
            [this, controller](int weight, const QString& readBack) {
                onControllerApplied(controller, weight, readBack);
            });
    connect(controller, &TrafficController::weightFailed, this,
            [this, controller](int weight, const QString& reason) {
                onControllerFailed(controller, weight, reason);
            });
    connect(controller, &TrafficController::countersRead, this,
            [this, controller](const BalancerCounters& c) { onBalancerCounters(controller, c); });
}

std::optional<double> RolloutSession::measuredGreenShare() const {
    if (m_window.empty())
        return std::nullopt;
    const MetricsSnapshot w = m_window.windowed();
    return measuredWeightPercent(w, w.green);
}

std::optional<double> RolloutSession::greenRequestShare() const {
    if (m_window.empty())
        return std::nullopt;
    const MetricsSnapshot w = m_window.windowed();
    const double all = double(w.blue.recentRequests + w.green.recentRequests);
    if (all <= 0)
        return std::nullopt;
    return 100.0 * double(w.green.recentRequests) / all;
}

std::optional<double> RolloutSession::balancerGreenShare() const {
    if (m_balancer.size() < 2)
        return std::nullopt;
    const BalancerCounters& a = m_balancer.front();
    const BalancerCounters& b = m_balancer.back();
    // Counters that went back mean HAProxy restarted: no share across that.
    if (b.blueRequests < a.blueRequests || b.greenRequests < a.greenRequests)
        return std::nullopt;
    const double blue = double(b.blueRequests - a.blueRequests);
    const double green = double(b.greenRequests - a.greenRequests);
    if (blue + green <= 0)
        return std::nullopt;
    return 100.0 * green / (blue + green);
}

void RolloutSession::onBalancerCounters(TrafficController* from, const BalancerCounters& c) {
    if (from != trafficController())
        return;
    if (!m_balancer.empty() && c.atWallMs < m_balancer.back().atWallMs)
        m_balancer.clear();
    m_balancer.push_back(c);
    if (m_drainSince.isValid() && c.greenConnections == 0) {
        // Measured at the balancer: nothing is left open on green.
        AuditEntry e = entry(audit::kTrafficDrained, QString::fromLatin1(kSystemActor), u"green"_s);
        const double seconds = m_drainSince.elapsed() / 1000.0;
        e.note = u"green has no open session at the balancer %1 s after the rollback"_s.arg(
            seconds, 0, 'f', 1);
        e.evidence = compact({{u"seconds"_s, seconds},
                              {u"green_requests"_s, double(c.greenRequests)},
                              {u"blue_connections"_s, double(c.blueConnections)}});
        record(e);
        m_drainSince.invalidate();
        emit rolloutChanged();
    }
    // Keep the newest reading at or before the window's start, so the
    // difference covers the whole window.
    const double start = c.atWallMs - m_window.windowSeconds() * 1000;
    while (m_balancer.size() > 2 && m_balancer[1].atWallMs <= start)
        m_balancer.pop_front();
}

void RolloutSession::setTrafficController(TrafficController* controller) {
    if (m_liveController == controller)
        return;
    if (m_liveController)
        disconnect(m_liveController, nullptr, this, nullptr);
    m_liveController = controller;
    m_balancer.clear();
    if (controller)
        watchController(controller);
    m_requestedWeight.reset();  // the new controller is asked again
    emit rolloutChanged();
}

TrafficController* RolloutSession::trafficController() const {
    if (m_source && m_source->capabilities().trafficWeight)
        return m_sourceController;
    if (m_liveController)
        return m_liveController;
    return m_manualController;
}

void RolloutSession::onControllerApplied(TrafficController* from, int weight,
                                         const QString& readBack) {
    if (from != trafficController())
        return;  // a controller no longer in charge (the source changed)
    // The manual controller's read-back is the operator's confirmation; the
    // others read it back themselves (the controller is in the evidence).
    const QString actor =
        from == m_manualController ? m_operator : QString::fromLatin1(kSystemActor);
    m_switchFailure.clear();
    m_switchRetry.invalidate();
    if (m_source)
        m_source->noteAppliedWeight(weight);
    weightInEffect(weight, actor, readBack);
}

void RolloutSession::onControllerFailed(TrafficController* from, int weight,
                                        const QString& reason) {
    if (from != trafficController())
        return;
    // Asked again after kSwitchRetryMs (onSnapshot); one row per new
    // failure, not one per retry of the same one.
    m_requestedWeight.reset();
    m_switchRetry.start();
    const QString note =
        u"traffic switch to %1 % failed (%2): %3; retrying every %4 s"_s.arg(weight)
            .arg(from->describe(), reason)
            .arg(kSwitchRetryMs / 1000);
    if (note == m_switchFailure)
        return;
    m_switchFailure = note;
    AuditEntry e =
        entry(audit::kOperatorCommand, QString::fromLatin1(kSystemActor), from->kindName());
    e.note = note;
    record(e);
    emit alertRaised(e.note);
    emit rolloutChanged();
}

double RolloutSession::sourceTime() const {
    const SnapshotPtr s = m_window.latest();
    return s ? s->timeSeconds : 0;
}

std::vector<AuditEntry> RolloutSession::recentAudit(int count) const {
    return m_audit.newest(count);
}

OperationalMetrics RolloutSession::operationalMetrics(const QString& environment) const {
    AuditTrail::Query outcomes;  // only the rows the metrics read
    outcomes.kinds = {audit::kRolloutStarted, audit::kWeightConfirmed, audit::kRollback,
                      audit::kAborted, audit::kPromoted};
    return computeOperationalMetrics(m_audit.entries(outcomes), environment);
}

QString RolloutSession::environment() const {
    if (const SnapshotPtr s = m_window.latest())
        return QString::fromLatin1(toString(s->environment));
    if (m_source && m_source->kind() == Source::Kind::Simulator)
        return QString::fromLatin1(toString(DeploymentEnvironment::Rehearsal));
    return {};
}

// Where time to detect counts from (rollout/OperationalMetrics.h): the
// fault's onset where the source knows it; for an automatic decision,
// otherwise, the start of the first trigger window in which the condition
// held, which is the window that just ended (triggers are tested on every
// snapshot).
void RolloutSession::addDetectionStart(QJsonObject& evidence, bool automatic) const {
    const SnapshotPtr s = m_window.latest();
    if (!s)
        return;
    if (s->faultOnsetSeconds && *s->faultOnsetSeconds <= s->timeSeconds) {
        evidence[u"fault_onset_s"_s] = *s->faultOnsetSeconds;
        evidence[u"detect_from_s"_s] = *s->faultOnsetSeconds;
        evidence[u"detect_from"_s] = u"fault onset"_s;
    } else if (automatic) {
        evidence[u"detect_from_s"_s] = s->timeSeconds - m_window.windowSeconds();
        evidence[u"detect_from"_s] = u"trigger window"_s;
    }
}

std::vector<AuditEntry> RolloutSession::rollbackRows(int limit) const {
    return m_audit.entries({m_plan.name, -1, {audit::kRollback}, 0, limit});
}

AuditEntry RolloutSession::entry(const QString& kind, const QString& actor,
                                 const QString& subject) const {
    AuditEntry e;
    e.actor = actor;
    e.kind = kind;
    e.plan = m_plan.name;
    e.rollout = m_rollout;
    e.subject = subject;
    e.source = m_source ? m_source->displayName() : QString();
    e.servers = m_source ? m_source->serverIdentities() : QString();
    if (const SnapshotPtr s = m_window.latest())
        e.environment = QString::fromLatin1(toString(s->environment));
    else if (m_source && m_source->kind() == Source::Kind::Simulator)
        e.environment = QString::fromLatin1(toString(DeploymentEnvironment::Rehearsal));
    e.sourceTimeSeconds = sourceTime();
    return e;
}

bool RolloutSession::record(AuditEntry e, QString* error) {
    QString why;
    const auto id = m_audit.append(std::move(e), &why);
    if (!id) {
        if (error)
            *error = why;
        emit errorOccurred(why);
        return false;
    }
    emit auditAppended(*id);
    return true;
}

// --- checklist ---------------------------------------------------------------

bool RolloutSession::evidenceCounts(const PlanGate& gate, const QString& environment) {
    const auto e = deploymentEnvironmentFromString(environment.toStdString());
    return e && gate.countsIn(*e);
}

ItemState RolloutSession::itemState(const QString& itemId) const {
    return m_items.value(itemId);
}

bool RolloutSession::requireOperator(QString* error) const {
    if (m_operator.isEmpty()) {
        *error = u"operator name: enter who you are before acting (it goes in the audit trail)"_s;
        return false;
    }
    return true;
}

bool RolloutSession::setItemChecked(const QString& itemId, bool checked, const QString& note,
                                    QString* error) {
    const PlanItem* item = m_plan.findItem(itemId);
    if (!item) {
        *error = u"item \"%1\": not in plan %2"_s.arg(itemId, m_plan.name);
        return false;
    }
    if (item->gated()) {
        *error = u"item \"%1\": gated by \"%2\"; it passes by its metric, not by hand"_s.arg(
            item->text, item->gate->text);
        return false;
    }
    if (!requireOperator(error))
        return false;
    AuditEntry e = entry(checked ? audit::kItemChecked : audit::kItemUnchecked, m_operator, itemId);
    e.note = note;
    const qint64 at = QDateTime::currentMSecsSinceEpoch();
    e.atMs = at;
    if (!record(e, error))
        return false;  // not committed: not shown as done
    m_items.insert(itemId, {checked, e.kind, m_operator, at, note, "{}"});
    emit itemChanged(itemId);
    return true;
}

const GateStatus* RolloutSession::gateStatus(const QString& itemId) const {
    return m_gates ? m_gates->status(itemId) : nullptr;
}

RolloutSession::Progress RolloutSession::phaseProgress(const PlanPhase& phase) const {
    Progress p;
    for (const PlanSection* s : phase.allSections())
        for (const PlanItem& i : s->items) {
            ++p.total;
            p.done += m_items.value(i.id).done ? 1 : 0;
        }
    return p;
}

RolloutSession::Progress RolloutSession::progress() const {
    Progress all;
    for (const PlanPhase& phase : m_plan.phases) {
        const Progress p = phaseProgress(phase);
        all.done += p.done;
        all.total += p.total;
    }
    return all;
}

QByteArray RolloutSession::gateEvidence(const PlanItem& item, const GateStatus& status) const {
    QJsonObject o;
    o[u"expression"_s] = item.gate->text;
    o[u"value"_s] = optionalNumber(status.value);
    o[u"bar"_s] = status.barText;
    o[u"holds"_s] = status.holdsNow;
    o[u"hold_s"_s] = status.holdSeconds;
    o[u"held_s"_s] = status.heldSeconds;
    o[u"environments"_s] = item.gate->environmentsText();
    if (item.gate->minSample)
        o[u"min_sample"_s] = QString::fromStdString(item.gate->minSample->text());
    if (!status.noDataReason.isEmpty())
        o[u"no_data"_s] = status.noDataReason;
    if (const SnapshotPtr s = m_window.latest()) {
        o[u"source_time_s"_s] = s->timeSeconds;
        o[u"snapshot"_s] = QJsonDocument::fromJson(metricsSnapshotToJson(*s)).object();
        // A gate on the store's maintenance keeps the runs behind its
        // figure in the row itself: command, held or not, figures, time.
        if (s->storeMaintenance)
            if (const QJsonArray runs = maintenanceRunsFor(*item.gate, *s->storeMaintenance);
                !runs.isEmpty())
                o[u"store_maintenance"_s] = runs;
    }
    return compact(o);
}

// --- snapshots ---------------------------------------------------------------

void RolloutSession::onSnapshot(SnapshotPtr snapshot) {
    if (!snapshot)
        return;
    const bool restarted =
        m_window.latest() && snapshot->timeSeconds < m_window.latest()->timeSeconds;
    m_window.push(snapshot);
    if (restarted) {
        m_gates->resetHolds();
        m_requestedWeight.reset();
    }
    for (const GateTransition& t : m_gates->evaluate(*snapshot)) {
        if (t.kind == GateTransition::Kind::MetElsewhere) {
            // Shown with its figures, labelled; the item stays as it was.
            AuditEntry e =
                entry(audit::kGateMetElsewhere, QString::fromLatin1(kSystemActor), t.item->id);
            e.evidence = gateEvidence(*t.item, t.status);
            e.note = u"met in %1, not counted (%2): %3"_s.arg(
                e.environment, gateElsewhereNote(t.status, *t.item->gate), t.item->gate->text);
            record(e);
            emit itemChanged(t.item->id);
            continue;
        }
        const bool passed = t.kind == GateTransition::Kind::Passed;
        AuditEntry e = entry(passed ? audit::kGatePassed : audit::kGateFailed,
                             QString::fromLatin1(kSystemActor), t.item->id);
        e.evidence = gateEvidence(*t.item, t.status);
        e.note = passed ? u"passed: %1"_s.arg(t.item->gate->text)
                        : u"no longer holds: %1"_s.arg(t.item->gate->text);
        if (record(e)) {
            if (passed) {
                m_items.insert(t.item->id,
                               {true, e.kind, e.actor, QDateTime::currentMSecsSinceEpoch(), e.note,
                                e.evidence});
            } else {
                // Still passed ("passed (failing now)"): who and when stay the pass's.
                ItemState state = m_items.value(t.item->id);
                state.done = true;
                state.kind = e.kind;
                m_items.insert(t.item->id, state);
            }
            emit itemChanged(t.item->id);
        }
    }
    if (m_stepper) {
        // After a restart, a source swap or a failed switch, the weight the
        // rollout stands at is asked of the controller (again).
        if (m_stepper->awaitingWeight() && m_requestedWeight != m_stepper->weight() &&
            (!m_switchRetry.isValid() || m_switchRetry.hasExpired(kSwitchRetryMs)))
            applyWeight(m_stepper->weight());
        handle(m_stepper->update(m_window.windowed()), QString::fromLatin1(kSystemActor));
    }
    emit gatesUpdated();
}

// --- rollout -----------------------------------------------------------------

bool RolloutSession::rolloutActive() const {
    return m_stepper && (m_stepper->state() == RolloutState::Progressing ||
                         m_stepper->state() == RolloutState::Paused);
}

bool RolloutSession::needsOperatorConfirmation() const {
    return m_stepper && m_stepper->awaitingWeight() &&
           trafficController()->kindName() == m_manualController->kindName();
}

bool RolloutSession::requireRollout(QString* error) const {
    if (!rolloutActive()) {
        *error = u"no rollout in progress"_s;
        return false;
    }
    return true;
}

QByteArray RolloutSession::rolloutStateEvidence() const {
    return compact({{u"state"_s, rolloutStateName(m_stepper->state())},
                    {u"step"_s, m_stepper->currentStep()},
                    {u"weight"_s, m_stepper->weight()},
                    {u"reason"_s, m_stepper->lastReason()}});
}

bool RolloutSession::startRollout(QString* error) {
    if (rolloutActive()) {
        *error =
            u"rollout %1 is still %2; finish, abort or roll it back first"_s.arg(m_rollout).arg(
                rolloutStateName(m_stepper->state()));
        return false;
    }
    if (!requireOperator(error))
        return false;
    if (m_draftSteps.empty()) {
        *error = u"steps: the rollout needs at least one step"_s;
        return false;
    }
    const qint64 number = m_audit.lastRolloutNumber() + 1;
    const qint64 previous = m_rollout;
    m_rollout = number;
    AuditEntry e = entry(audit::kRolloutStarted, m_operator);
    e.evidence = compact({{u"steps"_s, trafficStepsToJson(m_draftSteps)},
                          {u"controller"_s, trafficController()->describe()}});
    if (!record(e, error)) {
        m_rollout = previous;
        return false;
    }
    m_stepper = std::make_unique<TrafficStepper>(m_draftSteps, m_plan.rollbackTriggers);
    m_requestedWeight.reset();
    handle(m_stepper->start(sourceTime()), m_operator);
    return true;
}

bool RolloutSession::pauseRollout(QString* error) {
    if (!requireRollout(error) || !requireOperator(error))
        return false;
    handle(m_stepper->pause(sourceTime()), m_operator);
    return true;
}

bool RolloutSession::resumeRollout(QString* error) {
    if (!requireRollout(error) || !requireOperator(error))
        return false;
    handle(m_stepper->resume(sourceTime()), m_operator);
    return true;
}

bool RolloutSession::promote(QString* error) {
    if (!requireRollout(error) || !requireOperator(error))
        return false;
    handle(m_stepper->promote(sourceTime()), m_operator);
    return true;
}

bool RolloutSession::abort(const QString& reason, QString* error) {
    if (!requireRollout(error) || !requireOperator(error))
        return false;
    AuditEntry e = entry(audit::kAborted, m_operator);
    e.note = reason;
    if (!record(e, error))
        return false;
    handle(m_stepper->abort(sourceTime(), reason), m_operator);
    return true;
}

bool RolloutSession::rollback(const QString& reason, QString* error) {
    if (!m_stepper || m_stepper->state() == RolloutState::Healthy) {
        *error = u"no rollout to roll back"_s;
        return false;
    }
    if (!requireOperator(error))
        return false;
    handle(m_stepper->rollback(sourceTime(), u"by %1: %2"_s.arg(m_operator, reason)), m_operator);
    return true;
}

bool RolloutSession::confirmWeight(QString* error) {
    if (!m_stepper || !m_stepper->awaitingWeight()) {
        *error = u"no traffic switch is waiting for confirmation"_s;
        return false;
    }
    if (!requireOperator(error))
        return false;
    TrafficController* controller = trafficController();
    if (controller != m_manualController) {
        *error =
            u"%1 reads the weight back itself; nothing to confirm"_s.arg(controller->describe());
        return false;
    }
    if (!m_manualController->pending())
        m_manualController->requestWeight(m_stepper->weight());
    return m_manualController->confirm(m_operator, error);
}

void RolloutSession::weightInEffect(int weight, const QString& actor, const QString& how) {
    if (!m_stepper || !m_stepper->awaitingWeight() || m_stepper->weight() != weight)
        return;
    AuditEntry e = entry(audit::kWeightConfirmed, actor, QString::number(weight));
    e.note = how;
    TrafficController* controller = trafficController();
    e.evidence = compact({{u"green"_s, weight},
                          {u"blue"_s, 100 - weight},
                          {u"controller"_s, controller->kindName()},
                          {u"controller_detail"_s, controller->describe()},
                          {u"read_back"_s, how}});
    record(e);
    m_requestedWeight.reset();
    handle(m_stepper->weightApplied(weight, sourceTime()), actor);
    emit rolloutChanged();
}

void RolloutSession::applyWeight(int weight) {
    m_requestedWeight = weight;
    TrafficController* controller = trafficController();
    // A rollback also drains what keeps traffic on green (long-lived
    // connections); the manual controller waits for the operator.
    if (weight == 0 && m_stepper && m_stepper->state() == RolloutState::Degraded) {
        m_drainSince.start();  // until the balancer shows green empty
        controller->rollback();
    } else
        controller->requestWeight(weight);
}

void RolloutSession::handle(const StepperEffects& effects, const QString& actor) {
    if (effects.empty())
        return;
    const int stepCount = int(m_stepper->steps().size());
    bool stateRow = false;
    for (const StepperEffect& fx : effects) {
        switch (fx.kind) {
        case StepperEffect::Kind::SetWeight: {
            AuditEntry e = entry(audit::kWeightSet, actor, QString::number(fx.weight));
            e.note = u"green %1 %, blue %2 %"_s.arg(fx.weight).arg(100 - fx.weight);
            e.evidence = compact(
                {{u"green"_s, fx.weight}, {u"blue"_s, 100 - fx.weight}, {u"step"_s, fx.step}});
            record(e);
            applyWeight(fx.weight);
            break;
        }
        case StepperEffect::Kind::Rollback: {
            AuditEntry e = entry(audit::kRollback, actor, stepSubject(fx.step, stepCount));
            e.atMs = QDateTime::currentMSecsSinceEpoch();
            e.note = fx.reason;
            QJsonObject evidence = decisionFigures(m_window.windowed());
            evidence[u"reason"_s] = fx.reason;
            evidence[u"window_s"_s] = m_window.windowSeconds();
            addDetectionStart(evidence, actor == QLatin1String(kSystemActor));
            if (const SnapshotPtr s = m_window.latest())
                evidence[u"snapshot"_s] =
                    QJsonDocument::fromJson(metricsSnapshotToJson(*s)).object();
            e.evidence = compact(evidence);
            record(e);
            applyWeight(0);
            // Unmissable until acknowledged by name (the page's banner).
            RolloutNotice n;
            n.rollout = m_rollout;
            n.state = rolloutStateName(RolloutState::Degraded);
            n.stepCount = int(m_stepper->steps().size());
            n.step = std::min(fx.step + 1, n.stepCount);
            const bool automatic = actor == QLatin1String(kSystemActor);
            n.headline = (automatic ? u"Rollout %1 rolled back automatically"_s.arg(m_rollout)
                          : fx.reason.startsWith(u"aborted"_s)
                              ? u"Rollout %1 aborted by %2"_s.arg(m_rollout).arg(actor)
                              : u"Rollout %1 rolled back by %2"_s.arg(m_rollout).arg(actor)) +
                         u" at step %1 of %2"_s.arg(n.step).arg(n.stepCount);
            n.cause = fx.reason;
            n.figures = rollbackFiguresText(e.evidence);
            n.sourceTimeSeconds = e.sourceTimeSeconds;
            n.atMs = e.atMs;
            m_notice = n;
            // The stepper's reason may already say "rolled back: ..." (no echo).
            emit alertRaised(
                u"Rollout %1 "_s.arg(m_rollout) +
                (fx.reason.startsWith(u"rolled back"_s) || fx.reason.startsWith(u"aborted"_s)
                     ? fx.reason
                     : u"rolled back: "_s + fx.reason));
            emit noticeChanged();
            break;
        }
        case StepperEffect::Kind::Measured: {
            AuditEntry e = entry(audit::kAnalysis, actor, stepSubject(fx.step, stepCount));
            e.note = fx.inconclusive ? fx.reason
                     : fx.failed     ? u"failed: "_s + fx.reason
                                     : u"passed"_s;
            QJsonObject evidence = decisionFigures(m_window.windowed());
            evidence[u"failed"_s] = fx.failed;
            if (fx.judgement)
                evidence[u"judge"_s] = canaryJudgementToJson(*fx.judgement);
            e.evidence = compact(evidence);
            record(e);
            break;
        }
        case StepperEffect::Kind::StateChanged:
            if (fx.state == RolloutState::Promoted) {
                AuditEntry e = entry(audit::kPromoted, actor);
                e.note = m_stepper->lastReason();
                record(e);
            }
            stateRow = true;
            break;
        case StepperEffect::Kind::StepStarted:
        case StepperEffect::Kind::StepCompleted:
            stateRow = true;
            break;
        }
    }
    if (stateRow) {
        AuditEntry e =
            entry(audit::kRolloutState, actor, stepSubject(m_stepper->currentStep(), stepCount));
        e.note = rolloutStateName(m_stepper->state());
        e.evidence = rolloutStateEvidence();
        record(e);
    }
    emit rolloutChanged();
}

}  // namespace pulsco
