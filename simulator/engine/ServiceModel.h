// The API server the players call, as a queueing model: `workers` serve
// requests first come first served with lognormal service times; requests
// that find `queueLimit` others waiting are refused (503); a client whose
// answer takes longer than `timeoutMs` gives up (error "timeout"). So load
// above capacity first raises latency, then turns into errors, like a real
// server. Requests must arrive in non-decreasing time (the event order).
#pragma once

#include "simulator/engine/Random.h"
#include "simulator/engine/Scenario.h"

#include <cstdint>
#include <vector>

namespace pulsco::sim {

enum class ServiceCode : std::uint8_t { Ok, Overloaded, Timeout, Injected, Unreachable };
const char* errorCodeName(ServiceCode code);  // "503", "timeout", ...

struct ServiceOutcome {
    ServiceCode code = ServiceCode::Ok;
    double latencyMs = 0;
    bool ok() const { return code == ServiceCode::Ok; }
};

class ServiceModel {
public:
    explicit ServiceModel(const ServiceSpec& spec);

    // One request arriving at `arrivalSeconds`. `extraLatencyMs` is added on
    // the way (faults); `latencyFactor` multiplies the request's latency as
    // the API latency histogram records it, network and queueing included
    // (latency_factor faults: pulsco-matchd's histogram times the server
    // alone, and it is that time it multiplies; the worker is not held longer);
    // `injectError` fails it fast with a 503 (faults).
    ServiceOutcome serve(double arrivalSeconds, Random& rng, double extraLatencyMs,
                         double latencyFactor, bool injectError);

    int waiting(double nowSeconds);  // requests queued for a worker
    // `count` more workers, free from `nowSeconds` (a scale-out).
    void addWorkers(int count, double nowSeconds);
    const ServiceSpec& spec() const { return m_spec; }

private:
    ServiceSpec m_spec;
    std::vector<double> m_workerFreeAt;  // min-heap of the times workers become free
    // Start times of accepted requests still waiting, FIFO, as a ring.
    std::vector<double> m_waitingStarts;
    std::size_t m_head = 0, m_count = 0;
};

}  // namespace pulsco::sim
