#include "simulator/engine/ServiceModel.h"

#include <algorithm>
#include <functional>

namespace pulsco::sim {

const char* errorCodeName(ServiceCode code) {
    switch (code) {
    case ServiceCode::Ok:
        return "200";
    case ServiceCode::Overloaded:
        return "503";
    case ServiceCode::Timeout:
        return "timeout";
    case ServiceCode::Injected:
        return "503";
    case ServiceCode::Unreachable:
        return "unreachable";
    }
    return "unknown";
}

ServiceModel::ServiceModel(const ServiceSpec& spec)
    : m_spec(spec)
    , m_workerFreeAt(static_cast<std::size_t>(std::max(1, spec.workers)), 0.0)
    , m_waitingStarts(static_cast<std::size_t>(std::max(1, spec.queueLimit)) + 1, 0.0) {}

int ServiceModel::waiting(double nowSeconds) {
    while (m_count > 0 && m_waitingStarts[m_head] <= nowSeconds) {
        m_head = (m_head + 1) % m_waitingStarts.size();
        --m_count;
    }
    return static_cast<int>(m_count);
}

void ServiceModel::addWorkers(int count, double nowSeconds) {
    for (int i = 0; i < count; ++i) {
        m_workerFreeAt.push_back(nowSeconds);
        std::push_heap(m_workerFreeAt.begin(), m_workerFreeAt.end(), std::greater<>());
    }
    m_spec.workers += count;
}

ServiceOutcome ServiceModel::serve(double arrival, Random& rng, double extraLatencyMs,
                                   double latencyFactor, bool injectError) {
    ServiceOutcome out;
    if (injectError) {
        out.code = ServiceCode::Injected;
        out.latencyMs = m_spec.networkMs + extraLatencyMs + 1.0;
        return out;
    }
    if (waiting(arrival) >= m_spec.queueLimit) {
        out.code = ServiceCode::Overloaded;
        out.latencyMs = m_spec.networkMs + extraLatencyMs + 1.0;
        return out;
    }
    // The earliest free worker takes it (FIFO: starts never go backwards).
    std::pop_heap(m_workerFreeAt.begin(), m_workerFreeAt.end(), std::greater<>());
    const double freeAt = m_workerFreeAt.back();
    const double start = std::max(arrival, freeAt);
    const double serviceSeconds =
        rng.lognormalMedianP95(m_spec.serviceMedianMs,
                               m_spec.serviceP95Ms / m_spec.serviceMedianMs) /
        1000.0;
    m_workerFreeAt.back() = start + serviceSeconds;
    std::push_heap(m_workerFreeAt.begin(), m_workerFreeAt.end(), std::greater<>());
    if (start > arrival) {
        m_waitingStarts[(m_head + m_count) % m_waitingStarts.size()] = start;
        ++m_count;
    }
    out.latencyMs =
        (m_spec.networkMs + (start + serviceSeconds - arrival) * 1000.0) * latencyFactor +
        extraLatencyMs;
    if (out.latencyMs > m_spec.timeoutMs) {
        // The server still does the work; the client has gone.
        out.code = ServiceCode::Timeout;
        out.latencyMs = m_spec.timeoutMs;
    }
    return out;
}

}  // namespace pulsco::sim
