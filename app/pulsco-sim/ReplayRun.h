// pulsco-sim --replay PATH: a recording of pulsco-matchd's arrival stream
// (a file and its parts, or their folder) through the core matchmaker on
// the virtual clock (simulator/engine/ReplayEngine), with the queue rules
// of --queues (default: the embedded ones). Prints what was read, the
// arrivals by queue, party size and home region, what the rules made of
// them, and the trace hash; --report writes them as JSON.
#pragma once

#include <QString>

#include <cstdint>

namespace pulsco {

struct ReplayRunOptions {
    QString path;
    QString queuesPath = QStringLiteral(":/pulsco/queues.json");
    int amplify = 1;
    std::uint64_t seed = 1;
    double speed = 0;  // simulated seconds per wall second; 0 = as fast as possible
    QString reportPath;
};

// 0 replayed, 2 bad input (the message names the file, line and why).
int runReplay(const ReplayRunOptions& options);

}  // namespace pulsco
