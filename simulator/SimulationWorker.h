// The simulator's worker-thread half (used only by SimulatorSource): owns the
// SimulationEngine, runs it in slices on a timer, publishes snapshots.
#pragma once

#include <functional>

#include "bridge/Source.h"
#include "simulator/engine/Scenario.h"

#include <QElapsedTimer>
#include <QObject>

#include <memory>

class QTimer;

namespace pulsco {

class SimulationEngine;

class SimulationWorker final : public QObject {
    Q_OBJECT
public:
    // `handoffChannel` orders queued calls for ThreadSanitizer in both
    // directions (bridge/ThreadHandoff.h); the SimulatorSource passes itself.
    SimulationWorker(Scenario scenario, double speed, bool paused, int weight,
                     const void* handoffChannel);
    ~SimulationWorker() override;

    // Slots, always invoked in the worker thread (queued).
    void begin();     // builds the engine, runs the warmup, starts the slices
    void shutdown();  // stops the slices, frees the engine, quits the thread
    void setPaused(bool paused);
    void step();
    void setSpeed(double speed);
    void injectFault(const pulsco::FaultSpec& fault);
    void clearFaults();
    void setTrafficWeight(int greenPercent);
    // A remedy or other command on the engine, at its current time.
    void command(const std::function<void(SimulationEngine&)>& apply);

    bool event(QEvent* event) override;

signals:
    void published(pulsco::SnapshotPtr snapshot, pulsco::LogEventBatch events);
    void stateChanged(pulsco::Source::State state);

private:
    void slice();
    void publish(bool force);
    void reanchor();
    void updateTimer();
    void emitStateChanged(Source::State state);

    Scenario m_scenario;
    std::unique_ptr<SimulationEngine> m_engine;
    QTimer* m_timer = nullptr;  // child of this, created in begin()
    double m_speed;
    bool m_paused;
    int m_weight;
    std::uint64_t m_sequence = 0;
    QElapsedTimer m_wall;        // since the last (re)anchor
    double m_anchorRunTime = 0;  // simulated run time at the anchor
    QElapsedTimer m_sincePublish;
    bool m_dirty = true;
    std::uint64_t m_droppedReported = 0;
    const void* m_handoffChannel;
};

}  // namespace pulsco
