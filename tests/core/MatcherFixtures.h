// Shared fixtures of the matcher suites: the three shipped queue shapes and
// small builders for players and parties.
#pragma once

#include "core/Matchmaker.h"
#include "core/QueueRules.h"

#include <string>
#include <vector>

namespace pulsco::test {

inline QueueRules queueRules(const std::string& name, int teamCount, int teamSize,
                             std::vector<int> partySizes) {
    QueueRules rules;
    rules.name = name;
    rules.teamCount = teamCount;
    rules.teamSize = teamSize;
    rules.partySizes = std::move(partySizes);
    rules.skillWindow = WaitWindowSchedule({{0, 2}, {10, 4}, {30, 8}});
    rules.pingLimitMs = WaitWindowSchedule({{0, 60}, {10, 100}, {30, 150}});
    rules.maxWaitSeconds = 300;
    return rules;
}

// ranked-5v5, casual-3v3, duel-1v1 over three regions.
inline QueueConfig shippedConfig() {
    QueueConfig config;
    config.regions = {"eu-west", "us-east", "ap-south"};
    config.queues = {queueRules("ranked-5v5", 2, 5, {1, 2, 3, 5}),
                     queueRules("casual-3v3", 2, 3, {1, 2, 3}), queueRules("duel-1v1", 2, 1, {1})};
    return config;
}

inline PartyMember member(const std::string& id, double mu, std::vector<int> pings = {20, 20, 20},
                          double sigma = 25.0 / 3.0) {
    return PartyMember{id, Rating{mu, sigma}, std::move(pings)};
}

inline TicketRequest solo(const std::string& queue, const std::string& id, double mu,
                          std::vector<int> pings = {20, 20, 20}) {
    return TicketRequest{queue, {member(id, mu, std::move(pings))}};
}

// A party of `size` players named prefix0..prefixN-1, all at `mu`.
inline TicketRequest party(const std::string& queue, const std::string& prefix, int size, double mu,
                           std::vector<int> pings = {20, 20, 20}) {
    TicketRequest request{queue, {}};
    for (int i = 0; i < size; ++i)
        request.players.push_back(member(prefix + std::to_string(i), mu, pings));
    return request;
}

}  // namespace pulsco::test
