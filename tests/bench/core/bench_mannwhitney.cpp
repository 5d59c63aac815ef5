// canary.mann_whitney_us: one rank-sum comparison of green's latency
// histogram against blue's (core/MannWhitney: W, p-value, Hodges–Lehmann
// shift and its 95 % interval), from log buckets 1 % wide as the console
// keeps them: 60 000 requests per colour in about 250 non-empty buckets.
// The canary judge's budget is 500 us for five metrics (issue 21), so one
// metric should take well under 100 us.
#include "BenchReport.h"

#include "core/MannWhitney.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

using namespace pulsco;

namespace {

std::vector<WeightedValue> histogram(std::mt19937_64& rng, int n, double medianMs) {
    std::lognormal_distribution<double> d(std::log(medianMs), 0.5);
    std::map<int, std::uint64_t> buckets;
    for (int i = 0; i < n; ++i)
        ++buckets[int(std::floor(std::log(d(rng)) / std::log(1.01)))];
    std::vector<WeightedValue> out;
    for (const auto& [b, count] : buckets)
        out.push_back({std::pow(1.01, b + 0.5), count});
    return out;
}

}  // namespace

int main() {
    std::mt19937_64 rng(7);
    const auto blue = histogram(rng, 60000, 5.0);
    const auto green = histogram(rng, 60000, 5.5);
    constexpr int kRounds = 2000;
    double sink = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kRounds; ++i)
        sink += mannWhitney(green, blue).estimate;
    const double us = bench::secondsSince(start) / kRounds * 1e6;
    std::printf("bench_mannwhitney: %zu and %zu buckets, shift %.4f ms\n", green.size(),
                blue.size(), sink / kRounds);
    bench::report("canary.mann_whitney_us", us, "us");
    return 0;
}
