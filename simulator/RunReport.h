// How a run is reported: the human summary table pulsco-sim prints and the
// JSON report (same figures, the trace hash and the final MetricsSnapshot).
#pragma once

#include "core/MetricsSnapshot.h"
#include "simulator/engine/RunSummary.h"

#include <QByteArray>
#include <QString>

namespace pulsco {

QString summaryTable(const RunSummary& summary, double wallSeconds);
QByteArray reportJson(const RunSummary& summary, const MetricsSnapshot& finalSnapshot,
                      double wallSeconds);
QString traceHashText(std::uint64_t hash);  // 16 hex digits

}  // namespace pulsco
