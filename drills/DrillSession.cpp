#include "drills/DrillSession.h"

#include "core/FaultEffects.h"

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// The one wording (core/FaultEffects.h), and how long the drill runs it.
QString faultText(const FaultSpec& f) {
    QString text = QString::fromStdString(pulsco::describeFault(f));
    if (f.durationSeconds > 0)
        text += u" for %1 s"_s.arg(f.durationSeconds);
    return text;
}

// Whether the source reports `f` in force: in its own wording, or in a
// server's, which names its colour (a fault for both colours is reported by
// each server).
bool reportsFault(const MetricsSnapshot& snapshot, const FaultSpec& f) {
    const auto& active = snapshot.activeFaults;
    const auto has = [&](const std::string& text) {
        return std::find(active.begin(), active.end(), text) != active.end();
    };
    return has(describeFault(f)) || has(describeFault(f, Color::Blue)) ||
           has(describeFault(f, Color::Green));
}

}  // namespace

DrillSession::DrillSession(DrillScript drill, Source* source, AlertEngine* alerts, QObject* parent)
    : QObject(parent)
    , m_drill(std::move(drill))
    , m_source(source)
    , m_alerts(alerts) {
    for (const FaultSpec& f : m_drill.faults)
        m_faults.push_back(FaultRun{f, false, false, 0, false});
    m_record.drillName = m_drill.name;
    m_record.drillTitle = m_drill.title;
    // Health is judged on the expected alerts' own conditions, without their
    // `for` or their hold (health returns when the condition clears, not when
    // the alert stops firing), and independently of what the trainee
    // acknowledges or resolves.
    std::vector<AlertRule> healthRules;
    if (m_alerts)
        for (const QString& name : m_drill.expectedAlerts)
            if (const AlertRule* r = m_alerts->rule(name)) {
                AlertRule copy = *r;
                copy.forSeconds = 0;
                copy.keepFiringForSeconds = 0;
                healthRules.push_back(std::move(copy));
            }
    m_health.setRules(std::move(healthRules));
    if (m_source) {
        connect(m_source, &Source::snapshotReady, this, &DrillSession::onSnapshot);
        // What a remedy did, or why it could not, belongs in the timeline.
        connect(m_source, &Source::commandDone, this,
                [this](const QString& command, const QString& outcome) {
                    if (m_phase == Phase::Running || m_phase == Phase::Paused)
                        record(DrillEventKind::Note, u"%1: %2"_s.arg(command, outcome));
                });
        connect(m_source, &Source::commandFailed, this,
                [this](const QString& command, const QString& reason) {
                    if (m_phase == Phase::Running || m_phase == Phase::Paused)
                        record(DrillEventKind::Note, u"%1 failed: %2"_s.arg(command, reason));
                });
    }
    if (m_alerts) {
        connect(m_alerts, &AlertEngine::transitioned, this, &DrillSession::onTransition);
        connect(m_alerts, &AlertEngine::acknowledged, this, &DrillSession::onAcknowledged);
    }
}

DrillSession::~DrillSession() = default;

bool DrillSession::shedNow(const QString& region) const {
    const SnapshotPtr s = m_source ? m_source->latestSnapshot() : nullptr;
    if (!s)
        return false;
    const auto it = s->regions.find(region.toStdString());
    return it != s->regions.end() && it->second.shed;
}

double DrillSession::drillTime() const {
    return m_phase == Phase::Ready ? 0 : m_now;
}

void DrillSession::setJournal(std::unique_ptr<DrillJournal> journal) {
    if (m_phase != Phase::Ready)
        return;  // a running drill keeps the journal it began with
    m_journal = std::move(journal);
}

