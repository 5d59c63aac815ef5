#include "core/Normal.h"

#include <algorithm>
#include <cmath>

namespace pulsco {

double normalCdf(double z) {
    return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

double normalQuantile(double p) {
    if (!(p > 0 && p < 1))
        return p == 0 ? -HUGE_VAL : p == 1 ? HUGE_VAL : NAN;
    if (p == 0.5)
        return 0;
    // A start good to 4.5e-4 (Abramowitz & Stegun 26.2.23), then Newton on
    // the CDF to double precision.
    const double tail = std::min(p, 1 - p);
    const double t = std::sqrt(-2 * std::log(tail));
    double x = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
                       (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
    if (p < 0.5)
        x = -x;
    for (int i = 0; i < 60; ++i) {
        const double density = std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI);
        if (density == 0)
            break;
        // CDF(x) - p, computed in the smaller tail so that far out it is
        // not lost in 1 - a tiny number.
        const double error = p < 0.5 ? normalCdf(x) - p : (1 - p) - normalCdf(-x);
        const double step = error / density;
        x -= step;
        if (std::fabs(step) <= 1e-15 * std::max(1.0, std::fabs(x)))
            break;
    }
    return x;
}

}  // namespace pulsco
