#include "rollout/SourceTrafficController.h"

using namespace Qt::StringLiterals;

namespace pulsco {

SourceTrafficController::SourceTrafficController(QObject* parent)
    : TrafficController(parent) {}

void SourceTrafficController::setSource(Source* source) {
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_source = source;
    m_pending.reset();
    if (source)
        connect(source, &Source::snapshotReady, this, &SourceTrafficController::onSnapshot);
}

QString SourceTrafficController::describe() const {
    return m_source ? m_source->displayName() + u": the players follow the weight"_s
                    : u"no source"_s;
}

void SourceTrafficController::requestWeight(int greenPercent) {
    if (!m_source || !m_source->capabilities().trafficWeight) {
        emit weightFailed(greenPercent, u"the source does not move traffic itself"_s);
        return;
    }
    // In effect once a later snapshot shows the engine running with it.
    m_pending = greenPercent;
    m_source->setTrafficWeight(greenPercent);
}

void SourceTrafficController::rollback() {
    if (!m_source || !m_source->capabilities().trafficWeight) {
        emit weightFailed(0, u"the source does not move traffic itself"_s);
        return;
    }
    m_pending = 0;
    m_source->rollback();
}

void SourceTrafficController::onSnapshot(const SnapshotPtr& snapshot) {
    if (!snapshot || !m_pending)
        return;
    const std::optional<int> green = snapshot->green.requestedWeightPercent;
    if (green != m_pending)
        return;
    const int weight = *m_pending;
    m_pending.reset();
    reportApplied(weight, u"seen in snapshot %1: green %2 %, blue %3 %"_s.arg(snapshot->sequence)
                              .arg(weight)
                              .arg(snapshot->blue.requestedWeightPercent.value_or(100 - weight)));
}

}  // namespace pulsco
