// The canary judge's cost (issue 21), from log buckets 1 % wide as the
// console keeps them, 60 000 requests per colour (about 360 non-empty
// buckets a side):
//   canary.mann_whitney_us  one rank-sum comparison of green's latency
//                           against blue's (core/MannWhitney: W, p-value,
//                           Hodges–Lehmann shift and its 95 % interval)
//   canary.judge_us         one judgement of five metrics (core/CanaryJudge:
//                           three distributions, two rates); target <= 500
#include "BenchReport.h"

#include "../../support/SampleHistograms.h"
#include "core/CanaryJudge.h"

#include <algorithm>
#include <cmath>
#include <random>

using namespace pulsco;

std::vector<WeightedValue> histogram(std::mt19937_64& rng, int n, double medianMs) {
    return test::latencyHistogram(rng, n, medianMs, 0.5);
}

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
    std::printf("bench_canary: %zu and %zu buckets, shift %.4f ms\n", green.size(), blue.size(),
                sink / kRounds);
    bench::report("canary.mann_whitney_us", us, "us");

    std::vector<CanaryMetric> metrics(5);
    std::vector<CanarySamples> samples(5);
    const char* names[] = {"api_latency_ms", "create_latency_ms", "ticket_wait_s", "error_rate",
                           "expired_rate"};
    for (int i = 0; i < 5; ++i) {
        metrics[std::size_t(i)].name = names[i];
        metrics[std::size_t(i)].proportion = i >= 3;
        CanarySamples& s = samples[std::size_t(i)];
        if (i < 3) {
            s.green = histogram(rng, 60000, 5.0 + i);
            s.blue = histogram(rng, 60000, 5.0 + i);
        } else {
            s = {{}, {}, 70, 60000, 60, 60000};
        }
    }
    constexpr int kJudgements = 500;
    double score = 0;
    const auto judged = std::chrono::steady_clock::now();
    for (int i = 0; i < kJudgements; ++i)
        score += judgeCanary(metrics, samples).score;
    const double judgeUs = bench::secondsSince(judged) / kJudgements * 1e6;
    std::printf("bench_canary: five metrics, score %.1f\n", score / kJudgements);
    bench::report("canary.judge_us", judgeUs, "us");
    return 0;
}