bool DrillSession::start(QString* error) {
    const auto fail = [error](const QString& why) {
        if (error)
            *error = why;
        return false;
    };
    if (m_phase != Phase::Ready)
        return fail(u"the session has already run"_s);
    if (!m_source)
        return fail(u"no source to run it on"_s);
    if (surgesThroughLoad() && !m_surge &&
        std::any_of(m_faults.begin(), m_faults.end(),
                    [](const FaultRun& f) { return f.spec.kind == FaultKind::PlayerSurge; }))
        return fail(u"its player surge needs extra players, and live servers cannot make them: "
                    "start the console with --surge-target URL (the staging balancer) so the "
                    "drill can start pulsco-sim against it"_s);
    m_record.sourceName = m_source->displayName();
    m_record.startedAt = QDateTime::currentDateTimeUtc();
    if (m_journal) {
        QString why;
        if (!m_journal->begin(m_record, &why))  // cannot be made crash-safe: refused
            return fail(u"its journal cannot be written: "_s + why);
    }
    if (m_drill.greenWeight)
        moveTraffic(*m_drill.greenWeight, false);
    m_waitingForFirstSnapshot = true;
    m_phase = Phase::Running;
    emit phaseChanged(m_phase);
    return true;
}

void DrillSession::pause() {
    if (m_phase != Phase::Running || !m_source)
        return;
    m_phase = Phase::Paused;
    if (m_source->capabilities().speedControl) {
        m_source->pause();
        record(DrillEventKind::Paused, u"paused by the trainer"_s);
    } else {
        // Live servers' clocks cannot stop: the drill's clock stops instead,
        // and its faults are lifted until it resumes, so nothing the drill
        // caused goes on while nobody is training.
        m_pausedAtSource = m_sourceTime;
        suspendFaults();
        record(DrillEventKind::Paused, u"paused by the trainer: the drill's faults are lifted "
                                       "from the servers and its clock stops until resumed"_s);
    }
    emit phaseChanged(m_phase);
}

void DrillSession::resume() {
    if (m_phase != Phase::Paused || !m_source)
        return;
    m_phase = Phase::Running;
    if (m_pausedAtSource) {
        m_pausedTotal += std::max(0.0, m_sourceTime - *m_pausedAtSource);
        m_pausedAtSource.reset();
        resumeFaults();
        record(DrillEventKind::Resumed, u"resumed: the drill's faults are back for the time "
                                        "they had left"_s);
    } else {
        m_source->resume();
        record(DrillEventKind::Resumed, u"resumed"_s);
    }
    emit phaseChanged(m_phase);
}

void DrillSession::setSpeed(double speed) {
    if (m_source)
        m_source->setSpeed(speed);
}

