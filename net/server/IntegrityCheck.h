// The integrity audit's comparison: what memory held at the cut against what
// the database held at the same cut (net/store/AuditRows). Plain data in, a
// core IntegrityReport out, so every rule is testable without a server.
//
// Records whose writes were still in flight at the cut (a ticket whose
// insert was not acknowledged yet; a ticket or match the matchmaker changed
// whose row is not on disk yet) are left out of every rule and counted in
// inFlightExcluded: the database may or may not hold them yet, and neither
// is wrong.
#pragma once

#include "core/Matchmaker.h"
#include "core/MetricsSnapshot.h"
#include "net/store/AuditRows.h"

#include <cstdint>
#include <vector>

namespace pulsco {

struct MemoryCut {
    struct Ticket {
        qint64 seq = 0;
        TicketState state = TicketState::Searching;
        qint64 matchSeq = 0;
        bool inFlight = false;
    };
    struct Match {
        qint64 seq = 0;
        bool inFlight = false;
    };
    // Every ticket and match memory held (all searching tickets; finished
    // ones and matches up to --memory-tickets / --memory-matches).
    std::vector<Ticket> tickets;
    std::vector<Match> matches;
    qint64 nextTicketSeq = 1;
    qint64 firstMatchSeq = 1;  // the first match this process formed
    qint64 nextMatchSeq = 1;
    // The service's counters: tickets searching (pulsco_tickets_searching,
    // the snapshot's tickets.searching), matches this process formed
    // (pulsco_matches_total) and the matchmaker's own queue depth.
    std::uint64_t searchingCounter = 0;
    std::uint64_t matchesCounter = 0;
    std::uint64_t matcherSearching = 0;
};

// How many violations are listed by text (all are counted).
inline constexpr std::size_t kFirstViolations = 10;

// Fills ok, violations, firstViolations, storeCheck and inFlightExcluded;
// the caller sets the time and duration. `stored.tickets` and
// `stored.matches` are in seq order, as readAuditRows reads them (looked up
// by binary search).
IntegrityReport compareAtCut(const MemoryCut& memory, const StoreAuditRows& stored);

}  // namespace pulsco
