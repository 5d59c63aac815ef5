// Turns the answers of one dashboard refresh through Prometheus into the
// console's one schema: a MetricsSnapshot per scraped pulsco-matchd, from
// the series its /metrics exports (docs/prometheus.md). The same queries
// serve an instant refresh (/api/v1/query) and the history filled on
// connect (/api/v1/query_range): a snapshot is built at one evaluation
// time, from each series' point at that time.
//
// What /metrics does not export stays empty, never invented: regions,
// faults, the integrity audit's findings and the availability record are
// read from the servers themselves (--connect), not through Prometheus.
#pragma once

#include "bridge/Source.h"
#include "core/Fault.h"
#include "net/promsource/PromQueryResponse.h"

#include <QMap>
#include <QString>

#include <array>
#include <optional>
#include <vector>

namespace pulsco {

// The queries of one refresh, in this order.
enum class PromQueryId {
    Info,            // pulsco_info: colour and environment labels
    Up,              // up: whether Prometheus' last scrape of a target worked
    Gauges,          // tickets, matches, queues, players, regions, integrity, store
    Requests,        // HTTP answers by class and code, since start
    RecentRequests,  // ... their increase over the last minute
    Latency,         // API latency buckets, since start
    RecentLatency,   // ... their increase over the last minute
    Wait,            // ticket wait buckets, since start
    RecentWait,      // ... their increase over the last minute
    RecentTickets,   // tickets by state, increase over the last minute
    RecentMatches,   // matches, increase over the last minute
    Tick,            // matchmaker tick duration buckets
    Quality,         // match quality buckets, since start
    RegionWait,      // ticket wait buckets by region, since start
};
inline constexpr int kPromQueryCount = int(PromQueryId::RegionWait) + 1;

struct PromQuerySpec {
    PromQueryId id;
    QString promql;
};

// "" when `selector` is a usable series selector: "{...}" with label
// matchers inside (Prometheus checks the matchers themselves); else why not.
QString checkPromSelector(const QString& selector);
// The queries, each restricted by the selector's matchers.
std::vector<PromQuerySpec> dashboardQueries(const QString& selector);

using PromAnswers = std::array<std::optional<PromQueryResult>, kPromQueryCount>;

// What the source remembers of a target across refreshes: a killed server's
// series go stale in Prometheus at once, pulsco_info included, but the
// console must still say which colour went down.
struct PromTarget {
    QString instance;  // Prometheus' `instance` label, e.g. 127.0.0.1:8081
    QString color;     // from pulsco_info; "" until seen
    QString environment;
    std::optional<bool> up;  // from `up`; none when Prometheus has no such target
    bool hasData = false;    // pulsco_* series present at this time
};

struct PromBuild {
    // One snapshot per target with data, coloured; targets without a colour
    // (no pulsco_info: not a pulsco-matchd) have none.
    std::vector<std::pair<Color, SnapshotPtr>> parts;
    QMap<QString, PromTarget> targets;  // by instance, `known` updated
    QStringList problems;               // per target, naming it and why
};

// Builds the targets' snapshots from `answers` at `atUnixSeconds` (each
// series' point at that time). A snapshot's timeSeconds counts from
// `originUnixSeconds` (the start of the history the console shows), its
// wall time is `atUnixSeconds`. `known` carries colours over from earlier
// refreshes.
PromBuild buildPromSnapshots(const PromAnswers& answers, double atUnixSeconds,
                             double originUnixSeconds, const QMap<QString, PromTarget>& known);

// Prometheus' cumulative `le` buckets (upper bound -> count of observations
// <= it, +Inf included) as a core Histogram in `scale` times the bucket
// unit (1000 for seconds -> ms). Each bucket's count is spread evenly over
// its range, as histogram_quantile interpolates; the +Inf bucket's sits at
// the highest finite bound. Fractional counts (from increase()) round to
// whole observations; a count that decreases is clamped (never negative).
Histogram histogramFromPromBuckets(std::vector<std::pair<double, double>> buckets, double scale);

}  // namespace pulsco
