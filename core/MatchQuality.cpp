#include "core/MatchQuality.h"

#include <algorithm>
#include <cmath>

namespace pulsco::detail {

namespace {
// Fairness weighs most: a lopsided match is the worst outcome for players.
constexpr double kFairnessWeight = 0.5;
constexpr double kEvennessWeight = 0.3;
constexpr double kLatencyWeight = 0.2;
// The ping at which the latency term halves.
constexpr double kHalfLatencyMs = 100.0;

double clamp01(double x) {
    return std::isfinite(x) ? std::clamp(x, 0.0, 1.0) : 0.0;
}

double spreadScale(double beta) {
    return 4.0 * (beta > 0 ? beta : 25.0 / 6.0);
}
}  // namespace

QualityTerms qualityTerms(double worstPairWinProbability, double skillSpread, int worstPingMs,
                          double beta) {
    QualityTerms terms;
    terms.fairness = clamp01(1.0 - 2.0 * std::abs(worstPairWinProbability - 0.5));
    const double scale = spreadScale(beta);
    terms.evenness = clamp01(std::exp(-std::max(0.0, skillSpread) / scale));
    terms.latency = clamp01(1.0 / (1.0 + std::max(0, worstPingMs) / kHalfLatencyMs));
    return terms;
}

double matchQuality(const QualityTerms& terms) {
    // Computed once per match: sqrt for the 0.5 weight keeps it cheap.
    static_assert(kFairnessWeight == 0.5);
    return clamp01(std::sqrt(terms.fairness) * std::pow(terms.evenness, kEvennessWeight) *
                   std::pow(terms.latency, kLatencyWeight));
}

double matchQuality(double worstPairWinProbability, double skillSpread, int worstPingMs,
                    double beta) {
    // The same product in log space: one exp and one log1p per match
    // instead of two pow calls (this runs once for every match formed).
    const double fairness = clamp01(1.0 - 2.0 * std::abs(worstPairWinProbability - 0.5));
    const double logEvenness = -std::max(0.0, skillSpread) / spreadScale(beta);
    const double logLatency = -std::log1p(std::max(0, worstPingMs) / kHalfLatencyMs);
    return clamp01(std::sqrt(fairness) *
                   std::exp(kEvennessWeight * logEvenness + kLatencyWeight * logLatency));
}

}  // namespace pulsco::detail
