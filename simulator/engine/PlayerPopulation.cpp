#include "simulator/engine/PlayerPopulation.h"

#include <algorithm>

namespace pulsco::sim {

std::vector<PartyShare> defaultPartyShares() {
    // Most players queue alone; duos are common, full stacks rare.
    return {{1, 0.50}, {2, 0.25}, {3, 0.15}, {5, 0.10}};
}

PlayerPopulation::PlayerPopulation(const PopulationSpec& spec, const QueueConfig& config,
                                   Random rng) {
    regionCount = static_cast<int>(config.regions.size());
    const auto playerCount = static_cast<std::uint32_t>(spec.players);
    players.resize(playerCount);
    m_pings.resize(static_cast<std::size_t>(playerCount) * static_cast<std::size_t>(regionCount));

    // Region weights, by index of the config's regions.
    std::vector<double> regionWeight(static_cast<std::size_t>(regionCount), 0.0);
    if (spec.regions.empty()) {
        std::fill(regionWeight.begin(), regionWeight.end(), 1.0);
    } else {
        for (const auto& r : spec.regions) {
            const int idx = config.regionIndex(r.region);
            if (idx >= 0)
                regionWeight[static_cast<std::size_t>(idx)] += r.share;
        }
    }
    double regionTotal = 0;
    for (double w : regionWeight)
        regionTotal += w;

    // A group of `size` is chosen with probability proportional to
    // share/size, so that `share` is the share of players, not of groups.
    std::vector<PartyShare> shares = spec.parties.empty() ? defaultPartyShares() : spec.parties;
    double groupTotal = 0;
    for (const auto& s : shares)
        groupTotal += s.share / s.size;

    std::uint32_t next = 0;
    while (next < playerCount) {
        double pick = rng.uniform() * groupTotal;
        int size = shares.back().size;
        for (const auto& s : shares) {
            pick -= s.share / s.size;
            if (pick < 0) {
                size = s.size;
                break;
            }
        }
        size = std::min<int>(size, static_cast<int>(playerCount - next));
        double regionPick = rng.uniform() * regionTotal;
        int region = 0;
        for (int r = 0; r < regionCount; ++r) {
            regionPick -= regionWeight[static_cast<std::size_t>(r)];
            if (regionPick < 0 && regionWeight[static_cast<std::size_t>(r)] > 0) {
                region = r;
                break;
            }
        }
        Party party;
        party.firstPlayer = next;
        party.size = static_cast<std::uint8_t>(size);
        party.region = static_cast<std::uint8_t>(region);
        parties.push_back(party);
        for (int m = 0; m < size; ++m, ++next) {
            Player& p = players[next];
            p.trueSkill = static_cast<float>(rng.normal(spec.skillMean, spec.skillStdDev));
            for (int r = 0; r < regionCount; ++r) {
                const double ms = r == region
                                      ? rng.uniform(spec.homePingMinMs, spec.homePingMaxMs)
                                      : rng.uniform(spec.remotePingMinMs, spec.remotePingMaxMs);
                m_pings[static_cast<std::size_t>(next) * static_cast<std::size_t>(regionCount) +
                        static_cast<std::size_t>(r)] = static_cast<std::uint16_t>(ms);
            }
        }
    }
    meanPartySize = parties.empty() ? 1.0 : static_cast<double>(playerCount) / parties.size();

    // Queue mix: the scenario's, or every queue evenly.
    const auto queueCount = config.queues.size();
    m_matchMean.assign(queueCount, 1800.0);
    m_matchSd.assign(queueCount, 300.0);
    std::vector<double> queueShare(queueCount, spec.queues.empty() ? 1.0 : 0.0);
    for (const auto& q : spec.queues) {
        const int idx = config.queueIndex(q.queue);
        if (idx < 0)
            continue;
        queueShare[static_cast<std::size_t>(idx)] += q.share;
        m_matchMean[static_cast<std::size_t>(idx)] = q.matchMeanSeconds;
        m_matchSd[static_cast<std::size_t>(idx)] = q.matchStdDevSeconds;
    }
    int maxSize = 1;
    for (const auto& q : config.queues)
        maxSize = std::max(maxSize, q.teamSize);
    m_queueChoice.resize(static_cast<std::size_t>(maxSize) + 1);
    for (int size = 1; size <= maxSize; ++size) {
        auto& choice = m_queueChoice[static_cast<std::size_t>(size)];
        double cumulative = 0;
        for (std::size_t q = 0; q < queueCount; ++q) {
            if (queueShare[q] > 0 && config.queues[q].allowsPartySize(size)) {
                cumulative += queueShare[q];
                choice.emplace_back(cumulative, static_cast<int>(q));
            }
        }
    }
}

int PlayerPopulation::pickQueue(int size, Random& rng) const {
    if (size <= 0 || static_cast<std::size_t>(size) >= m_queueChoice.size())
        return -1;
    const auto& choice = m_queueChoice[static_cast<std::size_t>(size)];
    if (choice.empty())
        return -1;
    const double pick = rng.uniform() * choice.back().first;
    for (const auto& [cumulative, queue] : choice) {
        if (pick < cumulative)
            return queue;
    }
    return choice.back().second;
}

}  // namespace pulsco::sim
