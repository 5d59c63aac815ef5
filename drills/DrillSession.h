// Runs one drill against a Source: applies the setup, injects the script's
// faults when the source's own clock reaches them (Source::injectFault),
// follows the alerts, records every trainee action with its drill time, and
// scores the result (drills/DrillScoring.h). Works the same on the embedded
// simulator and on a staging pulsco-matchd: everything goes through Source.
//
// Time is the source's time (snapshots), so pause and speed apply to the
// drill too (on live servers, whose clock cannot stop, a pause stops the
// drill's clock and lifts its faults until it resumes); faults start at the first snapshot at or
// after their at_s, so a fault's recorded start is at most one snapshot early for the trainee.
#pragma once

#include "bridge/Source.h"
#include "bridge/TrafficController.h"
#include "drills/AlertEngine.h"
#include "drills/DrillJournal.h"
#include "drills/DrillRecord.h"
#include "drills/DrillScoring.h"
#include "drills/DrillScript.h"
#include "drills/SurgeLoad.h"

#include <QObject>
#include <QPointer>

#include <memory>
#include <optional>
#include <vector>

namespace pulsco {

class DrillSession : public QObject {
    Q_OBJECT
public:
    enum class Phase { Ready, Running, Paused, Finished };
    Q_ENUM(Phase)

    // `alerts` is the console's engine (the one the trainee acknowledges in);
    // it must be fed the same source's snapshots by its owner. `rules` are
    // the rule definitions used to judge health (the expected alerts' rules).
    DrillSession(DrillScript drill, Source* source, AlertEngine* alerts, QObject* parent = nullptr);
    ~DrillSession() override;

    const DrillScript& drill() const { return m_drill; }
    Phase phase() const { return m_phase; }
    Source* source() const { return m_source; }
    // What moves live traffic (HAProxy, a webhook, an operator): the setup
    // weight, rollback and drain go through it, as a rollout's do, and its
    // read-back (or refusal) is on the timeline. Without one they go to the
    // source (the simulator's players follow its weight). Set before start().
    void setTrafficController(TrafficController* controller);
    // Where a player_surge's extra players come from on live servers
    // (drills/SurgeLoad.h); a live drill with a surge is refused without
    // one. The simulator plays its surges itself. Set before start().
    void setSurgeLoad(SurgeLoad* load);
    void setTrainee(const QString& name) { m_record.trainee = name; }
    // Journals every event (drills/DrillJournal.h, from
    // DrillSessionStore::openJournal) so a crash loses nothing the trainee
    // saw; call before start(). Without it the session is not journaled.
    void setJournal(std::unique_ptr<DrillJournal> journal);
    void setTrainer(const QString& name) { m_record.trainer = name; }

    // Begins at the next snapshot: drill time 0 = that snapshot's time.
    // False, with why, when the session cannot run: not ready, no source, or
    // its journal cannot be written (a drill that is not crash-safe is refused).
    bool start(QString* error = nullptr);
    void pause();
    void resume();
    void setSpeed(double simSecondsPerWallSecond);
    // Clears every injected fault at once and stops the timeline; the drill
    // ends (scored, with the stop listed as the reason it failed).
    void emergencyStop();
    // Ends the drill now and scores it (the trainer's "finish").
    void finish();

    // The trainee's remediation or escalation; false when the drill is not
    // running. Traffic actions go to the Source; the others are modelled by
    // ending the faults they fix (drills/DrillAction.h).
    bool act(const DrillAction& action, const QString& note = {});
    bool addNote(const QString& text);

    double drillTime() const;  // source seconds since the start (0 before)
    int faultsInjected() const { return m_injected; }
    const DrillRecord& record() const { return m_record; }
    const DrillFacts& facts() const { return m_facts; }
    DrillScore score() const { return judgeDrill(m_drill, m_facts); }

signals:
    void phaseChanged(pulsco::DrillSession::Phase phase);
    void eventRecorded(const pulsco::DrillEvent& event);
    void finished(const pulsco::DrillRecord& record);

private:
    // Whether the source's latest snapshot reports `region` shed.
    bool shedNow(const QString& region) const;

    struct FaultRun {
        FaultSpec spec;
        bool injected = false;
        bool ended = false;
        double startedAt = 0;     // drill time
        bool seenActive = false;  // the source has reported it in force
    };
    void onSnapshot(const SnapshotPtr& snapshot);
    void onTransition(const AlertTransition& transition);
    void onAcknowledged(const AlertTransition& transition);
    // False when the event could not be made durable (then it is not shown).
    bool record(DrillEventKind kind, const QString& text, const QString& who = {},
                bool hidden = false);
    // An action's target as a colour: empty is both.
    static std::optional<Color> colorOfTarget(const QString& target);
    void end(bool emergency);
    // Starts a due fault: a live surge through the load, the rest on the source.
    void inject(FaultRun& f);
    // The extra players stop with the surge (a no-op for other faults).
    void stopSurge(const FaultRun& f);
    bool surgesThroughLoad() const;
    // Injected, not ended, and within its own duration.
    bool running(const FaultRun& f) const;
    // A running fault as it is injected again: now, for the time it has left.
    FaultSpec remainder(const FaultRun& f) const;
    // A live pause lifts the running faults; resuming puts them back for
    // the time they had left.
    void suspendFaults();
    void resumeFaults();
    bool expectedHealthy(const MetricsSnapshot& snapshot) const;

    DrillScript m_drill;
    QPointer<Source> m_source;
    QPointer<TrafficController> m_traffic;
    QPointer<SurgeLoad> m_surge;
    QStringList m_shedRegions;  // shed by the trainee; back in service at the end
    // Green's share of new traffic through the controller or the source.
    void moveTraffic(int greenPercent, bool rollback);
    QPointer<AlertEngine> m_alerts;
    AlertEngine m_health;  // the expected alerts' rules, judged on their own
    Phase m_phase = Phase::Ready;
    bool m_waitingForFirstSnapshot = false;
    bool m_sawUnhealthy = false;
    double m_t0 = 0;
    double m_now = 0;         // drill time: source time since the start, pauses left out
    double m_sourceTime = 0;  // the last snapshot's own time
    // Live pauses: the source's clock goes on, the drill's does not.
    std::optional<double> m_pausedAtSource;
    double m_pausedTotal = 0;
    // faultStart is the source's reported onset (not the time it was sent).
    bool m_onsetFromSource = false;
    // A correct remedy through the controller, not read back yet: health
    // does not count as restored by it until it is in effect.
    bool m_awaitingReadBack = false;
    // Snapshot times are about a second apart: an onset this much before
    // the sending snapshot is still the drill's.
    static constexpr double kOnsetSlackSeconds = 2;
    std::vector<FaultRun> m_faults;
    int m_injected = 0;
    DrillFacts m_facts;
    DrillRecord m_record;
    std::unique_ptr<DrillJournal> m_journal;  // null: not journaled
};

}  // namespace pulsco
