// The standard normal distribution, to double precision: what the judge's
// tests (core/MannWhitney, core/ProportionTest, core/SequentialTest) use for
// p-values and interval bounds.
#pragma once

namespace pulsco {

double normalCdf(double z);
// The inverse of normalCdf: -inf at 0, +inf at 1, NaN outside [0, 1].
double normalQuantile(double p);

}  // namespace pulsco