void DrillSession::onSnapshot(const SnapshotPtr& snapshot) {
    if (!snapshot || m_phase == Phase::Ready || m_phase == Phase::Finished)
        return;
    if (m_waitingForFirstSnapshot) {
        m_waitingForFirstSnapshot = false;
        m_t0 = snapshot->timeSeconds;
        m_record.startSourceSeconds = m_t0;
        m_record.environment = QString::fromLatin1(toString(snapshot->environment));
        record(DrillEventKind::Started,
               u"drill \"%1\" started on %2 (%3)"_s.arg(m_drill.title, m_record.sourceName,
                                                        m_record.environment));
    }
    m_sourceTime = snapshot->timeSeconds;
    if (m_pausedAtSource)
        return;  // a live drill's clock stands still while paused
    m_now = std::max(m_now, snapshot->timeSeconds - m_t0 - m_pausedTotal);

    // Faults whose own duration ran out.
    for (FaultRun& f : m_faults)
        if (f.injected && !f.ended && f.spec.durationSeconds > 0 &&
            m_now >= f.startedAt + f.spec.durationSeconds) {
            f.ended = true;
            stopSurge(f);
            record(DrillEventKind::FaultEnded, u"fault over: "_s + faultText(f.spec), {}, true);
        }
    // Faults that are due, injected at source time.
    if (m_phase == Phase::Running && m_source) {
        for (FaultRun& f : m_faults)
            if (!f.injected && f.spec.atSeconds <= m_now)
                inject(f);
    }

    // MTTD and MTTR count from when the fault began where it acts: the
    // source's own onset (a server starts a posted fault a round trip after
    // the console sent it), once, for the drill's first fault. An onset
    // from before that fault was sent is not this drill's and is ignored.
    if (m_facts.faultStart && !m_onsetFromSource && snapshot->faultOnsetSeconds) {
        const double onset = *snapshot->faultOnsetSeconds - m_t0 - m_pausedTotal;
        if (onset >= *m_facts.faultStart - kOnsetSlackSeconds && onset <= m_now) {
            m_onsetFromSource = true;
            if (onset > *m_facts.faultStart) {
                m_facts.faultStart = onset;
                record(DrillEventKind::Note,
                       u"fault onset reported by the source at %1 s"_s.arg(onset, 0, 'f', 1), {},
                       true);
            }
        }
    }

    // Faults a remedy removed, as the source reports them: measured, not
    // assumed from the button that was pressed.
    for (FaultRun& f : m_faults) {
        if (!f.injected || f.ended)
            continue;
        if (reportsFault(*snapshot, f.spec))
            f.seenActive = true;
        else if (f.seenActive) {
            f.ended = true;
            record(DrillEventKind::FaultEnded,
                   u"fault no longer in force on the source: "_s + faultText(f.spec), {}, true);
        }
    }

    m_health.evaluate(*snapshot);
    const bool healthy = expectedHealthy(*snapshot);
    if (m_facts.faultStart && !healthy)
        m_sawUnhealthy = true;
    // Health counts once the correct remedy is in effect: a traffic move or a
    // scale out when the controller has read it back, not when it was asked.
    if (m_facts.correctActionAt && !m_facts.healthRestored && healthy && !m_awaitingReadBack) {
        m_facts.healthRestored = m_now;
        record(
            DrillEventKind::HealthRestored,
            m_drill.healthyWhen
                ? u"health restored: %1"_s.arg(QString::fromStdString(m_drill.healthyWhen->text()))
                : u"health restored: %1 clear"_s.arg(m_drill.expectedAlerts.join(u", "_s)));
    }
    if (!m_facts.correctActionAt && m_facts.faultStart && !m_facts.recoveredUnaided) {
        const bool wasSick = m_sawUnhealthy;
        if (wasSick && healthy)
            m_facts.recoveredUnaided = m_now;
    }
    const bool done = m_facts.healthRestored && (!m_drill.escalationExpected || m_facts.escalated);
    if (done || m_now >= m_drill.timeLimitSeconds)
        end(false);
}

void DrillSession::inject(FaultRun& f) {
    f.injected = true;
    f.startedAt = m_now;
    QString how;
    if (f.spec.kind == FaultKind::PlayerSurge && surgesThroughLoad()) {
        if (const QString why = m_surge->start(f.spec.multiplier); !why.isEmpty()) {
            f.ended = true;
            record(DrillEventKind::Note,
                   u"fault not injected: %1: %2"_s.arg(faultText(f.spec), why));
            return;
        }
        how = u": "_s + m_surge->description();
    } else {
        FaultSpec now = f.spec;
        now.atSeconds = 0;
        m_source->injectFault(now);
    }
    ++m_injected;
    if (!m_facts.faultStart)
        m_facts.faultStart = m_now;
    record(DrillEventKind::FaultInjected, u"fault injected: "_s + faultText(f.spec) + how, {},
           true);
}

bool DrillSession::surgesThroughLoad() const {
    return m_source && m_source->kind() == Source::Kind::Live;
}

void DrillSession::stopSurge(const FaultRun& f) {
    if (f.spec.kind == FaultKind::PlayerSurge && surgesThroughLoad() && m_surge)
        m_surge->stop();
}

bool DrillSession::running(const FaultRun& f) const {
    return f.injected && !f.ended &&
           (f.spec.durationSeconds <= 0 || m_now < f.startedAt + f.spec.durationSeconds);
}

