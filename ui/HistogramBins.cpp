#include "ui/HistogramBins.h"

#include "ui/ChartView.h"

#include <algorithm>

namespace pulsco {

HistogramBins regroup(const Histogram& histogram, double upper, int binCount) {
    HistogramBins bins;
    binCount = std::max(binCount, 1);
    if (!(upper > 0))
        upper = 1;
    bins.width = upper / binCount;
    bins.total = histogram.count();
    bins.shares.assign(static_cast<std::size_t>(binCount), 0.0);
    if (bins.total == 0)
        return bins;
    std::vector<double> edges;
    edges.reserve(static_cast<std::size_t>(binCount));
    for (int i = 1; i <= binCount; ++i)
        edges.push_back(bins.width * i);
    const std::vector<std::uint64_t> cumulative = histogram.cumulativeCounts(edges);
    std::uint64_t previous = 0;
    const double total = static_cast<double>(bins.total);
    for (std::size_t i = 0; i < cumulative.size(); ++i) {
        // Cumulative counts never decrease; guard anyway against rounding at edges.
        const std::uint64_t current = std::max(cumulative[i], previous);
        bins.shares[i] = static_cast<double>(current - previous) / total;
        previous = current;
    }
    bins.aboveRange = bins.total - std::min(previous, bins.total);
    return bins;
}

double chooseUpperEdge(const Histogram& histogram, double minimumUpper) {
    double wanted = minimumUpper;
    if (histogram.count() > 0)
        wanted = std::max(wanted, histogram.quantile(0.99) * 1.25);
    return niceCeil(wanted);
}

}  // namespace pulsco
