// Match quality in [0, 1]: how fair, how even in skill and how well connected
// a match is. The formula is documented in docs/matchmaking.md.
#pragma once

namespace pulsco::detail {

struct QualityTerms {
    double fairness = 1;  // 1 - 2 |p - 0.5|, worst pair of teams
    double evenness = 1;  // exp(-skillSpread / (4 beta))
    double latency = 1;   // 1 / (1 + worstPing / 100 ms)
};

QualityTerms qualityTerms(double worstPairWinProbability, double skillSpread, int worstPingMs,
                          double beta);

// fairness^0.5 * evenness^0.3 * latency^0.2
double matchQuality(const QualityTerms& terms);
// The same, straight from the inputs (what the matchmaker calls).
double matchQuality(double worstPairWinProbability, double skillSpread, int worstPingMs,
                    double beta);

}  // namespace pulsco::detail