FaultSpec DrillSession::remainder(const FaultRun& f) const {
    FaultSpec rest = f.spec;
    rest.atSeconds = 0;
    if (rest.durationSeconds > 0)
        rest.durationSeconds = f.startedAt + f.spec.durationSeconds - m_now;
    return rest;
}

void DrillSession::suspendFaults() {
    m_source->clearFaults();
    for (const FaultRun& f : m_faults)
        if (running(f))
            stopSurge(f);
}

void DrillSession::resumeFaults() {
    for (FaultRun& f : m_faults) {
        if (!running(f))
            continue;
        // Seen afresh: the first snapshots after the resume may not show it yet.
        f.seenActive = false;
        const FaultSpec rest = remainder(f);
        if (rest.kind == FaultKind::PlayerSurge && surgesThroughLoad()) {
            if (!m_surge)
                continue;
            if (const QString why = m_surge->start(rest.multiplier); !why.isEmpty())
                record(DrillEventKind::Note,
                       u"fault not resumed: %1: %2"_s.arg(faultText(f.spec), why));
        } else {
            m_source->injectFault(rest);
        }
    }
}

void DrillSession::setSurgeLoad(SurgeLoad* load) {
    if (m_surge)
        disconnect(m_surge, nullptr, this, nullptr);
    m_surge = load;
    if (!load)
        return;
    connect(load, &SurgeLoad::endedByItself, this, [this](const QString& why) {
        if (m_phase != Phase::Running && m_phase != Phase::Paused)
            return;
        for (FaultRun& f : m_faults)
            if (f.spec.kind == FaultKind::PlayerSurge && f.injected && !f.ended) {
                f.ended = true;
                record(
                    DrillEventKind::FaultEnded,
                    u"fault over: %1: the extra players stopped: %2"_s.arg(faultText(f.spec), why),
                    {}, true);
            }
    });
}

bool DrillSession::expectedHealthy(const MetricsSnapshot& snapshot) const {
    if (m_drill.healthyWhen)
        return m_drill.healthyWhen->evaluate(snapshot).truthy();
    for (const AlertRule& r : m_health.rules()) {
        const AlertState s = m_health.state(r.name);
        if (s == AlertState::Firing || s == AlertState::Pending)
            return false;
    }
    return true;
}

void DrillSession::onTransition(const AlertTransition& t) {
    if (m_phase != Phase::Running && m_phase != Phase::Paused)
        return;
    if (t.to == AlertState::Firing)
        record(DrillEventKind::AlertFiring,
               u"alert firing: %1 (%2)%3%4"_s.arg(
                   t.rule, toString(t.severity),
                   t.detail.isEmpty() ? QString() : u", "_s + t.detail,
                   t.acknowledgedBy.isEmpty()
                       ? QString()
                       : u", still acknowledged by %1"_s.arg(t.acknowledgedBy)));
    else if (t.to == AlertState::Resolved)
        record(DrillEventKind::AlertResolved,
               t.who.isEmpty() ? u"alert resolved: %1"_s.arg(t.rule)
                               : u"alert resolved by %1: %2 — %3"_s.arg(t.who, t.rule, t.note),
               t.who);
}

void DrillSession::onAcknowledged(const AlertTransition& t) {
    if (m_phase != Phase::Running && m_phase != Phase::Paused)
        return;
    record(DrillEventKind::Acknowledged, u"acknowledged %1"_s.arg(t.rule), t.who);
    if (m_facts.faultStart && !m_facts.firstCorrectAck && m_drill.expectedAlerts.contains(t.rule)) {
        m_facts.firstCorrectAck = std::max(m_now, *m_facts.faultStart);
        m_facts.ackedAlert = t.rule;
    }
}

