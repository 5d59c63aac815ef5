// Two queue configurations compared on the same recorded traffic
// (pulsco-sim --replay FILE --compare A.json B.json). Each replay yields
// one outcome per arrival, in the recording's order, so arrival i of A and
// arrival i of B are the same party: every difference is paired.
//
// Figures per group (all traffic, each queue, each queue and home region):
// wait p50/p95 of matched tickets, expiry and refusal rates, the match
// quality each matched ticket got (p50 and the low tail p10), the rating
// spread within its match, and its party's worst ping to the match's region.
// Match figures are ticket-weighted: "the match this ticket got".
//
// Each change B - A has a paired bootstrap confidence interval: arrivals of
// the group are resampled with replacement, the same draw for A and B. A
// bar ("<=+10%", ">=-0.02") says how much worse B may be; B regresses on a
// figure when the change breaks the bar and the interval excludes zero (a
// real change, larger than allowed). Identical rules give identical replays
// and a change of exactly zero.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pulsco {

// Busy: refused because a player of the party was still searching in this
// replay: the recorded player came back after a match or expiry these rules
// had not given yet. Not the rules' refusal, so counted apart.
enum class ArrivalFate : std::uint8_t { Refused, Busy, Matched, Expired, Cancelled, Searching };

struct ArrivalOutcome {
    std::uint32_t queue = 0;       // index into ReplayOutcomes::queues
    std::uint32_t homeRegion = 0;  // index into ReplayOutcomes::regions
    ArrivalFate fate = ArrivalFate::Searching;
    // Matched only:
    float waitSeconds = 0;
    float quality = 0;
    float ratingSpread = 0;  // max mu - min mu over the match's players
    float pingMs = 0;        // the party's worst ping to the match's region
};

struct ReplayOutcomes {
    std::vector<std::string> queues;   // as recorded
    std::vector<std::string> regions;  // home regions; "" when none is reachable
    std::vector<ArrivalOutcome> arrivals;
};

enum class BarOp { Less, LessEqual, Greater, GreaterEqual };

// How much B may differ from A on one figure: `op` and `bound` judge the
// change B - A, in the figure's unit, or in % of A when `relative`.
struct ComparisonBar {
    std::string metric;
    std::string text;  // as written: "<=+10%"
    BarOp op = BarOp::LessEqual;
    double bound = 0;
    bool relative = false;
    bool holds(double a, double b) const;
};

struct ComparisonMetricInfo {
    const char* name;
    const char* unit;
    const char* meaning;
    bool higherIsWorse;
};
const std::vector<ComparisonMetricInfo>& comparisonMetrics();

// nullopt with *why (no field path) when `metric` is not one of
// comparisonMetrics() or `text` is not an operator and a signed number with
// an optional '%'.
std::optional<ComparisonBar> parseComparisonBar(const std::string& metric, const std::string& text,
                                                std::string* why);
// The bars used when none are given (docs/simulator.md, "Comparing").
std::vector<ComparisonBar> defaultComparisonBars();

struct ComparisonOptions {
    int resamples = 1000;
    double confidence = 0.95;
    std::uint64_t seed = 1;
    std::uint64_t minArrivals = 100;  // smaller groups are shown, not judged
    std::vector<ComparisonBar> bars = defaultComparisonBars();
    // Called after each group's bootstrap with arrivals done and in all
    // (groups overlap: every arrival counts three times).
    std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

struct MetricChange {
    std::string metric;
    std::optional<double> a, b;  // nullopt: no data in that replay (e.g. no match)
    double change = 0;           // b - a
    double low = 0, high = 0;    // the bootstrap interval of the change
    std::uint64_t samplesA = 0, samplesB = 0;
    std::string bar;  // the bar's text, "" when the figure has none
    bool judged = false;
    bool regressed = false;
    std::string verdict;  // one sentence: why it passes, regresses or is not judged
};

struct GroupComparison {
    std::string queue;   // "" = every queue
    std::string region;  // "" = every home region; "(none reachable)" for that group
    std::uint64_t arrivals = 0;
    std::vector<MetricChange> metrics;
};

struct ReplayComparison {
    std::vector<GroupComparison> groups;   // all traffic first, then by queue, then by region
    std::vector<std::string> regressions;  // "ranked-5v5 / eu-west: wait_p95_s +42 % (CI ...)"
    bool regressed() const { return !regressions.empty(); }
};

// Compares two replays of one recording; nullopt with *error when they are
// not of the same arrivals (counts or queues differ).
std::optional<ReplayComparison> compareReplays(const ReplayOutcomes& a, const ReplayOutcomes& b,
                                               const ComparisonOptions& options,
                                               std::string* error);

}  // namespace pulsco
