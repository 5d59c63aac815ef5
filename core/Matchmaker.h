// The shared core matchmaker: queues of party tickets, widening windows,
// balanced teams. No clock of its own: every call takes `now` in seconds.
#pragma once

#include "core/QueueRules.h"
#include "core/Rating.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pulsco {

using TicketId = std::uint64_t;
using MatchId = std::uint64_t;

inline constexpr int kUnreachablePing = 0xFFFF;

struct PartyMember {
    std::string id;
    Rating rating;
    // Ping in ms per region, indexed like QueueConfig::regions; a missing
    // entry (shorter vector) or kUnreachablePing means the region is out.
    std::vector<int> pingMs;
};

struct TicketRequest {
    std::string queue;
    std::vector<PartyMember> players;  // the party, 1..teamSize players
};

enum class EnqueueError {
    None,
    UnknownQueue,
    PartySizeNotAllowed,
    DuplicatePlayer,    // a player already has a live ticket (or twice in this party)
    InvalidPlayer,      // empty id, non-finite or negative sigma, ...
    NoReachableRegion,  // no region reachable by every member
};

struct EnqueueResult {
    TicketId id = 0;  // 0 when refused
    EnqueueError error = EnqueueError::None;
    std::string message;  // "<field path>: <why>" when refused
    bool ok() const { return error == EnqueueError::None; }
};

enum class TicketState { Searching, Matched, Expired, Cancelled };
const char* toString(TicketState state);

struct TicketEvent {
    enum class Kind { Queued, Expired, Cancelled };
    Kind kind;
    TicketId ticket;
    int queue;    // index into QueueConfig::queues
    double time;  // `now` of the call that produced it
    double waitSeconds;
};

struct MatchSlot {
    TicketId ticket;
    int team;  // 0..teamCount-1
    double waitSeconds;
};

struct MatchFormed {
    MatchId id;
    int queue;
    int region;  // index into QueueConfig::regions
    double time;
    double quality;              // [0, 1], see docs/matchmaking.md
    double team0WinProbability;  // for two teams; 0.5 otherwise
    int worstPingMs;
    double skillSpread;                // max mu - min mu over all players
    std::vector<MatchSlot> tickets;    // every ticket of the match with its team
    std::vector<double> teamStrength;  // sum of mu per team
};

// What one tick (or any call) produced; cleared by takeOutput().
struct MatchmakerOutput {
    std::vector<TicketEvent> ticketEvents;
    std::vector<MatchFormed> matches;
    bool empty() const { return ticketEvents.empty() && matches.empty(); }
};

// What the matchmaker keeps of a searching ticket (the request itself is
// not kept: callers that need ratings or pings later hold their own copy).
struct TicketInfo {
    TicketId id = 0;
    int queue = 0;  // index into QueueConfig::queues
    double enqueuedAt = 0;
    std::vector<std::string> players;  // member ids, in request order
};

struct QueueStatus {
    std::string name;
    int depth = 0;  // tickets searching
    int playersSearching = 0;
    double oldestWaitSeconds = 0;
};

class Matchmaker {
public:
    explicit Matchmaker(QueueConfig config, RatingModel model = RatingModel{});
    ~Matchmaker();
    Matchmaker(Matchmaker&&) noexcept;
    Matchmaker& operator=(Matchmaker&&) noexcept;

    const QueueConfig& config() const;
    const RatingModel& ratingModel() const;

    // Validates and queues a party. Emits TicketEvent::Queued on success.
    EnqueueResult enqueue(TicketRequest request, double now);
    // Cancels a searching ticket; false when it is not searching.
    bool cancel(TicketId ticket, double now);

    // Forms as many matches as the rules allow (oldest tickets first),
    // expires tickets past their queue's max wait. Deterministic.
    void tick(double now);

    // Events accumulated since the last call, in the order they happened.
    MatchmakerOutput takeOutput();
    // Same, without allocating: swaps into `out` (which is cleared first).
    void takeOutput(MatchmakerOutput& out);

    std::optional<TicketState> state(TicketId ticket) const;  // only while searching
    std::optional<TicketInfo> ticket(TicketId ticket) const;  // only while searching
    double enqueuedAt(TicketId ticket) const;                 // only while searching
    std::vector<QueueStatus> queueStatus(double now) const;
    int searchingTickets() const;

    // Regions that host no match from the next tick on (an operator shed
    // them), indices into config().regions; out-of-range ones are ignored.
    // Searching tickets are matched in their other regions only, whenever
    // they were queued; reopening a region lets them use it again.
    void setClosedRegions(const std::vector<int>& regions);
    bool regionClosed(int region) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace pulsco
