// A Source over the real SimulationEngine, advanced by the caller in fixed
// steps of simulated time and publishing a snapshot after each step, on the
// caller's thread. Headless drills run on it deterministically and fast; the
// console uses the threaded SimulatorSource, which behaves the same.
#pragma once

// core/Matchmaker.h names a member `slots`: include it before Qt's keywords.
#include "simulator/SimulationEngine.h"
// (keep the order)
#include "bridge/Source.h"
#include "simulator/ScenarioJson.h"

#include <memory>

namespace pulsco::test {

class EngineSource final : public Source {
    Q_OBJECT
public:
    explicit EngineSource(Scenario scenario, QObject* parent = nullptr)
        : Source(parent)
        , m_name(QString::fromStdString(scenario.name))
        , m_engine(std::make_unique<SimulationEngine>(std::move(scenario))) {}

    Kind kind() const override { return Kind::Simulator; }
    QString displayName() const override { return QStringLiteral("Engine · ") + m_name; }
    State state() const override { return m_state; }
    Capabilities capabilities() const override {
        Capabilities c;
        c.speedControl = c.faults = c.trafficWeight = true;
        return c;
    }
    SnapshotPtr latestSnapshot() const override { return m_latest; }
    void start() override {
        m_engine->warmUp();
        m_state = State::Running;
        publish();
    }
    void stop() override { m_state = State::Stopped; }
    void pause() override { m_paused = true; }
    void resume() override { m_paused = false; }
    void injectFault(const FaultSpec& fault) override { m_engine->injectFault(fault); }
    void clearFaults() override { m_engine->clearFaults(); }
    void setTrafficWeight(int greenPercent) override { m_engine->setTrafficWeight(greenPercent); }

    // Simulates `seconds` in steps of `step`, one snapshot per step (none
    // while paused: time stands still). Stops early when `until` says so.
    template <typename Until>
    void advance(double seconds, double step, Until until) {
        const double end = m_engine->runTime() + seconds;
        while (m_engine->runTime() + 1e-9 < end && !until()) {
            if (m_paused) {  // time stands still: one snapshot, then hand back
                publish();
                return;
            }
            m_engine->advanceTo(std::min(end, m_engine->runTime() + step));
            publish();
        }
    }
    void advance(double seconds, double step = 1.0) {
        advance(seconds, step, [] { return false; });
    }
    SimulationEngine& engine() { return *m_engine; }

private:
    void publish() {
        auto s = std::make_shared<MetricsSnapshot>(m_engine->snapshot());
        s->source = "simulator";
        s->sequence = ++m_sequence;
        s->paused = m_paused;
        m_latest = s;
        emit snapshotReady(m_latest);
    }

    QString m_name;
    std::unique_ptr<SimulationEngine> m_engine;
    SnapshotPtr m_latest;
    State m_state = State::Stopped;
    std::uint64_t m_sequence = 0;
    bool m_paused = false;
};

}  // namespace pulsco::test
