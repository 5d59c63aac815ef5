// An always-valid test for a canary that is looked at every interval
// (issue 21, item 2): the mixture sequential probability ratio test
// (mSPRT) of Johari, Pekelis and Walsh ("Always valid inference", 2017)
// over an asymptotically normal estimate of green's change against blue.
//
// Re-running a fixed 5 % test at each of 20 looks raises false alarms to
// about a quarter of healthy rollouts; the mSPRT keeps one budget alpha for
// every look of the rollout. At each look it takes the estimate of the
// change beyond the allowed margin and its variance, and the likelihood
// ratio against "no change" mixed over a normal prior N(0, tau^2) on the
// change:
//   Lambda = sqrt(V / (V + tau^2)) * exp(tau^2 * d^2 / (2 V (V + tau^2)))
// The always-valid p-value is the running minimum of 1 / Lambda; the test
// rejects, once and for good, when it falls to alpha. tau is the size of
// change the test is tuned to find (a good choice: the allowed change).
//
// One-sided: only a change in the bad direction beyond the margin counts
// (d = max(0, estimate - margin) for an increase that is bad).
#pragma once

#include <optional>

namespace pulsco {

class AlwaysValidTest {
public:
    AlwaysValidTest(double alpha, double tau);

    // One look: `excess` is the estimated change beyond the allowed margin
    // in the bad direction (negative or 0 when within it), `variance` its
    // variance (> 0). Returns true once the test has rejected.
    bool look(double excess, double variance);

    bool rejected() const { return m_rejected; }
    double pValue() const { return m_p; }  // always-valid: the running minimum
    int looks() const { return m_looks; }

private:
    double m_alpha;
    double m_tau2;
    double m_p = 1;
    int m_looks = 0;
    bool m_rejected = false;
};

// 1 / Lambda for one look (not the running minimum).
double msprtPValue(double excess, double variance, double tau2);

// How long a step must run to detect a change of `excess` beyond the margin
// with the expected estimate, when the estimate's variance after t seconds
// is `variancePerSecond / t` (the current traffic): the smallest t with
// 1 / Lambda <= alpha, searched up to `maxSeconds`; nullopt beyond it.
std::optional<double> secondsToDetect(double excess, double variancePerSecond, double alpha,
                                      double tau, double maxSeconds = 86400);

// The variance of an estimate from its two-sided confidence interval
// (normal approximation): ((high - low) / (2 z))^2.
double varianceFromInterval(double low, double high, double confidence);

}  // namespace pulsco
