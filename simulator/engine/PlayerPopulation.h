// The synthetic players: hidden true skill, home region, pings to every
// region, the rating the matchmaker knows, grouped into parties of friends
// who log in, queue and play together. Compact structs, built once.
#pragma once

#include "core/QueueRules.h"
#include "core/Rating.h"
#include "simulator/engine/Random.h"
#include "simulator/engine/Scenario.h"

#include <cstdint>
#include <vector>

namespace pulsco::sim {

struct Player {
    Rating rating;  // what the matchmaker sees
    float trueSkill = 0;
    std::uint32_t matchesPlayed = 0;
};

enum class PartyState : std::uint8_t { Offline, Idle, EnqueuePending, Searching, InMatch };

struct Party {
    std::uint32_t firstPlayer = 0;  // members are firstPlayer .. firstPlayer + size - 1
    std::uint32_t generation = 0;   // bumped on every state change; stale events carry an old one
    std::uint32_t offlineSlot = 0;  // index in the offline list while Offline
    std::uint8_t size = 1;
    std::uint8_t region = 0;  // home region
    PartyState state = PartyState::Offline;
    std::uint8_t color = 0;    // where its ticket lives (0 blue, 1 green)
    std::uint8_t release = 0;  // which matchmaker of that color
    std::uint8_t queue = 0;
    std::uint8_t retries = 0;
    std::uint64_t ticket = 0;
    double sessionEnd = 0;
    double searchStart = 0;
};

class PlayerPopulation {
public:
    PlayerPopulation(const PopulationSpec& spec, const QueueConfig& config, Random rng);

    std::vector<Player> players;
    std::vector<Party> parties;
    int regionCount = 0;
    double meanPartySize = 1;

    int ping(std::uint32_t player, int region) const {
        return m_pings[static_cast<std::size_t>(player) * static_cast<std::size_t>(regionCount) +
                       static_cast<std::size_t>(region)];
    }

    // A queue for a party of `size`, drawn from the scenario's mix among
    // the queues that allow that size; -1 when none does.
    int pickQueue(int size, Random& rng) const;
    double matchMeanSeconds(int queue) const {
        return m_matchMean[static_cast<std::size_t>(queue)];
    }
    double matchStdDevSeconds(int queue) const {
        return m_matchSd[static_cast<std::size_t>(queue)];
    }

private:
    std::vector<std::uint16_t> m_pings;
    // Per party size (index = size): cumulative shares over queue indexes.
    std::vector<std::vector<std::pair<double, int>>> m_queueChoice;
    std::vector<double> m_matchMean, m_matchSd;
};

// The default party shares (of players), used when the scenario gives none.
std::vector<PartyShare> defaultPartyShares();

}  // namespace pulsco::sim
