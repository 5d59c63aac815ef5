// The rules of a matchmaking queue, as loaded from resources/queues.json.
#pragma once

#include <string>
#include <vector>

namespace pulsco {

// A value that steps up with waiting time: value of the last step whose
// afterSeconds <= wait. The first step has afterSeconds == 0; steps strictly
// increase in afterSeconds and do not decrease in value.
struct WaitStep {
    double afterSeconds = 0;
    double value = 0;
    bool operator==(const WaitStep&) const = default;
};

class WaitWindowSchedule {
public:
    WaitWindowSchedule() = default;
    explicit WaitWindowSchedule(std::vector<WaitStep> steps);

    double valueAt(double waitSeconds) const;
    const std::vector<WaitStep>& steps() const { return m_steps; }
    bool operator==(const WaitWindowSchedule&) const = default;

private:
    std::vector<WaitStep> m_steps;
};

struct QueueRules {
    std::string name;  // e.g. "ranked-5v5"
    int teamCount = 2;
    int teamSize = 5;
    std::vector<int> partySizes;     // allowed party sizes, each 1..teamSize
    WaitWindowSchedule skillWindow;  // +- mu around the oldest ticket's rating
    WaitWindowSchedule pingLimitMs;  // worst allowed ping to the match region
    double maxWaitSeconds = 300;     // a ticket waiting this long expires

    int playersPerMatch() const { return teamCount * teamSize; }
    bool allowsPartySize(int size) const;
    bool operator==(const QueueRules&) const = default;
};

// Every queue a matchmaker serves and the regions matches can be hosted in.
struct QueueConfig {
    std::vector<std::string> regions;  // index = region id used in pings
    std::vector<QueueRules> queues;

    int regionIndex(const std::string& region) const;  // -1 when unknown
    int queueIndex(const std::string& queue) const;    // -1 when unknown
    bool operator==(const QueueConfig&) const = default;
};

// Checks a config for semantic errors. Returns "" when valid, else a message
// "<field path>: <why>", e.g. "queues[1].team_size: must be >= 1".
std::string validate(const QueueConfig& config);

}  // namespace pulsco
