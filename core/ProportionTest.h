// Two proportions compared (green's error rate against blue's, or expiry
// rates): the chi-squared test with Yates' continuity correction and the
// interval of the difference, exactly as R's
//   prop.test(c(eventsA, eventsB), c(totalA, totalB), correct = TRUE)
// computes them (checked against Rscript in tst_proportiontest).
#pragma once

#include <cstdint>
#include <string>

namespace pulsco {

struct ProportionTestResult {
    bool ok = false;
    std::string why;  // when !ok: an empty side, no events anywhere, ...
    double rateA = 0, rateB = 0;
    double difference = 0;     // rateA - rateB
    double low = 0, high = 0;  // its confidence interval, within [-1, 1]
    double statistic = 0;      // X-squared, 1 degree of freedom
    double pValue = 1;         // two-sided
};

ProportionTestResult proportionTest(std::uint64_t eventsA, std::uint64_t totalA,
                                    std::uint64_t eventsB, std::uint64_t totalB,
                                    double confidence = 0.95);

}  // namespace pulsco
