// The store maintenance runs behind a gate on the store's evidence metrics
// (migration_round_trips, verified_backups, restore_drills; reported by
// pulsco-matchd from its store's maintenance log, net/store/MaintenanceLog.h):
// one computation for the audit trail's rows (gate evidence) and the
// Rollout page (the item's detail, before the gate passes too).
#pragma once

#include "core/MetricsSnapshot.h"
#include "rollout/RolloutPlan.h"

#include <QJsonArray>
#include <QString>

namespace pulsco {

// The runs of the kinds `gate` counts, oldest first, as evidence objects:
// {"kind", "at" (ISO 8601 UTC), "command", "held", "figures"}. Empty when the
// gate counts none of them.
QJsonArray maintenanceRunsFor(const PlanGate& gate, const StoreMaintenanceReport& report);

// Those objects for a reader, an entry of three lines each:
//   ✓ held  2026-12-04T18:56:37Z
//     blue: pulsco-matchd migrate --data-dir data --to 1 ...
//     schema 3 -> 1 -> 3; tickets 40, ... kept; store check ok
QString maintenanceRunsText(const QJsonArray& runs);

// How to produce what a store gate counts, for an item with no run yet
// (docs/matchd.md, "Evidence: the maintenance log"); "" for other gates.
QString maintenanceHowTo(const PlanGate& gate);

}  // namespace pulsco
