#include "net/server/IntegrityCheck.h"

#include "net/server/RecordRows.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace pulsco {

namespace {

std::string t(qint64 seq) {
    return "t" + std::to_string(seq);
}

std::string m(qint64 seq) {
    return "m" + std::to_string(seq);
}

class Findings {
public:
    void add(std::string text) {
        if (m_report.firstViolations.size() < kFirstViolations)
            m_report.firstViolations.push_back(std::move(text));
        ++m_report.violations;
    }
    IntegrityReport& report() { return m_report; }

private:
    IntegrityReport m_report;
};

}  // namespace

IntegrityReport compareAtCut(const MemoryCut& memory, const StoreAuditRows& stored) {
    Findings found;
    IntegrityReport& report = found.report();
    report.storeCheck = stored.quickCheck.isEmpty() ? "none" : stored.quickCheck.toStdString();
    // "none (why)": the store's own check did not run (PostgreSQL without
    // amcheck, or without the right to run it): said, not a violation.
    const bool ran = !stored.quickCheck.isEmpty() && !stored.quickCheck.startsWith(u"none");
    if (ran && stored.quickCheck != QLatin1String("ok"))
        found.add("store: its own check (SQLite quick_check, PostgreSQL amcheck): " +
                  report.storeCheck);
    if (!stored.error.isEmpty()) {
        // The cross-checks need every row; without them say so, never pass.
        found.add("store: " + stored.error.toStdString());
        report.ok = false;
        return report;
    }

    std::unordered_set<qint64> inFlightTickets;
    std::unordered_set<qint64> inFlightMatches;
    std::uint64_t searchingInFlight = 0;  // counted by the counter, unknown on disk
    for (const MemoryCut::Ticket& mt : memory.tickets)
        if (mt.inFlight) {
            inFlightTickets.insert(mt.seq);
            searchingInFlight += mt.state == TicketState::Searching ? 1 : 0;
        }
    for (const MemoryCut::Match& mm : memory.matches)
        if (mm.inFlight)
            inFlightMatches.insert(mm.seq);
    report.inFlightExcluded = inFlightTickets.size() + inFlightMatches.size();

    // Which match lists each ticket; a ticket listed twice is a violation.
    std::unordered_map<qint64, qint64> listedIn;
    listedIn.reserve(stored.matchTickets.size());
    const auto matchStored = [&](qint64 seq) {
        return std::binary_search(stored.matches.begin(), stored.matches.end(), seq);
    };
    // The rows come ordered by seq (readAuditRows): a binary search, not a
    // hash map of 100 000 entries built for every audit.
    const auto rowOf = [&](qint64 seq) -> const AuditTicketRow* {
        const auto it = std::lower_bound(
            stored.tickets.begin(), stored.tickets.end(), seq,
            [](const AuditTicketRow& row, qint64 value) { return row.seq < value; });
        return it != stored.tickets.end() && it->seq == seq ? &*it : nullptr;
    };
    for (const auto& [matchSeq, ticketSeq] : stored.matchTickets) {
        if (inFlightMatches.count(matchSeq) || inFlightTickets.count(ticketSeq))
            continue;
        const auto [it, first] = listedIn.emplace(ticketSeq, matchSeq);
        if (!first)
            found.add(t(ticketSeq) + ": listed by two matches, " + m(it->second) + " and " +
                      m(matchSeq));
        if (!rowOf(ticketSeq))
            found.add(m(matchSeq) + ": lists " + t(ticketSeq) + ", which is not stored");
    }

    std::uint64_t storedSearching = 0;
    for (const AuditTicketRow& row : stored.tickets) {
        if (inFlightTickets.count(row.seq))
            continue;
        const auto state = stateFromName(row.state);
        if (!state) {
            found.add(t(row.seq) + ": stored state '" + row.state.toStdString() +
                      "' is not a ticket state");
            continue;
        }
        storedSearching += *state == TicketState::Searching ? 1 : 0;
        const auto listed = listedIn.find(row.seq);
        if (*state == TicketState::Matched) {
            if (row.matchSeq <= 0)
                found.add(t(row.seq) + ": stored as matched without a match");
            else if (!matchStored(row.matchSeq) && !inFlightMatches.count(row.matchSeq))
                found.add(t(row.seq) + ": stored as matched in " + m(row.matchSeq) +
                          ", which is not stored");
            else if (listed == listedIn.end() && !inFlightMatches.count(row.matchSeq))
                found.add(t(row.seq) + ": stored as matched in " + m(row.matchSeq) +
                          ", which does not list it");
            else if (listed != listedIn.end() && listed->second != row.matchSeq)
                found.add(t(row.seq) + ": stored as matched in " + m(row.matchSeq) + ", but " +
                          m(listed->second) + " lists it");
        } else if (listed != listedIn.end()) {
            found.add(t(row.seq) + ": stored as " + row.state.toStdString() + ", but " +
                      m(listed->second) + " lists it as matched");
        }
    }

    // Memory against the database, for every record memory still holds.
    for (const MemoryCut::Ticket& mt : memory.tickets) {
        if (mt.inFlight)
            continue;
        const AuditTicketRow* storedRow = rowOf(mt.seq);
        if (!storedRow) {
            found.add(t(mt.seq) + ": acknowledged (" + toString(mt.state) +
                      " in memory) but missing from the store");
            continue;
        }
        const AuditTicketRow& row = *storedRow;
        if (row.state != QLatin1StringView(toString(mt.state)) ||
            (mt.state == TicketState::Matched && row.matchSeq != mt.matchSeq))
            found.add(t(mt.seq) + ": stored as " + row.state.toStdString() +
                      (row.matchSeq > 0 ? " (" + m(row.matchSeq) + ")" : std::string()) +
                      ", memory says " + toString(mt.state) +
                      (mt.matchSeq > 0 ? " (" + m(mt.matchSeq) + ")" : std::string()));
    }
    for (const MemoryCut::Match& mm : memory.matches)
        if (!mm.inFlight && !matchStored(mm.seq))
            found.add(m(mm.seq) + ": formed (in memory) but missing from the store");

    // Counters against row counts. Every searching ticket is in memory, so
    // the searching counter must equal the stored searching rows.
    if (memory.searchingCounter - searchingInFlight != storedSearching)
        found.add("counters: " + std::to_string(memory.searchingCounter - searchingInFlight) +
                  " tickets searching (pulsco_tickets_searching, in-flight left out), " +
                  std::to_string(storedSearching) + " stored as searching");
    if (memory.matcherSearching != memory.searchingCounter)
        found.add("counters: the matchmaker holds " + std::to_string(memory.matcherSearching) +
                  " tickets, pulsco_tickets_searching says " +
                  std::to_string(memory.searchingCounter));
    std::uint64_t storedThisProcess = 0;
    for (qint64 seq : stored.matches)
        storedThisProcess += seq >= memory.firstMatchSeq && !inFlightMatches.count(seq) ? 1 : 0;
    if (memory.matchesCounter - inFlightMatches.size() != storedThisProcess)
        found.add("counters: " + std::to_string(memory.matchesCounter - inFlightMatches.size()) +
                  " matches formed since start (pulsco_matches_total, in-flight left out), " +
                  std::to_string(storedThisProcess) + " stored");
    report.ok = report.violations == 0;
    return report;
}

}  // namespace pulsco
