// A Source over the real SimulationEngine that the test drives by hand:
// advance() runs the engine second by second (as fast as it goes, i.e. at
// max speed) and publishes a snapshot each `stepSeconds` of simulated time,
// synchronously, so a rollout's timing is exact and repeatable.
#pragma once

// First, before any Qt header: core/Matchmaker.h has a member named
// `slots`, which Qt's `slots` keyword macro would erase.
#include "simulator/SimulationEngine.h"

#include "bridge/Source.h"
#include "simulator/ScenarioJson.h"

#include <memory>

namespace pulsco::test {

class EngineSource final : public Source {
public:
    explicit EngineSource(Scenario scenario, QObject* parent = nullptr)
        : Source(parent)
        , m_engine(std::make_unique<SimulationEngine>(std::move(scenario))) {
        m_engine->warmUp();
        m_engine->setTrafficWeight(m_engine->scenario().traffic.greenWeightPercent);
    }
    static std::unique_ptr<EngineSource> shipped(const QString& name) {
        const ScenarioLoad load = loadScenarioFile(shippedScenarioPath(name));
        if (!load.scenario)
            qFatal("%s", qPrintable(load.error));
        return std::make_unique<EngineSource>(*load.scenario);
    }

    Kind kind() const override { return Kind::Simulator; }
    QString displayName() const override {
        return QStringLiteral("Engine · ") + QString::fromStdString(m_engine->scenario().name);
    }
    State state() const override { return State::Running; }
    Capabilities capabilities() const override {
        Capabilities c;
        c.trafficWeight = c.faults = true;
        return c;
    }
    SnapshotPtr latestSnapshot() const override { return m_latest; }
    void start() override {}
    void stop() override {}
    void injectFault(const FaultSpec& fault) override { m_engine->injectFault(fault); }
    void clearFaults() override { m_engine->clearFaults(); }
    void setTrafficWeight(int greenPercent) override {
        ++weightCommands;
        m_engine->setTrafficWeight(greenPercent);
    }

    // Runs until run time `untilSeconds` or until `stop()` returns true.
    template <typename Stop>
    void advance(double untilSeconds, double stepSeconds, Stop stop) {
        while (m_engine->runTime() + 1e-9 < untilSeconds) {
            m_engine->advanceTo(m_engine->runTime() + stepSeconds);
            publish();
            if (stop())
                return;
        }
    }
    void advance(double untilSeconds, double stepSeconds = 1) {
        advance(untilSeconds, stepSeconds, [] { return false; });
    }
    void publish() {
        auto s = std::make_shared<MetricsSnapshot>(m_engine->snapshot());
        s->source = "engine";
        s->sequence = ++m_sequence;
        s->speed = 0;
        m_latest = s;
        emit snapshotReady(m_latest);
    }
    SimulationEngine& engine() { return *m_engine; }
    int weightCommands = 0;

private:
    std::unique_ptr<SimulationEngine> m_engine;
    SnapshotPtr m_latest;
    std::uint64_t m_sequence = 0;
};

}  // namespace pulsco::test
