#include "simulator/SimulatorSource.h"

#include "simulator/SimulationWorker.h"

#include "bridge/ThreadHandoff.h"
#include "simulator/engine/SimulationEngine.h"

#include <QMutexLocker>
#include <QThread>

using namespace Qt::StringLiterals;

namespace pulsco {

SimulatorSource::SimulatorSource(Scenario scenario, QObject* parent)
    : Source(parent)
    , m_scenario(std::move(scenario))
    , m_speed(m_scenario.speed)
    , m_weight(m_scenario.traffic.greenWeightPercent) {}

SimulatorSource::~SimulatorSource() {
    stop();
}

bool SimulatorSource::event(QEvent* event) {
    handoff::receiveIfQueuedCall(this, event);
    return Source::event(event);
}

template <class Call>
void SimulatorSource::postToWorker(Call&& call) {
    handoff::post(this, [&] {
        QMetaObject::invokeMethod(m_worker, std::forward<Call>(call), Qt::QueuedConnection);
    });
}

QString SimulatorSource::displayName() const {
    return u"Simulator · "_s + QString::fromStdString(m_scenario.name);
}

Source::State SimulatorSource::state() const {
    QMutexLocker lock(&m_mutex);
    return m_state;
}

Source::Capabilities SimulatorSource::capabilities() const {
    Capabilities c;
    c.speedControl = c.faults = c.trafficWeight = c.scenarios = true;
    return c;
}

SnapshotPtr SimulatorSource::latestSnapshot() const {
    QMutexLocker lock(&m_mutex);
    return m_latest;
}

std::optional<double> SimulatorSource::upperBound(const QString& figure) const {
    // A bar bounds the figure when its last-60-s expression is that figure:
    // "ticket_wait_p95_s" reads p(95)(ticket_wait_s) while the run goes.
    const std::string text = figure.toStdString();
    for (const Threshold& t : m_scenario.thresholds)
        if (t.recent && t.recent->text() == text &&
            (t.op == Comparison::Less || t.op == Comparison::LessEqual))
            return t.bound;
    return std::nullopt;
}

void SimulatorSource::setState(State state) {
    {
        QMutexLocker lock(&m_mutex);
        if (m_state == state)
            return;
        m_state = state;
    }
    emit stateChanged(state);
}

void SimulatorSource::start() {
    if (m_thread)
        return;
    setState(State::Starting);
    m_thread = new QThread(this);
    m_thread->setObjectName(u"pulsco-simulator"_s);
    m_worker =
        new SimulationWorker(m_scenario, m_speed, m_paused, m_weight, this);  // deleted in stop()
    m_worker->moveToThread(m_thread);
    connect(m_worker, &SimulationWorker::published, this, &SimulatorSource::onPublished);
    connect(m_worker, &SimulationWorker::stateChanged, this, &SimulatorSource::onWorkerState);
    m_thread->start();
    postToWorker([w = m_worker] { w->begin(); });
}

void SimulatorSource::stop() {
    if (!m_thread)
        return;
    postToWorker([w = m_worker] { w->shutdown(); });
    m_thread->wait();
    handoff::acquire(this);  // the join (released at the end of shutdown())
    delete m_worker;
    m_worker = nullptr;
    delete m_thread;
    m_thread = nullptr;
    setState(State::Stopped);
}

void SimulatorSource::pause() {
    m_paused = true;
    if (m_worker)
        postToWorker([w = m_worker] { w->setPaused(true); });
}

void SimulatorSource::resume() {
    m_paused = false;
    if (m_worker)
        postToWorker([w = m_worker] { w->setPaused(false); });
}

void SimulatorSource::step() {
    if (!m_worker) {
        emit commandFailed(u"step"_s, u"the simulator is not running; start it first"_s);
        return;
    }
    postToWorker([w = m_worker] { w->step(); });
}

void SimulatorSource::setSpeed(double speed) {
    if (!(speed >= 0) || speed > 1e6) {
        emit commandFailed(u"speed"_s,
                           u"speed must be 0 (as fast as possible) or a number up to 1000000"_s);
        return;
    }
    m_speed = speed;
    if (m_worker)
        postToWorker([w = m_worker, speed] { w->setSpeed(speed); });
}

void SimulatorSource::injectFault(const FaultSpec& fault) {
    if (const std::string problem = validate(fault); !problem.empty()) {
        emit commandFailed(u"inject fault"_s, QString::fromStdString(problem));
        return;
    }
    if (fault.kind == FaultKind::RegionOutage && m_scenario.queues.regionIndex(fault.region) < 0) {
        emit commandFailed(u"inject fault"_s, u"region: unknown region \""_s +
                                                  QString::fromStdString(fault.region) + u'"');
        return;
    }
    if (!m_worker) {
        emit commandFailed(u"inject fault"_s, u"the simulator is not running; start it first"_s);
        return;
    }
    postToWorker([w = m_worker, fault] { w->injectFault(fault); });
}

void SimulatorSource::clearFaults() {
    if (m_worker)
        postToWorker([w = m_worker] { w->clearFaults(); });
}

namespace {
// A remedy runs on the engine where it is now, like a fault; false (and
// said) when there is no engine running.
bool running(SimulatorSource* source, SimulationWorker* worker, const QString& remedy) {
    if (!worker)
        emit source->commandFailed(remedy, u"the simulator is not running; start it first"_s);
    return worker != nullptr;
}
}  // namespace

void SimulatorSource::restartMatcher(std::optional<Color> color) {
    if (running(this, m_worker, u"restart matcher"_s))
        postToWorker([w = m_worker, color] {
            w->command([color](SimulationEngine& e) { e.restartMatcher(color); });
        });
}

void SimulatorSource::failoverStore(std::optional<Color> color) {
    if (running(this, m_worker, u"fail over the store"_s))
        postToWorker([w = m_worker, color] {
            w->command([color](SimulationEngine& e) { e.failoverStore(color); });
        });
}

void SimulatorSource::scaleOut() {
    if (running(this, m_worker, u"scale out"_s))
        postToWorker([w = m_worker] { w->command([](SimulationEngine& e) { e.scaleOut(); }); });
}

void SimulatorSource::shedRegion(const QString& region, bool shed) {
    const std::string name = region.toStdString();
    if (m_scenario.queues.regionIndex(name) < 0) {
        emit commandFailed(u"shed region"_s, u"region: unknown region \""_s + region + u'"');
        return;
    }
    if (running(this, m_worker, u"shed region"_s))
        postToWorker([w = m_worker, name, shed] {
            w->command([name, shed](SimulationEngine& e) { e.shedRegion(name, shed); });
        });
}

void SimulatorSource::setTrafficWeight(int greenPercent) {
    if (greenPercent < 0 || greenPercent > 100) {
        emit commandFailed(u"traffic weight"_s, u"green weight must be from 0 to 100 %"_s);
        return;
    }
    m_weight = greenPercent;
    if (m_worker)
        postToWorker([w = m_worker, greenPercent] { w->setTrafficWeight(greenPercent); });
}

void SimulatorSource::onPublished(SnapshotPtr snapshot, LogEventBatch events) {
    {
        QMutexLocker lock(&m_mutex);
        m_latest = snapshot;
    }
    if (events && !events->empty())
        emit eventsReady(std::move(events));
    emit snapshotReady(std::move(snapshot));
}

void SimulatorSource::onWorkerState(Source::State state) {
    if (m_thread)
        setState(state);
}

}  // namespace pulsco
