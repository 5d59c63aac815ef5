#include "simulator/engine/IntegrityCheck.h"

#include <chrono>

namespace pulsco::sim {

namespace {

const char* stateName(PartyState state) {
    switch (state) {
    case PartyState::Offline:
        return "offline";
    case PartyState::Idle:
        return "idle";
    case PartyState::EnqueuePending:
        return "enqueueing";
    case PartyState::Searching:
        return "searching";
    case PartyState::InMatch:
        return "in a match";
    }
    return "?";
}

// "green party 12 (p31)": the engine's party index and its first player's id
// as the matchmaker knows it, so a violation can be found in either book.
std::string partyName(const Party& p, std::uint32_t index, bool withColor) {
    std::string out = withColor ? std::string(toString(kColors[p.color & 1])) + " " : "";
    return out + "party " + std::to_string(index) + " (p" + std::to_string(p.firstPlayer) + ")";
}

// Built only for a violation: the audit runs every 10 s over every party
// and match, and must stay cheap.
std::string matchName(const MatchRecord& match, std::size_t slot) {
    return std::string(toString(match.color)) + " match slot " + std::to_string(slot);
}

std::string gauge(const char* what, std::uint64_t booked, std::uint64_t counted) {
    return std::string(what) + ": gauge " + std::to_string(booked) + ", parties say " +
           std::to_string(counted);
}

}  // namespace

void IntegrityCheck::violation(IntegrityReport& report, std::string text) const {
    ++report.violations;
    if (report.firstViolations.size() < kListed)
        report.firstViolations.push_back(std::move(text));
}

IntegrityReport IntegrityCheck::run(const Books& books, double atSeconds) {
    const auto started = std::chrono::steady_clock::now();
    IntegrityReport report;
    report.storeCheck = "none";  // the simulator keeps no store to check
    const auto partyCount = static_cast<std::uint32_t>(books.parties.size());

    // The match table: which live match holds each party, and on which
    // colour. Only small per-party arrays are written here; the parties are
    // read in order below (reading them from here, in match order, missed
    // the cache on every party and made the audit four times slower).
    m_matchOfParty.assign(partyCount, kNoMatch);
    m_matchColor.assign(partyCount, 0);
    for (std::size_t slot = 0; slot < books.matches.size(); ++slot) {
        const MatchRecord& match = books.matches[slot];
        if (!match.used)
            continue;
        for (std::uint32_t index : match.parties) {
            if (index >= partyCount) {
                violation(report, matchName(match, slot) + ": party " + std::to_string(index) +
                                      " does not exist");
                continue;
            }
            std::uint32_t& holder = m_matchOfParty[index];
            holder = holder == kNoMatch ? static_cast<std::uint32_t>(slot) : kSeveralMatches;
            m_matchColor[index] = static_cast<std::uint8_t>(indexOf(match.color));
        }
    }

    // Each party's record against the books it must appear in, and a
    // recount of the gauges.
    std::uint64_t online = 0, inQueue = 0, inMatch = 0, offline = 0;
    std::array<std::uint64_t, 2> searching{0, 0};
    std::array<std::vector<std::uint64_t>, 2> searchingInRelease;
    std::vector<std::uint64_t> regionOnline(books.regions.size(), 0);
    std::vector<std::uint64_t> regionInQueue(books.regions.size(), 0);
    for (std::size_t c = 0; c < 2; ++c)
        searchingInRelease[c].assign(books.environments[c]->releases().size(), 0);
    for (std::uint32_t i = 0; i < partyCount; ++i) {
        const Party& p = books.parties[i];
        const std::size_t c = p.color & 1;
        const bool inRegion = p.region < regionOnline.size();
        if (p.state == PartyState::Offline) {
            ++offline;
            if (p.offlineSlot >= books.offline.size() || books.offline[p.offlineSlot] != i)
                violation(report, partyName(p, i, false) +
                                      ": offline, but the offline list does not hold it");
        } else {
            online += p.size;
            if (inRegion)
                regionOnline[p.region] += p.size;
        }
        const std::uint32_t holder = m_matchOfParty[i];
        if (p.state == PartyState::InMatch) {
            inMatch += p.size;
            if (holder == kNoMatch)
                violation(report,
                          partyName(p, i, true) + ": in a match, but no live match holds it");
            else if (holder == kSeveralMatches)
                violation(report, partyName(p, i, true) + ": held by several live matches");
            else if (m_matchColor[i] != c)
                violation(report, matchName(books.matches[holder], holder) + " holds " +
                                      partyName(p, i, true));
        } else if (holder != kNoMatch) {
            violation(report,
                      (holder == kSeveralMatches ? std::string("several live matches")
                                                 : matchName(books.matches[holder], holder)) +
                          " holds " + partyName(p, i, false) + ", which is " + stateName(p.state));
        }
        if (p.state != PartyState::Searching)
            continue;
        inQueue += p.size;
        if (inRegion)
            regionInQueue[p.region] += p.size;
        ++searching[c];
        const auto& releases = books.environments[c]->releases();
        if (p.release >= releases.size()) {
            violation(report, partyName(p, i, true) + ": searching in release " +
                                  std::to_string(p.release) + ", which does not exist");
            continue;
        }
        ++searchingInRelease[c][p.release];
        const Release& release = *releases[p.release];
        auto ticket = [&] { return "ticket " + std::to_string(p.ticket); };
        if (release.matcher.state(p.ticket) != TicketState::Searching)
            violation(report, partyName(p, i, true) + ": searching with " + ticket() +
                                  ", which the matchmaker does not hold");
        const auto owner = release.partyOfTicket.find(p.ticket);
        if (owner == release.partyOfTicket.end())
            violation(report, partyName(p, i, true) + ": " + ticket() + " is booked to no party");
        else if (owner->second != i)
            violation(report, partyName(p, i, true) + ": " + ticket() + " is booked to party " +
                                  std::to_string(owner->second));
    }

    // Per release: the matchmaker's searching tickets, the parties searching
    // there and the ticket index agree in number (with the per-party checks
    // above, one-to-one).
    for (std::size_t c = 0; c < 2; ++c) {
        const auto& releases = books.environments[c]->releases();
        for (std::size_t r = 0; r < releases.size(); ++r) {
            const auto held = static_cast<std::uint64_t>(releases[r]->matcher.searchingTickets());
            const std::string name =
                std::string(toString(kColors[c])) + " release " + std::to_string(r);
            if (held != searchingInRelease[c][r])
                violation(report, name + ": the matchmaker holds " + std::to_string(held) +
                                      " searching tickets, " +
                                      std::to_string(searchingInRelease[c][r]) +
                                      " parties search there");
            if (releases[r]->partyOfTicket.size() != held)
                violation(report, name + ": " + std::to_string(releases[r]->partyOfTicket.size()) +
                                      " tickets booked to parties, the matchmaker holds " +
                                      std::to_string(held));
        }
        if (books.searchingParties[c] != searching[c])
            violation(report,
                      gauge((std::string(toString(kColors[c])) + " parties searching").c_str(),
                            books.searchingParties[c], searching[c]));
    }
    if (books.playersOnline != online)
        violation(report, gauge("players online", books.playersOnline, online));
    if (books.playersInQueue != inQueue)
        violation(report, gauge("players in queue", books.playersInQueue, inQueue));
    if (books.playersInMatch != inMatch)
        violation(report, gauge("players in a match", books.playersInMatch, inMatch));
    if (books.offline.size() != offline)
        violation(report, gauge("offline list", books.offline.size(), offline));
    for (std::size_t r = 0; r < books.regions.size(); ++r) {
        const std::string name =
            "region " + (r < books.regionNames.size() ? books.regionNames[r] : std::to_string(r));
        if (books.regions[r].playersOnline != regionOnline[r])
            violation(report, gauge((name + " players online").c_str(),
                                    books.regions[r].playersOnline, regionOnline[r]));
        if (books.regions[r].playersInQueue != regionInQueue[r])
            violation(report, gauge((name + " players in queue").c_str(),
                                    books.regions[r].playersInQueue, regionInQueue[r]));
    }

    report.ok = report.violations == 0;
    report.atSeconds = atSeconds;
    const std::chrono::duration<double, std::milli> took =
        std::chrono::steady_clock::now() - started;
    report.durationMs = took.count();
    return report;
}

}  // namespace pulsco::sim
