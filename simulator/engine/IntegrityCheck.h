// The simulator's integrity audit: a cross-check of the engine's books that
// are kept apart and so can disagree — each party's own record against the
// matchmaker's tickets, the ticket-to-party index and the table of live
// matches, and the running gauges against a recount of the parties.
//
// How it differs from SimulationEngine::conservationOk(): conservation
// compares totals that the same few lines of code move together (a ticket
// event bumps one counter as the matcher's own count changes), so it holds by
// construction and cannot see which record is wrong, nor a record lost while
// every total still agrees (a party dropped from a match record leaves every
// counter right). This check walks the records themselves, one by one, and
// names the first ones that disagree. It is what the snapshot's `integrity`
// reports (pulsco-matchd's audit cross-checks its database the same way); the
// simulator has no store, so its store check is "none".
#pragma once

#include "core/MetricsSnapshot.h"
#include "simulator/engine/Environment.h"
#include "simulator/engine/PlayerPopulation.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace pulsco::sim {

// A match being played, as the engine books it (one slot of its match
// table; slots are reused once `used` is false).
struct MatchRecord {
    std::vector<std::uint32_t> parties;
    std::vector<std::uint8_t> teams;
    Color color = Color::Blue;
    int queue = 0, region = 0, teamCount = 2;
    double start = 0;
    bool used = false;
};

// What the check reads: the engine's records and gauges, by reference.
struct Books {
    const std::vector<Party>& parties;
    const std::vector<std::uint32_t>& offline;  // offline parties (each knows its slot)
    std::array<const Environment*, 2> environments;
    const std::vector<MatchRecord>& matches;
    const std::vector<RegionMetrics>& regions;  // playersOnline / playersInQueue gauges
    const std::vector<std::string>& regionNames;
    std::uint64_t playersOnline = 0, playersInQueue = 0, playersInMatch = 0;
    std::array<std::uint64_t, 2> searchingParties{0, 0};  // per colour
};

class IntegrityCheck {
public:
    // Simulated seconds between two audits: a fixed default, the same for
    // every scenario, well inside the 10 s the issue allows from an injected
    // inconsistency to a snapshot showing it.
    static constexpr double kPeriodSeconds = 10.0;
    static constexpr std::size_t kListed = 5;  // violations named in the report

    // One full audit; `atSeconds` is the run time it is taken at. The
    // report's durationMs is measured (steady clock); nothing else depends
    // on the machine.
    IntegrityReport run(const Books& books, double atSeconds);

private:
    void violation(IntegrityReport& report, std::string text) const;
    static constexpr std::uint32_t kNoMatch = 0xFFFFFFFF;
    static constexpr std::uint32_t kSeveralMatches = 0xFFFFFFFE;
    // Per party, reused between runs: the live match slot holding it (or
    // one of the two markers) and that match's colour index.
    std::vector<std::uint32_t> m_matchOfParty;
    std::vector<std::uint8_t> m_matchColor;
};

}  // namespace pulsco::sim
