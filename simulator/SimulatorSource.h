// The embedded simulator as a console Source: the SimulationEngine runs on a
// worker thread owned by this object, in slices paced to the speed (1x real
// time, Nx, or as fast as possible), applying commands between slices.
// Snapshots (at most 10 per wall second) and batched LogEvents arrive through
// queued signals; no call blocks the caller's thread except stop(), which
// joins the worker. start() after stop() runs the scenario again from its
// start (warmup included); the speed, pause and traffic weight set so far carry over.
#pragma once

#include "bridge/Source.h"
#include "simulator/engine/Scenario.h"

#include <QMutex>
#include <QPointer>

#include <vector>

class QThread;

namespace pulsco {

class SimulationWorker;

class SimulatorSource final : public Source {
    Q_OBJECT
public:
    explicit SimulatorSource(Scenario scenario, QObject* parent = nullptr);
    ~SimulatorSource() override;

    Kind kind() const override { return Kind::Simulator; }
    QString displayName() const override;
    State state() const override;
    Capabilities capabilities() const override;
    SnapshotPtr latestSnapshot() const override;
    std::optional<double> upperBound(const QString& figure) const override;

    void start() override;
    void stop() override;
    void pause() override;
    void resume() override;
    void step() override;
    void setSpeed(double simSecondsPerWallSecond) override;  // 0 = max
    void injectFault(const FaultSpec& fault) override;
    void clearFaults() override;
    void setTrafficWeight(int greenPercent) override;
    void restartMatcher(std::optional<Color> color) override;
    void failoverStore(std::optional<Color> color) override;
    void scaleOut() override;
    void shedRegion(const QString& region, bool shed) override;

    const Scenario& scenario() const { return m_scenario; }
    double speed() const { return m_speed; }

    // At most this many LogEvents per published batch; the rest are counted
    // in an Info event ("N events not shown") — engine counts stay exact.
    static constexpr int kMaxEventsPerBatch = 500;
    static constexpr int kMinPublishIntervalMs = 100;

protected:
    bool event(QEvent* event) override;

private:
    // Queues a call to the worker (bridge/ThreadHandoff.h: visible to TSan).
    template <class Call>
    void postToWorker(Call&& call);
    void onPublished(pulsco::SnapshotPtr snapshot, pulsco::LogEventBatch events);
    void onWorkerState(pulsco::Source::State state);
    void setState(State state);

    Scenario m_scenario;
    QThread* m_thread = nullptr;           // child of this; joined in stop()
    SimulationWorker* m_worker = nullptr;  // lives in m_thread; deleted after the join
    mutable QMutex m_mutex;
    SnapshotPtr m_latest;
    State m_state = State::Stopped;
    double m_speed = 1;
    bool m_paused = false;
    int m_weight = 0;
};

}  // namespace pulsco
