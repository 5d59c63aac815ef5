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
// figures are only as fresh as their oldest contributor. `timeSeconds` is
// the longest uptime of the parts, and `faultOnsetSeconds` is on that clock
// (see mergedFaultOnset). `environment` is the parts' one environment: the
// caller checks that they agree (commonEnvironment, ServerEnvironments.h).
// The peaks are this moment's sums (players online, tickets searching), not
// the servers' own peaks added up: peaks reached at different times do not
// add. MergedPeaks keeps the maximum of these over time.
MetricsSnapshot mergeServerSnapshots(const std::vector<ColoredSnapshot>& parts);

// The earliest fault onset of the parts, moved onto the merged clock; none
// when no part has one. Each server's onset is on its own uptime clock:
//   age      = part.timeSeconds - part.onset       (how long ago, at its snapshot)
//   onset_ms = part.wallTimeUnixMs - age * 1000    (wall clock of the onset)
// and the merged clock reads `basisTime` at wall `basisWallMs` (the part
// with the longest uptime), so on it the onset is
//   basisTime - (basisWallMs - onset_ms) / 1000.
// A part without a wall time (0) is taken as if it were sampled at
// basisWallMs (only its age counts). The result is at least 0: a server's
// clock cannot reach before the start of the longest-running one, except by
// clock skew between machines.
std::optional<double> mergedFaultOnset(const std::vector<ColoredSnapshot>& parts);
// The servers' integrity audits as one: failed when any failed (violations
// summed, each named by its server's colour), ok only when every server has
// audited and all were ok, none (no data) otherwise.
std::optional<IntegrityReport> mergedIntegrity(const std::vector<ColoredSnapshot>& parts);
// The servers' up records as one (core/Availability.h): up when every server
// was, over what all records know (intersectAvailability); none when any
// server has no record.
std::optional<AvailabilityHistory> mergedAvailability(const std::vector<ColoredSnapshot>& parts);

}  // namespace pulsco
