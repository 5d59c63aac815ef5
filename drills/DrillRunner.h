// Runs the console's drills, one at a time: starts a DrillSession for a
// parsed drill on the Source (the one it was given, or the one the opener
// hands it for that drill), journals it in the session store from its first
// event, owns it while it runs and after (until the next start), and saves
// its record when it ends. The Drills page binds to its signals and never
// makes a session itself; app/pulsco-console makes the runner.
#pragma once

#include "bridge/Source.h"
#include "drills/AlertEngine.h"
#include "drills/DrillRecord.h"
#include "drills/DrillScript.h"
#include "drills/DrillSession.h"

#include <QObject>
#include <QPointer>

#include <functional>

namespace pulsco {

class DrillSessionStore;

class DrillRunner : public QObject {
    Q_OBJECT
public:
    // Opens the Source a drill runs on (the console switches its current
    // source to the drill's scenario); null and *error when it cannot.
    using SourceOpener = std::function<Source*(const DrillScript& drill, QString* error)>;

    // Sessions run on `alerts` (the console's engine, fed by its owner);
    // finished sessions are journaled in and saved to `store` (null: drills
    // run, nothing is saved). Both must outlive the runner.
    explicit DrillRunner(AlertEngine* alerts, DrillSessionStore* store, QObject* parent = nullptr);
    ~DrillRunner() override;

    // Without an opener, drills run on this source.
    void setSource(Source* source) { m_source = source; }
    Source* source() const { return m_source; }
    void setSourceOpener(SourceOpener opener) { m_opener = std::move(opener); }
    // What moves live traffic, for the sessions started from now on (their
    // setup weight, rollback and drain); null: the source moves it.
    void setTrafficController(TrafficController* controller) { m_traffic = controller; }
    // The extra players of a live drill's player surge (drills/SurgeLoad.h).
    void setSurgeLoad(SurgeLoad* load) { m_surge = load; }
    SurgeLoad* surgeLoad() const { return m_surge; }

    // Starts `drill` for `trainee`, run by `trainer` (both land in the
    // journal and the report); false and *error (for the trainer to read)
    // when a drill is running, no source opens or the source cannot inject
    // faults. The previous, finished session is deleted.
    bool start(const DrillScript& drill, const QString& trainee, const QString& trainer,
               QString* error = nullptr);
    // A session started and not finished (also while paused).
    bool isRunning() const;
    // The running session, or the last one until the next start; null before.
    DrillSession* session() const { return m_session; }
    DrillSessionStore* store() const { return m_store; }

    // Source seconds per wall second (0 = as fast as it goes), for the
    // running session and the next ones, on sources with speed control.
    void setSpeed(double speed);
    double speed() const { return m_speed; }

signals:
    // After the session started (its phase is Running, the journal open).
    void started(pulsco::DrillSession* session);
    void eventRecorded(const pulsco::DrillEvent& event);
    void phaseChanged(pulsco::DrillSession::Phase phase);
    // The record could not be saved; `finished` follows.
    void saveFailed(const QString& error);
    // The session ended; `record` carries its store id when it was saved.
    void finished(const pulsco::DrillRecord& record);

private:
    void onFinished(const DrillRecord& record);

    QPointer<AlertEngine> m_alerts;
    DrillSessionStore* m_store = nullptr;
    QPointer<Source> m_source;
    QPointer<TrafficController> m_traffic;
    QPointer<SurgeLoad> m_surge;
    SourceOpener m_opener;
    QPointer<DrillSession> m_session;
    double m_speed = 1;
};

}  // namespace pulsco
