// Deterministic random numbers for the simulator: one xoshiro256** stream per
// purpose (arrivals, sessions, outcomes, service, routing...), seeded from the
// scenario seed through splitmix64, and distributions written out here rather
// than taken from <random>, whose distributions differ between standard
// libraries — the same scenario and seed must give the same trace anywhere.
#pragma once

#include <cmath>
#include <cstdint>

namespace pulsco::sim {

inline std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

class Random {
public:
    Random()
        : Random(0, 0) {}
    // `stream` separates purposes: two streams of one seed never correlate.
    Random(std::uint64_t seed, std::uint64_t stream) {
        std::uint64_t state = seed ^ (stream * 0xD1B54A32D192ED03ull);
        for (auto& word : m_s)
            word = splitmix64(state);
    }

    std::uint64_t next() {
        const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    // Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // Uniform integer in [0, n); n > 0. Lemire's multiply-shift, bias < 2^-32 for our n.
    std::uint32_t below(std::uint32_t n) {
        return static_cast<std::uint32_t>(((next() >> 32) * static_cast<std::uint64_t>(n)) >> 32);
    }
    bool chance(double p) { return uniform() < p; }
    double exponential(double mean) { return -std::log1p(-uniform()) * mean; }
    // Box–Muller; the second value is dropped so the stream stays simple to reason about.
    double normal(double mean, double stddev) {
        const double u1 = 1.0 - uniform();  // (0, 1]
        const double u2 = uniform();
        return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    // Lognormal given its median and the ratio p95/median (a spread people can picture).
    double lognormalMedianP95(double median, double p95OverMedian) {
        const double sigma = std::log(p95OverMedian) / 1.6448536269514722;
        return median * std::exp(normal(0.0, sigma));
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t m_s[4];
};

// Streams, one per purpose: adding draws to one purpose never shifts another.
enum class Stream : std::uint64_t {
    Population = 1,
    Arrivals,
    Sessions,
    Outcomes,
    Service,
    Routing,
};

inline Random makeStream(std::uint64_t seed, Stream stream) {
    return Random(seed, static_cast<std::uint64_t>(stream));
}

}  // namespace pulsco::sim
