#include "simulator/engine/RunSummary.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace pulsco {

namespace {

std::vector<double> ranks(const std::vector<double>& values) {
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    std::vector<double> r(values.size());
    // Ties share their average rank.
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]])
            ++j;
        const double avg = (static_cast<double>(i) + static_cast<double>(j)) / 2.0;
        for (std::size_t k = i; k <= j; ++k)
            r[order[k]] = avg;
        i = j + 1;
    }
    return r;
}

double safeRatio(std::uint64_t a, std::uint64_t b) {
    return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
}

}  // namespace

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
    const std::size_t n = std::min(a.size(), b.size());
    if (n < 2)
        return 0;
    const std::vector<double> ra = ranks(a), rb = ranks(b);
    const double mean = (static_cast<double>(n) - 1.0) / 2.0;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sab += (ra[i] - mean) * (rb[i] - mean);
        saa += (ra[i] - mean) * (ra[i] - mean);
        sbb += (rb[i] - mean) * (rb[i] - mean);
    }
    if (saa <= 0 || sbb <= 0)
        return 0;
    return sab / std::sqrt(saa * sbb);
}

ScopeFigures figuresOf(const EnvironmentMetrics& m) {
    ScopeFigures f;
    f.tickets = m.tickets;
    f.matches = m.matchesTotal;
    f.requests = m.requestsTotal;
    f.errors = m.errorsTotal;
    f.errorRate = safeRatio(m.errorsTotal, m.requestsTotal);
    f.hasLatency = m.apiLatencyMs.count() > 0;
    f.latencyP50Ms = m.apiLatencyMs.quantile(0.50);
    f.latencyP95Ms = m.apiLatencyMs.quantile(0.95);
    f.latencyP99Ms = m.apiLatencyMs.quantile(0.99);
    f.hasWait = m.ticketWaitSeconds.count() > 0;
    f.waitP50S = m.ticketWaitSeconds.quantile(0.50);
    f.waitP95S = m.ticketWaitSeconds.quantile(0.95);
    f.waitP99S = m.ticketWaitSeconds.quantile(0.99);
    f.expiredRate = safeRatio(m.tickets.expired, m.tickets.created);
    f.cancelledRate = safeRatio(m.tickets.cancelled, m.tickets.created);
    f.hasBalance = m.twoTeamMatches > 0;
    f.balancedMatchShare = safeRatio(m.balancedMatches, m.twoTeamMatches);
    return f;
}

bool RunSummary::passed() const {
    return std::all_of(thresholds.begin(), thresholds.end(),
                       [](const ThresholdResult& r) { return r.passed; });
}

void RunSummary::judge(const std::vector<Threshold>& bars, const MetricsSnapshot& finalSnapshot) {
    thresholds.clear();
    for (const Threshold& bar : bars) {
        ThresholdResult r;
        r.threshold = bar;
        if (const auto v = bar.runValue(finalSnapshot)) {
            r.hasValue = true;
            r.value = *v;
            r.passed = bar.holds(*v);
        }
        thresholds.push_back(r);
    }
}

}  // namespace pulsco
