// pulsco-sim --replay PATH --target URL[,URL...]: the recording's arrivals
// and cancels sent to live pulsco-matchd servers on the real clock
// (simulator/engine/ReplaySchedule, the same schedule the in-process replay
// runs). Open model: every request goes at its intended time whatever the
// answers before it; latency counts from that intended time, so a late send
// is the server's cost, not silently dropped. The acknowledged ticket ids go
// to --ledger as a scenario run writes them.
#pragma once

#include <QString>
#include <QStringList>

#include <cstdint>

namespace pulsco {

struct LiveReplayOptions {
    QString recordingPath;
    QStringList urls;
    bool balancer = false;
    int connections = 1000;
    int amplify = 1;
    std::uint64_t seed = 1;
    double speed = 1;  // recorded seconds per wall second
    double timeoutMs = 10000;
    QString ledgerPath;
    QString reportPath;
};

// 0 every request answered without a server error, 1 some got no answer or
// a 5xx, 2 bad input (the recording, an unreachable server).
int runLiveReplay(const LiveReplayOptions& options);

}  // namespace pulsco
