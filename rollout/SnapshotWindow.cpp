#include "rollout/SnapshotWindow.h"

#include <algorithm>

namespace pulsco {

Histogram histogramDelta(const Histogram& later, const Histogram& earlier) {
    if (earlier.count() == 0)
        return later;
    if (earlier.count() > later.count())
        return later;
    const Histogram::Raw a = later.raw();
    const Histogram::Raw b = earlier.raw();
    if (b.zeroCount > a.zeroCount)
        return later;
    Histogram::Raw d;
    d.zeroCount = a.zeroCount - b.zeroCount;
    d.firstIndex = a.firstIndex;
    d.counts = a.counts;
    for (std::size_t i = 0; i < b.counts.size(); ++i) {
        if (b.counts[i] == 0)
            continue;
        const std::int64_t at = std::int64_t(b.firstIndex) + std::int64_t(i) - a.firstIndex;
        if (at < 0 || at >= std::int64_t(d.counts.size()) ||
            d.counts[std::size_t(at)] < b.counts[i])
            return later;  // not a prefix: the source reset its histogram
        d.counts[std::size_t(at)] -= b.counts[i];
    }
    // Trim empty buckets at both ends and find min/max from what is left.
    std::size_t first = 0, last = d.counts.size();
    while (first < last && d.counts[first] == 0)
        ++first;
    while (last > first && d.counts[last - 1] == 0)
        --last;
    Histogram::Raw out;
    out.zeroCount = d.zeroCount;
    out.firstIndex = d.firstIndex + std::int32_t(first);
    out.counts.assign(d.counts.begin() + std::ptrdiff_t(first),
                      d.counts.begin() + std::ptrdiff_t(last));
    out.count = a.count - b.count;
    out.sum = std::max(0.0, a.sum - b.sum);
    if (out.count == 0)
        return Histogram();
    out.min = out.zeroCount > 0 ? 0.0 : Histogram::bucketValue(out.firstIndex);
    out.max = out.counts.empty()
                  ? 0.0
                  : std::min(a.max, Histogram::bucketValue(out.firstIndex +
                                                           std::int32_t(out.counts.size()) - 1));
    out.min = std::max(out.min, a.min);
    return Histogram::fromRaw(out);
}

void SnapshotWindow::push(SnapshotPtr snapshot) {
    if (!snapshot)
        return;
    if (!m_history.empty() && snapshot->timeSeconds < m_history.back()->timeSeconds)
        m_history.clear();
    m_history.push_back(std::move(snapshot));
    // Keep the newest snapshot at or before (now - window) as the base.
    const double cut = m_history.back()->timeSeconds - m_window;
    while (m_history.size() > 2 && m_history[1]->timeSeconds <= cut)
        m_history.pop_front();
}

MetricsSnapshot SnapshotWindow::windowed() const {
    if (m_history.empty())
        return {};
    MetricsSnapshot out = *m_history.back();
    if (m_history.size() < 2)
        return out;
    const MetricsSnapshot& base = *m_history.front();
    const auto apply = [](EnvironmentMetrics& now, const EnvironmentMetrics& then) {
        now.recentRequests = now.requestsTotal >= then.requestsTotal
                                 ? now.requestsTotal - then.requestsTotal
                                 : now.requestsTotal;
        now.recentErrors = now.errorsTotal >= then.errorsTotal ? now.errorsTotal - then.errorsTotal
                                                               : now.errorsTotal;
        now.recentTicketsCreated = now.tickets.created >= then.tickets.created
                                       ? now.tickets.created - then.tickets.created
                                       : now.tickets.created;
        now.recentApiLatencyMs = histogramDelta(now.apiLatencyMs, then.apiLatencyMs);
        now.recentTicketWaitSeconds = histogramDelta(now.ticketWaitSeconds, then.ticketWaitSeconds);
    };
    apply(out.total, base.total);
    apply(out.blue, base.blue);
    apply(out.green, base.green);
    return out;
}

}  // namespace pulsco
