// Regroups the core histogram's fine log buckets (1 % wide) into a few
// equal-width bins a person can read as bars.
#pragma once

#include "core/Histogram.h"

#include <cstdint>
#include <vector>

namespace pulsco {

struct HistogramBins {
    double lower = 0;              // left edge of the first bin
    double width = 0;              // every bin has this width
    std::vector<double> shares;    // fraction of all observations per bin, 0..1
    std::uint64_t total = 0;       // observations in the histogram
    std::uint64_t aboveRange = 0;  // observations beyond the last bin's edge
    double upper() const { return lower + width * static_cast<double>(shares.size()); }
};

// `binCount` equal bins over [0, upper]. The first bin also holds zeros.
// Counts come from Histogram::cumulativeCounts, exact to within one core
// bucket (1 %) at each edge.
HistogramBins regroup(const Histogram& histogram, double upper, int binCount);

// A readable upper edge: covers p99 with some room, never less than
// `minimumUpper` (e.g. 1.2 x the threshold, so the bar line is always shown).
double chooseUpperEdge(const Histogram& histogram, double minimumUpper);

}  // namespace pulsco