bool DrillSession::addNote(const QString& text) {
    if (m_phase != Phase::Running && m_phase != Phase::Paused)
        return false;
    return record(DrillEventKind::Note, text.trimmed(), m_record.trainee);
}

bool DrillSession::act(const DrillAction& action, const QString& note) {
    if (m_phase != Phase::Running && m_phase != Phase::Paused)
        return false;
    if (action.kind == DrillActionKind::Note)
        return addNote(note);
    QString text = drillActionTitle(action.kind) + u" ("_s + action.describe() + u')';
    if (!note.trimmed().isEmpty())
        text += u": "_s + note.trimmed();
    if (!record(DrillEventKind::Action, text, m_record.trainee))
        return false;  // not durable: not done
    if (action.kind == DrillActionKind::Escalate) {
        m_facts.escalated = true;
        return true;
    }
    if (m_drill.isCorrect(action)) {
        if (!m_facts.correctActionAt) {
            m_facts.correctActionAt = m_now;
            m_facts.correctAction = action.describe();
        }
    } else {
        m_facts.wrongActions.push_back({m_now, action.describe(), m_drill.costOf(action)});
    }
    // The action really happens, right or wrong.
    const bool throughController = m_traffic && (action.kind == DrillActionKind::Rollback ||
                                                 action.kind == DrillActionKind::Drain ||
                                                 action.kind == DrillActionKind::ScaleOut);
    if (throughController && m_drill.isCorrect(action))
        m_awaitingReadBack = true;
    if (m_source) {
        switch (action.kind) {
        case DrillActionKind::Rollback:
            moveTraffic(0, true);
            break;
        case DrillActionKind::Drain:
            moveTraffic(action.target == u"blue" ? 100 : 0, false);
            break;
        // These do what they say on the source; the fault they answer stops
        // acting because its cause is gone, and the drill ends when the
        // metrics show it (health restored), not when the button is pressed.
        case DrillActionKind::RestartMatcher:
            m_source->restartMatcher(colorOfTarget(action.target));
            break;
        case DrillActionKind::FailoverStore:
            m_source->failoverStore(colorOfTarget(action.target));
            break;
        case DrillActionKind::ScaleOut:
            // Live, capacity is another server in the balancer's pool.
            if (m_traffic)
                m_traffic->scaleOut();
            else
                m_source->scaleOut();
            break;
        case DrillActionKind::ShedRegion:
            // On every server (or the engine): the region's outage stops
            // paging once the servers report it shed; the drill puts it back
            // in service when it ends, unless it was shed before the drill
            // shed it (an operator's, not the drill's to undo).
            if (!m_shedRegions.contains(action.region) && !shedNow(action.region))
                m_shedRegions.append(action.region);
            m_source->shedRegion(action.region, true);
            break;
        default:
            break;
        }
    }
    return true;
}

void DrillSession::setTrafficController(TrafficController* controller) {
    if (m_traffic)
        disconnect(m_traffic, nullptr, this, nullptr);
    m_traffic = controller;
    if (!controller)
        return;
    // The switch counts when the controller read it back from the router.
    connect(controller, &TrafficController::weightApplied, this,
            [this](int weight, const QString& readBack) {
                m_awaitingReadBack = false;
                if (m_phase != Phase::Running && m_phase != Phase::Paused)
                    return;
                if (m_source)
                    m_source->noteAppliedWeight(weight);
                record(DrillEventKind::Note,
                       u"traffic: green %1 % in effect (%2)"_s.arg(weight).arg(readBack));
            });
    connect(controller, &TrafficController::scaledOut, this, [this](const QString& readBack) {
        m_awaitingReadBack = false;
        if (m_phase == Phase::Running || m_phase == Phase::Paused)
            record(DrillEventKind::Note,
                   u"scale out: a spare server joined blue's pool (%1)"_s.arg(readBack));
    });
    connect(controller, &TrafficController::scaleOutFailed, this, [this](const QString& reason) {
        m_awaitingReadBack = false;
        if (m_phase == Phase::Running || m_phase == Phase::Paused)
            record(DrillEventKind::Note, u"scale out failed: "_s + reason);
    });
    connect(controller, &TrafficController::weightFailed, this,
            [this](int weight, const QString& reason) {
                m_awaitingReadBack = false;
                if (m_phase != Phase::Running && m_phase != Phase::Paused)
                    return;
                record(DrillEventKind::Note,
                       u"traffic: green %1 % not applied: %2"_s.arg(weight).arg(reason));
            });
}

