// Combines the snapshots of several live servers into the one snapshot a
// page shows: each server's figures under its color, and the sum of all in
// `total`. Histograms are merged bucket-wise (core Histogram::merge), never
// averaged, so a merged p95 is the p95 of every request of every server.
#pragma once

#include "bridge/Source.h"
#include "core/Fault.h"

#include <vector>

namespace pulsco {

struct ColoredSnapshot {
    Color color = Color::Blue;
    SnapshotPtr snapshot;  // null entries are skipped
};

// `wallTimeUnixMs` of the result is the oldest of the parts: the merged
// figures are only as fresh as their oldest contributor.
MetricsSnapshot mergeServerSnapshots(const std::vector<ColoredSnapshot>& parts);

}  // namespace pulsco
