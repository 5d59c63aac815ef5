// Samples as the console keeps them, for the statistics suites: latencies
// drawn from a log-normal distribution, counted in log buckets 1 % wide
// (core/Histogram's resolution), each bucket one value with its count.
#pragma once

#include "core/MannWhitney.h"

#include <cmath>
#include <map>
#include <random>
#include <vector>

namespace pulsco::test {

inline std::vector<WeightedValue> latencyHistogram(std::mt19937_64& rng, int n, double medianMs,
                                                   double spread) {
    std::lognormal_distribution<double> d(std::log(medianMs), spread);
    std::map<int, std::uint64_t> buckets;
    for (int i = 0; i < n; ++i)
        ++buckets[int(std::floor(std::log(d(rng)) / std::log(1.01)))];
    std::vector<WeightedValue> out;
    for (const auto& [b, count] : buckets)
        out.push_back({std::pow(1.01, b + 0.5), count});
    return out;
}

}  // namespace pulsco::test