void DrillSession::moveTraffic(int greenPercent, bool rollback) {
    if (m_traffic) {
        if (rollback)
            m_traffic->rollback();
        else
            m_traffic->requestWeight(greenPercent);
        return;
    }
    if (!m_source)
        return;
    if (rollback)
        m_source->rollback();
    else
        m_source->setTrafficWeight(greenPercent);
}

std::optional<Color> DrillSession::colorOfTarget(const QString& target) {
    return target.isEmpty() ? std::nullopt : colorFromString(target.toStdString());
}

void DrillSession::emergencyStop() {
    if (m_phase != Phase::Running && m_phase != Phase::Paused)
        return;
    if (m_source) {
        m_source->clearFaults();
        if (m_phase == Phase::Paused && !m_pausedAtSource)
            m_source->resume();
    }
    for (FaultRun& f : m_faults)
        if (f.injected && !f.ended) {
            f.ended = true;
            stopSurge(f);
        }
    record(DrillEventKind::EmergencyStop,
           u"emergency stop: every injected fault cleared, timeline stopped"_s);
    end(true);
}

void DrillSession::finish() {
    if (m_phase == Phase::Running || m_phase == Phase::Paused)
        end(false);
}

void DrillSession::end(bool emergency) {
    if (m_phase == Phase::Finished)
        return;
    m_facts.emergencyStopped = emergency;
    if (!emergency && m_source) {
        // Nothing the drill injected outlives it.
        if (std::any_of(m_faults.begin(), m_faults.end(),
                        [](const FaultRun& f) { return f.injected && !f.ended; }))
            m_source->clearFaults();
        if (m_phase == Phase::Paused && !m_pausedAtSource)
            m_source->resume();
    }
    for (const FaultRun& f : m_faults)
        if (f.injected && !f.ended)
            stopSurge(f);
    // A region the drill shed goes back in service with the drill. The
    // servers answer after the drill has ended: a refusal is the console's
    // (status bar and event log), as for any command.
    if (m_source && !m_shedRegions.isEmpty()) {
        for (const QString& region : std::as_const(m_shedRegions))
            m_source->shedRegion(region, false);
        record(DrillEventKind::Note, u"putting back in service: %1 (shed during the drill)"_s.arg(
                                         m_shedRegions.join(u", "_s)));
        m_shedRegions.clear();
    }
    m_phase = Phase::Finished;
    m_record.durationSeconds = m_now;
    m_record.score = judgeDrill(m_drill, m_facts);
    record(DrillEventKind::Finished,
           m_record.score.passed
               ? u"finished: passed"_s
               : u"finished: failed (%1)"_s.arg(m_record.score.reasons.join(u"; "_s)));
    emit phaseChanged(m_phase);
    emit finished(m_record);
}

bool DrillSession::record(DrillEventKind kind, const QString& text, const QString& who,
                          bool hidden) {
    DrillEvent e;
    e.atSeconds = m_now;
    e.kind = kind;
    e.text = text;
    e.who = who;
    e.hidden = hidden;
    // Durable before it is shown (drills/DrillJournal.h).
    QString error;
    if (m_journal && !m_journal->append(e, &error)) {
        qWarning("drill %s: event not recorded: %s", qPrintable(m_drill.name), qPrintable(error));
        return false;
    }
    m_record.events.push_back(e);
    emit eventRecorded(e);
    return true;
}

}  // namespace pulsco
