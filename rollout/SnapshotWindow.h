// Short-window figures for rollback triggers and step analysis. A Source's
// "recent" figures cover 60 s: at a 6 % error rate, a 60 s rate crosses the
// 5 % trigger only ~50 s after a bad release starts. Like Prometheus'
// rate(x[10s]), this derives the last N seconds from the cumulative counters
// and histograms of two snapshots, so the trigger sees the release within
// about one window.
#pragma once

#include "bridge/Source.h"
#include "core/MetricsSnapshot.h"

#include <deque>

namespace pulsco {

// later - earlier, bucket by bucket; `later` when earlier is not a prefix
// of it (a reset). Exact counts; min/max are the buckets' values (1 %).
Histogram histogramDelta(const Histogram& later, const Histogram& earlier);

class SnapshotWindow {
public:
    explicit SnapshotWindow(double windowSeconds = 10)
        : m_window(windowSeconds) {}

    void setWindowSeconds(double seconds) { m_window = seconds; }
    double windowSeconds() const { return m_window; }

    // Keeps what the window needs. A snapshot older than the last one (a
    // new source) starts over.
    void push(SnapshotPtr snapshot);
    void clear() { m_history.clear(); }
    bool empty() const { return m_history.empty(); }
    SnapshotPtr latest() const { return m_history.empty() ? nullptr : m_history.back(); }

    // The latest snapshot with every "recent" figure (requests, errors,
    // latency and wait histograms, per colour and in total) covering the
    // last windowSeconds; with only one snapshot, the snapshot as it is.
    MetricsSnapshot windowed() const;

private:
    double m_window;
    std::deque<SnapshotPtr> m_history;
};

}  // namespace pulsco
