#include "core/ProportionTest.h"

#include "core/Normal.h"

#include <algorithm>
#include <cmath>

namespace pulsco {

ProportionTestResult proportionTest(std::uint64_t eventsA, std::uint64_t totalA,
                                    std::uint64_t eventsB, std::uint64_t totalB,
                                    double confidence) {
    ProportionTestResult r;
    if (totalA == 0 || totalB == 0) {
        r.why = totalA == 0 ? "no observations in A" : "no observations in B";
        return r;
    }
    if (eventsA > totalA || eventsB > totalB) {
        r.why = "more events than observations";
        return r;
    }
    const double x[2] = {double(eventsA), double(eventsB)};
    const double n[2] = {double(totalA), double(totalB)};
    r.rateA = x[0] / n[0];
    r.rateB = x[1] / n[1];
    r.difference = r.rateA - r.rateB;
    const double inverseSum = 1 / n[0] + 1 / n[1];
    const double yates = std::min(0.5, std::fabs(r.difference) / inverseSum);
    const double width =
        normalQuantile((1 + confidence) / 2) *
            std::sqrt(r.rateA * (1 - r.rateA) / n[0] + r.rateB * (1 - r.rateB) / n[1]) +
        yates * inverseSum;
    r.low = std::max(r.difference - width, -1.0);
    r.high = std::min(r.difference + width, 1.0);

    const double p = (x[0] + x[1]) / (n[0] + n[1]);
    if (p == 0 || p == 1) {
        r.why = p == 0 ? "no events on either side" : "only events on both sides";
        return r;
    }
    // The 2x2 table in R's order (events of A, of B, then non-events).
    const double observed[4] = {x[0], x[1], n[0] - x[0], n[1] - x[1]};
    const double expected[4] = {n[0] * p, n[1] * p, n[0] * (1 - p), n[1] * (1 - p)};
    long double sum = 0;  // R's sum() accumulates in long double
    for (int i = 0; i < 4; ++i) {
        const double d = std::fabs(observed[i] - expected[i]) - yates;
        sum += d * d / expected[i];
    }
    r.statistic = double(sum);
    // The upper tail of chi-squared with one degree of freedom.
    r.pValue = std::erfc(std::sqrt(r.statistic / 2));
    r.ok = true;
    return r;
}

}  // namespace pulsco
