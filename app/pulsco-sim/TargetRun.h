// pulsco-sim --target: the scenario's players against live pulsco-matchd
// servers in real time (simulator/LivePlayers through HttpLoadPort), with
// the same summary, report and exit codes as an in-process run.
#pragma once

#include "simulator/engine/Scenario.h"

#include <QString>
#include <QStringList>

namespace pulsco {

struct TargetRunOptions {
    QStringList urls;        // base URLs, blue and/or green (told apart by /v1/info)
    int connections = 1000;  // keep-alive connections per server, at most
    QString reportPath;      // JSON report, "" = none
    QString ledgerPath;      // acknowledged ticket ids, one per line, "" = none
    // urls holds one load balancer's URL: every request goes there, the
    // balancer picks blue or green, the answers' id prefixes tell which.
    bool balancer = false;
};

// Returns the process exit code: 0 thresholds hold, 1 one fails, 2 bad input
// (an unreachable or unidentifiable server counts as bad input).
int runAgainstTargets(const Scenario& scenario, const TargetRunOptions& options);

}  // namespace pulsco
