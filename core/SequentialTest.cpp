#include "core/SequentialTest.h"

#include "core/Normal.h"

#include <algorithm>
#include <cmath>

namespace pulsco {

double msprtPValue(double excess, double variance, double tau2) {
    if (!(variance > 0) || !(tau2 > 0))
        return 1;
    const double d = std::max(0.0, excess);
    // log Lambda, to stay finite when the evidence is overwhelming.
    const double logLambda = 0.5 * std::log(variance / (variance + tau2)) +
                             tau2 * d * d / (2 * variance * (variance + tau2));
    return std::min(1.0, std::exp(-logLambda));
}

AlwaysValidTest::AlwaysValidTest(double alpha, double tau)
    : m_alpha(alpha)
    , m_tau2(tau * tau) {}

bool AlwaysValidTest::look(double excess, double variance) {
    ++m_looks;
    m_p = std::min(m_p, msprtPValue(excess, variance, m_tau2));
    m_rejected = m_rejected || m_p <= m_alpha;
    return m_rejected;
}

std::optional<double> secondsToDetect(double excess, double variancePerSecond, double alpha,
                                      double tau, double maxSeconds) {
    if (!(excess > 0) || !(variancePerSecond > 0) || !(tau > 0))
        return std::nullopt;
    const double tau2 = tau * tau;
    const auto p = [&](double t) { return msprtPValue(excess, variancePerSecond / t, tau2); };
    double previous = 0;
    for (double t = 0.5; t <= maxSeconds * 1.05; t *= 1.05) {
        const double clamped = std::min(t, maxSeconds);
        if (p(clamped) <= alpha) {
            double lo = previous, hi = clamped;
            for (int i = 0; i < 60 && hi - lo > 1e-3; ++i) {
                const double mid = (lo + hi) / 2;
                (p(mid) <= alpha ? hi : lo) = mid;
            }
            return hi;
        }
        previous = clamped;
    }
    return std::nullopt;
}

double varianceFromInterval(double low, double high, double confidence) {
    const double z = normalQuantile((1 + confidence) / 2);
    const double sd = (high - low) / (2 * z);
    return sd * sd;
}

}  // namespace pulsco
