// A recording of pulsco-matchd's arrivals (simulator/RecordingReader) as a
// console Source: the replay engine (engine/ReplayEngine) advanced on the
// console's thread in 100 ms slices paced to the speed (1x the recorded
// time, Nx, or as fast as it goes), with pause, resume and step. The engine
// is light (hundreds of thousands of arrivals per second), so no worker
// thread is needed. What a recording cannot have is refused with a reason:
// faults (the traffic is what it was) and the blue-green weight.
#pragma once

#include "bridge/Source.h"
#include "simulator/RecordingReader.h"
#include "simulator/engine/ReplayEngine.h"

#include <QElapsedTimer>
#include <QTimer>

#include <memory>

namespace pulsco {

class ReplaySource final : public Source {
    Q_OBJECT
public:
    static constexpr int kSliceMs = 100;
    static constexpr double kMaxSpeedSecondsPerSlice = 60;  // speed max: a minute per slice

    ReplaySource(QString path, Recording recording, QueueConfig rules, ReplayOptions options = {},
                 QObject* parent = nullptr);
    ~ReplaySource() override;

    Kind kind() const override { return Kind::Simulator; }
    QString displayName() const override;
    State state() const override { return m_state; }
    Capabilities capabilities() const override;
    SnapshotPtr latestSnapshot() const override { return m_latest; }

    void start() override;
    void stop() override;
    void pause() override;
    void resume() override;
    void step() override;
    void setSpeed(double simSecondsPerWallSecond) override;  // 0 = max
    void injectFault(const FaultSpec& fault) override;
    void clearFaults() override;
    void setTrafficWeight(int greenPercent) override;

    const Recording& recording() const { return m_recording; }
    double speed() const { return m_speed; }

private:
    void slice();
    void advance(double seconds);
    void publish();
    void setState(State state);

    QString m_path;
    Recording m_recording;
    QueueConfig m_rules;
    ReplayOptions m_options;
    std::unique_ptr<ReplayEngine> m_engine;
    QTimer m_timer;
    SnapshotPtr m_latest;
    std::uint64_t m_sequence = 0;
    State m_state = State::Stopped;
    double m_speed = 1;
    bool m_paused = false;
};

}  // namespace pulsco
