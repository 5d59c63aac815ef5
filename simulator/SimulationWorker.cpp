#include "simulator/SimulationWorker.h"
#include "simulator/SimulatorSource.h"
#include "simulator/engine/SimulationEngine.h"

#include "bridge/ThreadHandoff.h"

#include <QDateTime>
#include <QThread>
#include <QTimer>

#include <algorithm>

namespace pulsco {

namespace {
constexpr qint64 kSliceBudgetMs = 40;            // wall time per slice before yielding to commands
constexpr std::uint64_t kEventsPerChunk = 4096;  // events between clock checks
constexpr double kMaxLagWallSeconds = 1.0;       // further behind than this, stop catching up
}  // namespace

SimulationWorker::SimulationWorker(Scenario scenario, double speed, bool paused, int weight,
                                   const void* handoffChannel)
    : m_scenario(std::move(scenario))
    , m_speed(speed)
    , m_paused(paused)
    , m_weight(weight)
    , m_handoffChannel(handoffChannel) {}

SimulationWorker::~SimulationWorker() = default;

bool SimulationWorker::event(QEvent* event) {
    handoff::receiveIfQueuedCall(m_handoffChannel, event);
    return QObject::event(event);
}

void SimulationWorker::emitStateChanged(Source::State state) {
    handoff::post(m_handoffChannel, [&] { emit stateChanged(state); });
}

void SimulationWorker::begin() {
    m_engine = std::make_unique<SimulationEngine>(m_scenario);
    m_engine->enableLog(SimulatorSource::kMaxEventsPerBatch);
    m_engine->warmUp();
    m_engine->setTrafficWeight(m_weight);
    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, &SimulationWorker::slice);
    reanchor();
    updateTimer();
    m_timer->start();
    publish(true);
    emitStateChanged(m_paused ? Source::State::Paused : Source::State::Running);
}

void SimulationWorker::shutdown() {
    if (m_timer) {
        m_timer->stop();
        delete m_timer;
        m_timer = nullptr;
    }
    m_engine.reset();
    // The owner deletes this object after joining the thread; QThread::wait()
    // is invisible to TSan, so the join is marked here (acquired in stop()).
    handoff::release(m_handoffChannel);
    QThread::currentThread()->quit();
}

void SimulationWorker::reanchor() {
    m_wall.start();
    m_anchorRunTime = m_engine ? m_engine->runTime() : 0;
}

void SimulationWorker::updateTimer() {
    if (!m_timer)
        return;
    // As fast as possible: run again as soon as queued commands are handled.
    m_timer->setInterval(m_paused ? 50 : (m_speed <= 0 ? 0 : 10));
}

void SimulationWorker::slice() {
    if (!m_engine)
        return;
    if (!m_paused) {
        QElapsedTimer budget;
        budget.start();
        if (m_speed <= 0) {
            while (budget.elapsed() < kSliceBudgetMs)
                m_engine->advanceTo(m_engine->runTime() + m_scenario.tickSeconds, kEventsPerChunk);
        } else {
            double target =
                m_anchorRunTime + m_speed * static_cast<double>(m_wall.nsecsElapsed()) / 1e9;
            while (m_engine->runTime() < target && budget.elapsed() < kSliceBudgetMs)
                m_engine->advanceTo(target, kEventsPerChunk);
            // Too slow for this speed: keep going from here rather than racing forever.
            if (target - m_engine->runTime() > m_speed * kMaxLagWallSeconds)
                reanchor();
        }
        m_dirty = true;
    }
    publish(false);
}

void SimulationWorker::publish(bool force) {
    if (!m_engine || (!force && !m_dirty))
        return;
    if (!force && m_sincePublish.isValid() &&
        m_sincePublish.elapsed() < SimulatorSource::kMinPublishIntervalMs)
        return;
    m_sincePublish.start();
    m_dirty = false;
    const double wallMs = static_cast<double>(QDateTime::currentMSecsSinceEpoch());
    auto snapshot = std::make_shared<MetricsSnapshot>(m_engine->snapshot());
    snapshot->sequence = ++m_sequence;
    snapshot->wallTimeUnixMs = wallMs;
    snapshot->speed = m_speed;
    snapshot->paused = m_paused;

    std::vector<LogEvent> events = m_engine->takeLog();
    const std::uint64_t dropped = m_engine->logDropped() - m_droppedReported;
    m_droppedReported = m_engine->logDropped();
    for (LogEvent& e : events)
        e.wallTimeUnixMs = wallMs;
    if (dropped > 0) {
        LogEvent info;
        info.kind = LogEventKind::Info;
        info.timeSeconds = m_engine->runTime();
        info.wallTimeUnixMs = wallMs;
        info.text = std::to_string(dropped) + " more events not shown (display batch capped at " +
                    std::to_string(SimulatorSource::kMaxEventsPerBatch) + ")";
        events.push_back(std::move(info));
    }
    LogEventBatch batch;
    if (!events.empty())
        batch = std::make_shared<const std::vector<LogEvent>>(std::move(events));
    handoff::post(m_handoffChannel, [&] { emit published(std::move(snapshot), std::move(batch)); });
}

void SimulationWorker::setPaused(bool paused) {
    if (paused == m_paused)
        return;
    m_paused = paused;
    reanchor();
    updateTimer();
    m_dirty = true;
    if (m_engine)
        emitStateChanged(paused ? Source::State::Paused : Source::State::Running);
}

void SimulationWorker::step() {
    if (!m_engine)
        return;
    m_engine->advanceTo(m_engine->runTime() + m_scenario.tickSeconds);
    reanchor();
    m_dirty = true;
    publish(true);
}

void SimulationWorker::setSpeed(double speed) {
    m_speed = std::max(0.0, speed);
    reanchor();
    updateTimer();
    m_dirty = true;
}

void SimulationWorker::injectFault(const FaultSpec& fault) {
    if (!m_engine)
        return;
    m_engine->injectFault(fault);
    m_dirty = true;
}

void SimulationWorker::clearFaults() {
    if (!m_engine)
        return;
    m_engine->clearFaults();
    m_dirty = true;
}

void SimulationWorker::command(const std::function<void(SimulationEngine&)>& apply) {
    if (!m_engine)
        return;
    apply(*m_engine);
    m_dirty = true;
}

void SimulationWorker::setTrafficWeight(int greenPercent) {
    m_weight = greenPercent;
    if (m_engine)
        m_engine->setTrafficWeight(greenPercent);
    m_dirty = true;
}

}  // namespace pulsco
