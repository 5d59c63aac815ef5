// A Source over the real SimulationEngine that the test drives by hand, on
// the test's own thread: start() warms the engine up and publishes the first
// snapshot; advance() and advanceBy() run the engine as fast as it goes in
// fixed steps of simulated time and publish one snapshot per step,
// synchronously, so a rollout's or a drill's timing is exact and repeatable.
// The console's threaded SimulatorSource behaves the same, paced. Used by the
// rollout and drills suites, bench_rollout, bench_drills and tests/ui's
// console_crash_driver (through tests/rollout/EngineSource.h).
#pragma once

#include "bridge/Source.h"
#include "simulator/ScenarioJson.h"
#include "simulator/engine/SimulationEngine.h"

#include <algorithm>
#include <memory>

namespace pulsco::test {

class EngineSource final : public Source {
public:
    // Stopped until start(); the traffic weight is the scenario's.
    explicit EngineSource(Scenario scenario, QObject* parent = nullptr)
        : Source(parent)
        , m_name(QString::fromStdString(scenario.name))
        , m_engine(std::make_unique<SimulationEngine>(std::move(scenario))) {}

    // A shipped scenario (resources/scenarios) through the real loader; not
    // started yet.
    static std::unique_ptr<EngineSource> shipped(const QString& name) {
        const ScenarioLoad load = loadScenarioFile(shippedScenarioPath(name));
        if (!load.scenario)
            qFatal("%s", qPrintable(load.error));
        return std::make_unique<EngineSource>(*load.scenario);
    }

    Kind kind() const override { return Kind::Simulator; }
    QString displayName() const override { return QStringLiteral("Engine · ") + m_name; }
    State state() const override { return m_state; }
    Capabilities capabilities() const override {
        Capabilities c;
        c.speedControl = c.faults = c.trafficWeight = true;
        return c;
    }
    SnapshotPtr latestSnapshot() const override { return m_latest; }
    // Warms the engine up (run time 0) and publishes its first snapshot.
    void start() override {
        m_started = true;
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
    void restartMatcher(std::optional<Color> color) override { m_engine->restartMatcher(color); }
    void failoverStore(std::optional<Color> color) override { m_engine->failoverStore(color); }
    void scaleOut() override { m_engine->scaleOut(); }
    void shedRegion(const QString& region, bool shed) override {
        if (!m_engine->shedRegion(region.toStdString(), shed))
            emit commandFailed(QStringLiteral("shed region"),
                               QStringLiteral("unknown region \"%1\"").arg(region));
    }

    // Runs the engine up to run time `untilSeconds` (seconds since the
    // run's start) in steps of `step` (the last one may be shorter), one
    // snapshot after each step. Before each step `stop()` is asked whether to
    // stop early. While paused time stands still: one snapshot, then it
    // hands back. A source not started yet is started first.
    template <typename Stop>
    void advance(double untilSeconds, double step, Stop stop) {
        if (!m_started)
            start();
        while (m_engine->runTime() + 1e-9 < untilSeconds && !stop()) {
            if (m_paused) {
                publish();
                return;
            }
            m_engine->advanceTo(std::min(untilSeconds, m_engine->runTime() + step));
            publish();
        }
    }
    void advance(double untilSeconds, double step = 1.0) {
        advance(untilSeconds, step, [] { return false; });
    }
    // The same for `seconds` more than the current run time.
    template <typename Stop>
    void advanceBy(double seconds, double step, Stop stop) {
        advance(m_engine->runTime() + seconds, step, stop);
    }
    void advanceBy(double seconds, double step = 1.0) {
        advanceBy(seconds, step, [] { return false; });
    }

    SimulationEngine& engine() { return *m_engine; }

    // Session-logic tests only: label the engine's snapshots as if a staging
    // or production server had sent them, to test what counted evidence
    // does. The real label comes from pulsco-matchd --environment (tested
    // against real servers in tests/integration and tests/live).
    void relabelEnvironment(DeploymentEnvironment environment) { m_environment = environment; }

private:
    void publish() {
        auto s = std::make_shared<MetricsSnapshot>(m_engine->snapshot());
        s->source = "simulator";
        s->sequence = ++m_sequence;
        s->speed = 0;  // as fast as it goes
        s->paused = m_paused;
        s->environment = m_environment;
        m_latest = s;
        emit snapshotReady(m_latest);
    }

    QString m_name;
    std::unique_ptr<SimulationEngine> m_engine;
    SnapshotPtr m_latest;
    State m_state = State::Stopped;
    std::uint64_t m_sequence = 0;
    bool m_paused = false;
    bool m_started = false;
    DeploymentEnvironment m_environment = DeploymentEnvironment::Rehearsal;
};

}  // namespace pulsco::test
