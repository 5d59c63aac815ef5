// What the fault and load suites run pulsco-matchd with: their queue rules
// (written by the test to a file outside the data dir, so a full disk does
// not stop a restart) and their tickets. The process itself is
// tests/support/MatchdProcess.h with Options{.dataDir, .queuesFile}.
#pragma once

#include "support/HttpTestClient.h"
#include "support/MatchdProcess.h"

#include <QByteArray>
#include <QFile>
#include <QString>

// Queue rules for the hardening suites. duel-1v1 matches any two players
// fast; hold-1v1 never matches two players whose ratings differ (a 0.001
// skill window) and waits an hour, so its tickets outlive restarts;
// short-1v1 is the same with a 2 s max wait, so its tickets expire;
// outage-1v1 matches players up to 5 apart after 8 s and expires the rest
// at 9 s (time enough to fill a disk in between, even on a loaded machine).
inline const QByteArray kHardeningQueues = R"({"format": 1,
 "regions": ["eu-west", "us-east"],
 "queues": [
  {"name": "duel-1v1", "team_count": 2, "team_size": 1, "party_sizes": [1],
   "skill_window": [{"after_s": 0, "value": 100}],
   "ping_limit_ms": [{"after_s": 0, "value": 500}], "max_wait_s": 60},
  {"name": "hold-1v1", "team_count": 2, "team_size": 1, "party_sizes": [1],
   "skill_window": [{"after_s": 0, "value": 0.001}],
   "ping_limit_ms": [{"after_s": 0, "value": 500}], "max_wait_s": 3600},
  {"name": "short-1v1", "team_count": 2, "team_size": 1, "party_sizes": [1],
   "skill_window": [{"after_s": 0, "value": 0.001}],
   "ping_limit_ms": [{"after_s": 0, "value": 500}], "max_wait_s": 2},
  {"name": "outage-1v1", "team_count": 2, "team_size": 1, "party_sizes": [1],
   "skill_window": [{"after_s": 0, "value": 0.001}, {"after_s": 8, "value": 5}],
   "ping_limit_ms": [{"after_s": 0, "value": 500}], "max_wait_s": 9}
 ]})";

// A party of one. In hold-1v1 and short-1v1 give every player its own `mu`
// (e.g. 10 + n / 100.0) so that no two of them ever match.
inline QByteArray soloTicketBody(const QByteArray& queue, const QByteArray& player, double mu = 0) {
    return pulsco::test::soloTicket(
        queue, player, "eu-west", 20,
        mu > 0 ? R"({"mu":)" + QByteArray::number(mu, 'f', 3) + R"(,"sigma":2})" : QByteArray());
}

// Writes kHardeningQueues to `queuesFile` (a path outside the data dir).
inline bool writeHardeningQueues(const QString& queuesFile) {
    QFile f(queuesFile);
    return f.open(QIODevice::WriteOnly) && f.write(kHardeningQueues) == kHardeningQueues.size();
}

// pulsco-matchd on `dataDir` with the hardening queues in `queuesFile`, its
// stderr kept for the test.
inline pulsco::test::MatchdProcess::Options hardeningMatchd(const QString& dataDir,
                                                            const QString& queuesFile) {
    pulsco::test::MatchdProcess::Options o;
    o.dataDir = dataDir;
    o.queuesFile = queuesFile;
    return o;
}
