// How the matchmaker is laid out, and why (details in docs/matchmaking.md):
// - tickets live in a slab indexed by a 32-bit slot; ids are sequential, so
//   the id doubles as the ticket's age rank and as a liveness stamp;
// - per queue, a pool of (mu, id, slot, size) entries kept sorted by mu
//   between ticks, with the party's worst ping per region stored alongside in
//   pool order (a scan reads memory in order): newcomers wait in a small
//   unsorted buffer that is sorted and merged in once it reaches half
//   the pool (and at each tick), so a tick never sorts the whole pool;
// - per queue, an age-ordered FIFO (ids only grow) with lazy deletion;
// - the player index is a flat hash table whose entries go stale instead of
//   being erased, so a leaving ticket costs no hashing; a ticket id is found
//   by binary search in the FIFOs (ids only grow), so enqueue indexes nothing
//   but its players;
// - a ticket keeps only what matching needs (sums, pings, member ids), not
//   the caller's request: the request dies at the end of enqueue, while its
//   memory is still in cache, instead of when its slot is reused;
// - during a tick, a doubly linked list over pool positions: matched and
//   already-tried tickets are unlinked in O(1), so the outward scan around an
//   anchor only walks tickets that can still join it.
#include "core/Matchmaker.h"

#include "core/FlatIndex.h"
#include "core/MatchQuality.h"
#include "core/TeamBalancer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string_view>

namespace pulsco {

const char* toString(TicketState state) {
    switch (state) {
    case TicketState::Searching:
        return "searching";
    case TicketState::Matched:
        return "matched";
    case TicketState::Expired:
        return "expired";
    case TicketState::Cancelled:
        return "cancelled";
    }
    return "unknown";
}

namespace {

using detail::BalanceItem;
using detail::FlatIndex;

constexpr std::uint32_t kNoIndex = 0xFFFFFFFFu;
constexpr std::int32_t kEnd = -1;
// An anchor examines at most this many neighbours: bounds a tick's cost when
// a crowded window holds few tickets that share a region with the anchor.
constexpr int kMaxScannedPerAnchor = 4096;

// What forming a match reads of a ticket, in one cache line: a match touches
// one line per ticket, and a freed slot is reused while still warm.
struct alignas(64) Slot {
    TicketId id = 0;  // 0 while the slot is free
    double enqueuedAt = 0;
    double strength = 0;      // sum of mu
    double sigmaSquared = 0;  // sum of sigma^2
    double lowMu = 0;
    double highMu = 0;
    int queue = 0;
    int size = 0;
    std::uint32_t nextFree = kNoIndex;
};
static_assert(sizeof(Slot) == 64);

// A FIFO entry's `where`: a position in the pool, or with this bit an index
// into the pending buffer.
constexpr std::uint32_t kPendingBit = 0x80000000u;

struct PoolEntry {
    double mu;    // mean mu of the party: its place in the pool
    TicketId id;  // 0 once the ticket has left
    std::uint32_t slot;
    std::int32_t size;
};

bool poolLess(const PoolEntry& a, const PoolEntry& b) {
    return a.mu < b.mu || (a.mu == b.mu && a.id < b.id);
}

// Newcomers are sorted through these 16-byte keys rather than whole entries;
// within the buffer arrival order is id order, so ties break the same way
// as in the pool.
struct PendingKey {
    double mu;
    std::uint32_t arrival;  // index into pending and row of pendingPing
};

bool pendingLess(const PendingKey& a, const PendingKey& b) {
    return a.mu < b.mu || (a.mu == b.mu && a.arrival < b.arrival);
}

// Everything the age-ordered walk of a tick needs, so that it reads the FIFO
// in order and touches nothing else for tickets it skips. Positions are
// rewritten (through small remap tables) when the pool is rebuilt, instead
// of writing a position into every ticket's slot.
struct FifoEntry {
    TicketId id;
    double enqueuedAt;
    // Until then the party reaches no region within its ping limit: the
    // limit only changes at a step, so there is nothing to try before.
    double idleUntil;
    std::uint32_t slot;
    std::uint32_t where;  // pool position, or kPendingBit | pending index
    std::int32_t size;
};

// Which ticket ids are searching, one bit per id from the oldest word that
// still holds one: ids only grow, so this stays small and in cache, and the
// walk tells a ticket that left without touching its slot.
class LiveSet {
public:
    bool test(TicketId id) const {
        const std::uint64_t w = id >> 6;
        if (w < m_base || w - m_base >= m_words.size())
            return false;
        return (m_words[std::size_t(w - m_base)] >> (id & 63)) & 1u;
    }
    void set(TicketId id) {
        const std::uint64_t w = id >> 6;
        if (m_words.empty())
            m_base = w;
        while (w - m_base >= m_words.size())
            m_words.push_back(0);
        m_words[std::size_t(w - m_base)] |= std::uint64_t(1) << (id & 63);
    }
    void clear(TicketId id) {
        m_words[std::size_t((id >> 6) - m_base)] &= ~(std::uint64_t(1) << (id & 63));
    }
    // Drops the leading words of ids that all left, once they are the
    // majority (so the erase is paid for by as many ids issued).
    void trim() {
        std::size_t lead = 0;
        while (lead < m_words.size() && m_words[lead] == 0)
            ++lead;
        if (lead >= 64 && 2 * lead >= m_words.size()) {
            m_words.erase(m_words.begin(), m_words.begin() + std::ptrdiff_t(lead));
            m_base += lead;
        }
    }

private:
    std::vector<std::uint64_t> m_words;
    std::uint64_t m_base = 0;  // word index of m_words[0]
};

struct QueueState {
    std::vector<PoolEntry> pool;          // sorted by (mu, id); may hold dead entries
    std::vector<std::uint16_t> poolPing;  // pool.size() x regions, in pool order
    std::vector<PoolEntry> pending;       // newcomers in arrival order
    std::vector<std::uint16_t> pendingPing;
    std::size_t deadInPool = 0;
    std::vector<FifoEntry> fifo;  // by id, i.e. by age; may hold dead entries
    std::size_t fifoHead = 0;
    int depth = 0;
    int players = 0;
};

// Eight bytes at a time, then the splitmix finaliser: several times cheaper
// than std::hash for the short ids players have, and as well spread.
std::uint64_t playerHash(std::string_view id) {
    std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ id.size();
    std::size_t i = 0;
    for (; i + 8 <= id.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, id.data() + i, 8);
        h = detail::mixHash(h ^ word);
    }
    std::uint64_t tail = 0;
    std::memcpy(&tail, id.data() + i, id.size() - i);
    return detail::mixHash(h ^ tail);
}

std::string quoted(const std::string& s) {
    return "\"" + s + "\"";
}

}  // namespace

struct Matchmaker::Impl {
    QueueConfig config;
    RatingModel model;
    std::size_t regionCount = 0;
    std::vector<int> maxPingLimit;  // per queue: the last (largest) step

    std::vector<Slot> slots;
    // Member ids per slot, for telling a hash collision from a player
    // queueing twice. Assigned, not moved in, so a short id reuses the
    // slot's string.
    std::vector<std::string> firstPlayers;
    std::vector<std::vector<std::string>> otherPlayers;  // members 1..size-1
    LiveSet live;
    std::uint32_t freeHead = kNoIndex;
    FlatIndex playerIndex;  // player id -> (slot, member)
    std::vector<QueueState> queues;

    TicketId nextTicket = 1;
    MatchId nextMatch = 1;
    double lastNow = -std::numeric_limits<double>::infinity();
    int searching = 0;

    MatchmakerOutput output;
    std::size_t matchCount = 0;  // live entries of output.matches; the rest are recycled

    // Scratch, reused so that steady-state ticks allocate nothing.
    struct Link {
        std::int32_t prev, next;
    };
    std::vector<Link> links;  // per pool position, during a tick
    std::vector<PoolEntry> mergedPool;
    std::vector<std::uint32_t> poolRemap, pendingRemap;  // old -> new pool position
    std::vector<PendingKey> pendingOrder;
    std::vector<std::uint16_t> mergedPing;
    std::vector<std::vector<std::uint32_t>> candidates;  // per region: pool positions
    std::vector<int> candidatePlayers;                   // per region
    // Per region: candidates per party size, and whether a count that can
    // still matter moved since the last selectGroup. A mix of sizes is
    // feasible or not by the counts capped at need / size alone, so a
    // candidate that adds past its cap cannot turn a failed selection into
    // a match: it is not tried again (the same matches, far fewer tries).
    std::vector<std::vector<int>> candidateSizes;
    std::vector<char> candidatesChanged;
    std::vector<std::size_t> anchorRegions;
    std::vector<std::uint8_t> closedRegion;  // per region: 1 when it hosts no match
    std::vector<std::uint32_t> group;  // pool positions of the match being formed, anchor first
    std::vector<int> sizeCount, chosenCount, sizes;
    std::vector<std::uint64_t> memberHashes;
    std::vector<BalanceItem> items;
    std::vector<int> teamOf;
    std::vector<TeamSums> teams;
    detail::TeamBalancer balancer;

    Impl(QueueConfig c, RatingModel m)
        : config(std::move(c))
        , model(m) {
        if (const std::string error = validate(config); !error.empty())
            throw std::invalid_argument("queue config: " + error);
        regionCount = config.regions.size();
        queues.resize(config.queues.size());
        for (const QueueRules& rules : config.queues)
            maxPingLimit.push_back(int(
                std::min<double>(rules.pingLimitMs.steps().back().value, kUnreachablePing - 1)));
        candidates.resize(regionCount);
        candidatePlayers.resize(regionCount);
        candidateSizes.resize(regionCount);
        candidatesChanged.resize(regionCount);
        closedRegion.assign(regionCount, 0);
    }

    double advance(double now) {
        // Time never runs backwards inside the matchmaker: ages stay >= 0 and
        // the FIFO stays ordered by enqueue time.
        if (!(now >= lastNow))
            now = std::isfinite(lastNow) ? lastNow : 0.0;
        lastNow = now;
        return now;
    }

    // A player entry carries the low bits of its ticket's id next to the
    // member index, so telling a stale entry needs no string hashing.
    static constexpr std::uint32_t kMemberBits = 7;  // parties of up to 100 < 128
    static std::uint32_t playerStamp(TicketId id, std::size_t member) {
        return std::uint32_t(id << kMemberBits) | std::uint32_t(member);
    }
    static std::size_t memberOf(const FlatIndex::Entry& e) {
        return e.member & ((1u << kMemberBits) - 1);
    }

    bool playerLive(const FlatIndex::Entry& e) const {
        const TicketId id = slots[e.slot].id;
        return id != 0 && playerStamp(id, memberOf(e)) == e.member;
    }

    // Each queue's FIFO is ordered by id and holds every searching ticket
    // of the queue from fifoHead on: a binary search per queue finds a
    // ticket (cancel and the look-ups are rare next to enqueue).
    const FifoEntry* findTicket(TicketId id) const {
        if (!live.test(id))
            return nullptr;
        for (const QueueState& q : queues) {
            const auto begin = q.fifo.begin() + std::ptrdiff_t(q.fifoHead);
            const auto it =
                std::lower_bound(begin, q.fifo.end(), id,
                                 [](const FifoEntry& e, TicketId wanted) { return e.id < wanted; });
            if (it != q.fifo.end() && it->id == id)
                return &*it;
        }
        return nullptr;  // not reached: a live id is in its queue's FIFO
    }

    const std::string& playerId(std::uint32_t slot, std::size_t member) const {
        return member == 0 ? firstPlayers[slot] : otherPlayers[slot][member - 1];
    }

    bool playerSearching(const std::string& id, std::uint64_t hash) const {
        return playerIndex.find(hash, [&](const FlatIndex::Entry& e) {
            // The stamp holds only the id's low bits: the size check keeps a
            // colliding stale entry inside the party, the compare decides.
            return playerLive(e) && memberOf(e) < std::size_t(slots[e.slot].size) &&
                   playerId(e.slot, memberOf(e)) == id;
        }) != nullptr;
    }

    static EnqueueResult refuse(EnqueueError error, std::string message) {
        return EnqueueResult{0, error, std::move(message)};
    }

    EnqueueResult enqueue(TicketRequest request, double now);
    // Validates; on success memberHashes holds each member's id hash.
    EnqueueResult checkRequest(const TicketRequest& request, int queue);
    std::uint32_t allocateSlot();
    void release(std::uint32_t slot, std::uint32_t where);
    static constexpr std::size_t kPrefetchAhead = 8;
    void prefetchAnchor(const QueueState& q, const FifoEntry& e, double now) const {
        // Only for a ticket that will be an anchor (kNoIndex fails the size
        // check).
        if (e.where >= q.pool.size() || now < e.idleUntil || !live.test(e.id))
            return;
        __builtin_prefetch(&q.pool[e.where]);
        __builtin_prefetch(q.poolPing.data() + std::size_t(e.where) * regionCount);
        __builtin_prefetch(&links[e.where]);
    }
    void mergePending(QueueState& queue);
    void expire(int queue, double now);
    void match(int queue, double now);
    bool tryAnchor(int queue, FifoEntry& anchorEntry, double now);
    bool selectGroup(int queue, std::uint32_t anchorPos, std::size_t region, int need);
    bool chooseSizes(const QueueRules& rules, int anchorSize, std::size_t size, int left);
    void formMatch(int queue, double now);
    void unlink(std::uint32_t pos);
    MatchFormed& newMatch();
};

EnqueueResult Matchmaker::Impl::checkRequest(const TicketRequest& request, int queue) {
    const QueueRules& rules = config.queues[std::size_t(queue)];
    const int partySize = int(request.players.size());
    if (partySize == 0)
        return refuse(EnqueueError::PartySizeNotAllowed, "players: must list at least one player");
    if (!rules.allowsPartySize(partySize)) {
        std::string allowed;
        for (int size : rules.partySizes)
            allowed += (allowed.empty() ? "" : ", ") + std::to_string(size);
        return refuse(EnqueueError::PartySizeNotAllowed,
                      "players: a party of " + std::to_string(partySize) + " is not allowed in " +
                          rules.name + " (allowed: " + allowed + ")");
    }
    memberHashes.resize(request.players.size());
    for (std::size_t i = 0; i < request.players.size(); ++i) {
        const PartyMember& member = request.players[i];
        // Built only for a refusal: enqueue is on the hot path.
        auto at = [i] { return "players[" + std::to_string(i) + "]"; };
        if (member.id.empty())
            return refuse(EnqueueError::InvalidPlayer, at() + ".id: must be a non-empty string");
        if (!std::isfinite(member.rating.mu))
            return refuse(EnqueueError::InvalidPlayer,
                          at() + ".rating.mu: must be a finite number");
        if (!std::isfinite(member.rating.sigma) || member.rating.sigma < 0)
            return refuse(EnqueueError::InvalidPlayer,
                          at() + ".rating.sigma: must be a finite number >= 0");
        if (member.pingMs.size() > regionCount)
            return refuse(EnqueueError::InvalidPlayer, at() + ".pings: more entries than the " +
                                                           std::to_string(regionCount) +
                                                           " configured regions");
        for (std::size_t r = 0; r < member.pingMs.size(); ++r) {
            if (member.pingMs[r] < 0)
                return refuse(EnqueueError::InvalidPlayer,
                              at() + ".pings." + config.regions[r] + ": must be >= 0");
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (request.players[j].id == member.id)
                return refuse(EnqueueError::DuplicatePlayer, at() + ".id: player " +
                                                                 quoted(member.id) +
                                                                 " is listed twice in this party");
        }
        memberHashes[i] = playerHash(member.id);
        if (playerSearching(member.id, memberHashes[i]))
            return refuse(EnqueueError::DuplicatePlayer,
                          at() + ".id: player " + quoted(member.id) + " already has a live ticket");
    }
    return {};
}

std::uint32_t Matchmaker::Impl::allocateSlot() {
    if (freeHead != kNoIndex) {
        const std::uint32_t slot = freeHead;
        freeHead = slots[slot].nextFree;
        return slot;
    }
    slots.emplace_back();
    firstPlayers.emplace_back();
    otherPlayers.emplace_back();
    return std::uint32_t(slots.size() - 1);
}

EnqueueResult Matchmaker::Impl::enqueue(TicketRequest request, double now) {
    now = advance(now);
    const int queue = config.queueIndex(request.queue);
    if (queue < 0)
        return refuse(EnqueueError::UnknownQueue, "queue: unknown queue " + quoted(request.queue));
    if (EnqueueResult check = checkRequest(request, queue); !check.ok())
        return check;

    // Worst ping per region over the party; refuse a party that could never
    // be placed, even at the widest ping limit.
    QueueState& q = queues[std::size_t(queue)];
    const std::size_t pingRow = q.pendingPing.size();
    bool reachable = false;
    for (std::size_t r = 0; r < regionCount; ++r) {
        int worst = 0;
        for (const PartyMember& member : request.players) {
            const int ping = r < member.pingMs.size() ? member.pingMs[r] : kUnreachablePing;
            worst = std::max(worst, std::min(ping, kUnreachablePing));
        }
        q.pendingPing.push_back(std::uint16_t(worst));
        reachable = reachable || worst <= maxPingLimit[std::size_t(queue)];
    }
    if (!reachable) {
        q.pendingPing.resize(pingRow);
        return refuse(EnqueueError::NoReachableRegion,
                      "players.pings: no region is reachable by every member within " +
                          std::to_string(maxPingLimit[std::size_t(queue)]) + " ms");
    }

    const std::uint32_t slot = allocateSlot();
    Slot& s = slots[slot];
    s.id = nextTicket++;
    s.enqueuedAt = now;
    s.queue = queue;
    s.size = int(request.players.size());
    s.strength = 0;
    s.sigmaSquared = 0;
    s.lowMu = std::numeric_limits<double>::infinity();
    s.highMu = -s.lowMu;
    for (const PartyMember& member : request.players) {
        s.strength += member.rating.mu;
        s.sigmaSquared += member.rating.sigma * member.rating.sigma;
        s.lowMu = std::min(s.lowMu, member.rating.mu);
        s.highMu = std::max(s.highMu, member.rating.mu);
    }
    const std::vector<PartyMember>& players = request.players;
    firstPlayers[slot] = players[0].id;
    if (players.size() > 1) {
        std::vector<std::string>& others = otherPlayers[slot];
        others.resize(players.size() - 1);
        for (std::size_t m = 1; m < players.size(); ++m)
            others[m - 1] = players[m].id;
    }
    for (std::size_t m = 0; m < players.size(); ++m)
        playerIndex.insert(memberHashes[m], slot, playerStamp(s.id, m),
                           [this](const FlatIndex::Entry& e) { return playerLive(e); });

    live.set(s.id);
    q.fifo.push_back({s.id, now, now, slot, kPendingBit | std::uint32_t(q.pending.size()), s.size});
    q.depth += 1;
    q.players += s.size;
    ++searching;
    q.pending.push_back({s.strength / s.size, s.id, slot, s.size});
    output.ticketEvents.push_back({TicketEvent::Kind::Queued, s.id, queue, now, 0.0});
    const TicketId id = s.id;
    // Merging once the buffer reaches half the pool keeps the total
    // merge work linear in the number of enqueues (geometric growth).
    if (q.pending.size() >= std::max<std::size_t>(1024, q.pool.size() / 2))
        mergePending(q);
    return EnqueueResult{id, EnqueueError::None, {}};
}

void Matchmaker::Impl::mergePending(QueueState& q) {
    pendingOrder.clear();
    for (std::size_t i = 0; i < q.pending.size(); ++i) {
        if (q.pending[i].id != 0)
            pendingOrder.push_back({q.pending[i].mu, std::uint32_t(i)});
    }
    std::sort(pendingOrder.begin(), pendingOrder.end(), pendingLess);
    const std::size_t total = q.pool.size() - q.deadInPool + pendingOrder.size();
    // Cleared first so that growing never copies the stale contents.
    mergedPool.clear();
    mergedPool.reserve(total);
    mergedPing.clear();
    mergedPing.resize(total * regionCount);
    poolRemap.assign(q.pool.size(), kNoIndex);
    pendingRemap.assign(q.pending.size(), kNoIndex);
    std::uint16_t* pingOut = mergedPing.data();
    auto put = [&](const PoolEntry& entry, const std::uint16_t* ping) {
        mergedPool.push_back(entry);
        // A plain loop: a handful of regions is cheaper than a memmove call.
        for (std::size_t r = 0; r < regionCount; ++r)
            *pingOut++ = ping[r];
        return std::uint32_t(mergedPool.size() - 1);
    };
    std::size_t a = 0;
    std::size_t b = 0;
    while (a < q.pool.size() || b < pendingOrder.size()) {
        if (a < q.pool.size() && q.pool[a].id == 0) {
            ++a;
            continue;
        }
        if (b == pendingOrder.size() ||
            (a < q.pool.size() && !poolLess(q.pending[pendingOrder[b].arrival], q.pool[a]))) {
            poolRemap[a] = put(q.pool[a], q.poolPing.data() + a * regionCount);
            ++a;
        } else {
            const std::uint32_t arrival = pendingOrder[b++].arrival;
            pendingRemap[arrival] =
                put(q.pending[arrival], q.pendingPing.data() + std::size_t(arrival) * regionCount);
        }
    }
    // Every searching ticket's FIFO entry follows it; a ticket that left
    // (already kNoIndex, or remapped from a dead entry) gets kNoIndex.
    for (std::size_t f = q.fifoHead; f < q.fifo.size(); ++f) {
        std::uint32_t& where = q.fifo[f].where;
        if (where == kNoIndex)
            continue;
        where = (where & kPendingBit) ? pendingRemap[where & ~kPendingBit] : poolRemap[where];
    }
    q.pool.swap(mergedPool);
    q.poolPing.swap(mergedPing);
    q.pending.clear();
    q.pendingPing.clear();
    q.deadInPool = 0;
}

void Matchmaker::Impl::release(std::uint32_t slot, std::uint32_t where) {
    Slot& s = slots[slot];
    QueueState& q = queues[std::size_t(s.queue)];
    if (where & kPendingBit) {
        q.pending[where & ~kPendingBit].id = 0;
    } else {
        q.pool[where].id = 0;
        ++q.deadInPool;
    }
    q.depth -= 1;
    q.players -= s.size;
    --searching;
    live.clear(s.id);
    s.id = 0;
    s.nextFree = freeHead;
    freeHead = slot;
}

void Matchmaker::Impl::expire(int queue, double now) {
    QueueState& q = queues[std::size_t(queue)];
    const double maxWait = config.queues[std::size_t(queue)].maxWaitSeconds;
    while (q.fifoHead < q.fifo.size()) {
        const FifoEntry e = q.fifo[q.fifoHead];
        if (live.test(e.id)) {
            const double wait = now - e.enqueuedAt;
            if (wait < maxWait)
                break;
            output.ticketEvents.push_back({TicketEvent::Kind::Expired, e.id, queue, now, wait});
            release(e.slot, e.where);
        }
        ++q.fifoHead;
    }
}

void Matchmaker::Impl::unlink(std::uint32_t pos) {
    const std::int32_t p = links[pos].prev;
    const std::int32_t n = links[pos].next;
    if (p != kEnd)
        links[std::size_t(p)].next = n;
    if (n != kEnd)
        links[std::size_t(n)].prev = p;
}

void Matchmaker::Impl::match(int queue, double now) {
    QueueState& q = queues[std::size_t(queue)];
    const int perMatch = config.queues[std::size_t(queue)].playersPerMatch();
    if (q.players >= perMatch) {
        if (!q.pending.empty() || q.deadInPool > 0)
            mergePending(q);

        const std::size_t n = q.pool.size();
        links.resize(n);
        for (std::size_t i = 0; i < n; ++i)
            links[i] = {std::int32_t(i) - 1, i + 1 < n ? std::int32_t(i + 1) : kEnd};

        // Oldest first, each ticket tried once as an anchor: every later
        // group is anchored on a younger ticket, so a group never holds a
        // ticket older than its anchor (the walk skips those, and unlinks
        // them on the way). A tried anchor leaves the list at once; an idle
        // one is left for the walks to drop, so skipping it reads nothing
        // but its FIFO entry.
        int linkedPlayers = q.players;
        for (std::size_t f = q.fifoHead; f < q.fifo.size() && linkedPlayers >= perMatch; ++f) {
            // Anchors come in age order, scattered over the pool: ask for a
            // later anchor's lines now, so they arrive while this one works.
            if (f + kPrefetchAhead < q.fifo.size())
                prefetchAnchor(q, q.fifo[f + kPrefetchAhead], now);
            FifoEntry& e = q.fifo[f];
            if (!live.test(e.id))
                continue;
            if (now < e.idleUntil) {
                linkedPlayers -= e.size;
            } else if (tryAnchor(queue, e, now)) {
                linkedPlayers -= perMatch;
            } else {
                unlink(e.where);
                linkedPlayers -= e.size;
            }
        }
    }

    // Drop the FIFO's dead entries once they are the majority.
    if (q.fifo.size() - q.fifoHead > 2 * std::size_t(q.depth) + 64) {
        std::size_t out = 0;
        for (std::size_t f = q.fifoHead; f < q.fifo.size(); ++f) {
            if (live.test(q.fifo[f].id))
                q.fifo[out++] = q.fifo[f];
        }
        q.fifo.resize(out);
        q.fifoHead = 0;
    }
}

bool Matchmaker::Impl::tryAnchor(int queue, FifoEntry& anchorEntry, double now) {
    const QueueRules& rules = config.queues[std::size_t(queue)];
    const QueueState& q = queues[std::size_t(queue)];
    const std::uint32_t anchorPos = anchorEntry.where;
    const PoolEntry& anchor = q.pool[anchorPos];
    const double wait = now - anchorEntry.enqueuedAt;
    const double window = rules.skillWindow.valueAt(wait);
    const double limit = rules.pingLimitMs.valueAt(wait);
    const int need = rules.playersPerMatch() - anchor.size;

    anchorRegions.clear();
    const std::uint16_t* anchorPing = q.poolPing.data() + std::size_t(anchorPos) * regionCount;
    for (std::size_t r = 0; r < regionCount; ++r) {
        if (anchorPing[r] <= limit && !closedRegion[r]) {
            anchorRegions.push_back(r);
            candidates[r].clear();
            candidatePlayers[r] = 0;
            candidateSizes[r].assign(std::size_t(rules.teamSize) + 1, 0);
            candidatesChanged[r] = 0;
        }
    }
    if (anchorRegions.empty()) {
        anchorEntry.idleUntil = std::numeric_limits<double>::infinity();
        for (const WaitStep& step : rules.pingLimitMs.steps()) {
            if (step.afterSeconds > wait) {
                anchorEntry.idleUntil = anchorEntry.enqueuedAt + step.afterSeconds;
                break;
            }
        }
        return false;
    }

    // Walk outward from the anchor, nearest mu first, until the window ends:
    // the first region whose reachable candidates can complete the match wins.
    std::int32_t left = links[anchorPos].prev;
    std::int32_t right = links[anchorPos].next;
    const double mu = anchor.mu;
    constexpr double kFar = std::numeric_limits<double>::infinity();
    int scanned = 0;
    while (scanned < kMaxScannedPerAnchor) {
        const double dl = left != kEnd ? mu - q.pool[std::size_t(left)].mu : kFar;
        const double dr = right != kEnd ? q.pool[std::size_t(right)].mu - mu : kFar;
        if (std::min(dl, dr) > window)
            break;
        std::uint32_t pos;
        if (dl <= dr) {
            pos = std::uint32_t(left);
            left = links[pos].prev;
        } else {
            pos = std::uint32_t(right);
            right = links[pos].next;
        }
        if (q.pool[pos].id < anchor.id) {
            // Older: already had its turn as an anchor (or is idle) this tick.
            unlink(pos);
            continue;
        }
        ++scanned;
        const std::uint16_t* ping = q.poolPing.data() + std::size_t(pos) * regionCount;
        const int size = q.pool[pos].size;
        for (std::size_t r : anchorRegions) {
            if (ping[r] > limit)
                continue;
            candidates[r].push_back(pos);
            candidatePlayers[r] += size;
            int& count = candidateSizes[r][std::size_t(size)];
            if (count < need / size)
                candidatesChanged[r] = 1;
            ++count;
            if (candidatePlayers[r] >= need && candidatesChanged[r]) {
                candidatesChanged[r] = 0;
                if (selectGroup(queue, anchorPos, r, need)) {
                    formMatch(queue, now);
                    return true;
                }
            }
        }
    }
    return false;
}

// Chooses, among the candidates of one region (nearest first), parties whose
// sizes add up to `need` and that pack into exact teams with the anchor: the
// size mix is enumerated (few mixes exist for teams of <= 100 players), and
// within a size the nearest parties are taken. Fills `group`, anchor first.
bool Matchmaker::Impl::selectGroup(int queue, std::uint32_t anchorPos, std::size_t region,
                                   int need) {
    const QueueRules& rules = config.queues[std::size_t(queue)];
    const QueueState& q = queues[std::size_t(queue)];
    const std::vector<std::uint32_t>& cands = candidates[region];
    group.clear();
    group.push_back(anchorPos);

    if (int(cands.size()) == candidatePlayers[region]) {
        // Only solos so far, added one player at a time: exactly `need` of
        // them, and solos fill any gap the anchor's party leaves.
        group.insert(group.end(), cands.begin(), cands.end());
        return true;
    }

    const std::size_t maxSize = std::size_t(rules.teamSize);
    sizeCount = candidateSizes[region];
    chosenCount.assign(maxSize + 1, 0);
    if (!chooseSizes(rules, q.pool[anchorPos].size, maxSize, need))
        return false;
    for (std::uint32_t pos : cands) {
        int& wanted = chosenCount[std::size_t(q.pool[pos].size)];
        if (wanted > 0) {
            group.push_back(pos);
            --wanted;
        }
    }
    return true;
}

// Depth-first over party sizes, largest first, most parties of a size first;
// the first mix that packs into exact teams wins.
bool Matchmaker::Impl::chooseSizes(const QueueRules& rules, int anchorSize, std::size_t size,
                                   int left) {
    if (left == 0) {
        sizes.clear();
        sizes.push_back(anchorSize);
        for (std::size_t s = 1; s < chosenCount.size(); ++s)
            sizes.insert(sizes.end(), std::size_t(chosenCount[s]), int(s));
        return balancer.canPack(sizes, rules.teamCount, rules.teamSize);
    }
    if (size == 0)
        return false;
    const int most = std::min(sizeCount[size], left / int(size));
    for (int c = most; c >= 0; --c) {
        chosenCount[size] = c;
        if (chooseSizes(rules, anchorSize, size - 1, left - c * int(size)))
            return true;
    }
    chosenCount[size] = 0;
    return false;
}

MatchFormed& Matchmaker::Impl::newMatch() {
    if (matchCount == output.matches.size())
        output.matches.emplace_back();
    MatchFormed& m = output.matches[matchCount++];
    m.tickets.clear();
    m.teamStrength.clear();
    return m;
}

void Matchmaker::Impl::formMatch(int queue, double now) {
    const QueueRules& rules = config.queues[std::size_t(queue)];
    const QueueState& q = queues[std::size_t(queue)];

    // The region: the lowest worst ping over the whole group (ties: the
    // lower region index), among the open ones. The anchor's wait set the
    // limit the group met in the open region it was chosen for.
    std::size_t bestRegion = 0;
    int bestPing = kUnreachablePing + 1;
    for (std::size_t r = 0; r < regionCount; ++r) {
        if (closedRegion[r])
            continue;
        int worst = 0;
        for (std::uint32_t pos : group)
            worst = std::max(worst, int(q.poolPing[std::size_t(pos) * regionCount + r]));
        if (worst < bestPing) {
            bestPing = worst;
            bestRegion = r;
        }
    }

    items.clear();
    double lowMu = std::numeric_limits<double>::infinity();
    double highMu = -lowMu;
    for (std::uint32_t pos : group) {
        const Slot& s = slots[q.pool[pos].slot];
        items.push_back({s.size, s.strength});
        lowMu = std::min(lowMu, s.lowMu);
        highMu = std::max(highMu, s.highMu);
    }
    balancer.balance(items, rules.teamCount, rules.teamSize, teamOf);

    MatchFormed& m = newMatch();
    m.tickets.reserve(group.size());
    m.id = nextMatch++;
    m.queue = queue;
    m.region = int(bestRegion);
    m.time = now;
    m.worstPingMs = bestPing;
    m.skillSpread = highMu - lowMu;
    m.teamStrength.assign(std::size_t(rules.teamCount), 0.0);
    // Each team enters the rating model as its sums (the model's win
    // probability depends on the summed mu, summed sigma^2 and head count
    // only), so no per-player data is touched here.
    teams.assign(std::size_t(rules.teamCount), TeamSums{0, 0, rules.teamSize});
    for (int t = 0; t < rules.teamCount; ++t) {
        TeamSums& team = teams[std::size_t(t)];
        for (std::size_t i = 0; i < group.size(); ++i) {
            if (teamOf[i] != t)
                continue;
            const Slot& s = slots[q.pool[group[i]].slot];
            m.tickets.push_back({s.id, t, now - s.enqueuedAt});
            team.mu += s.strength;
            team.sigmaSquared += s.sigmaSquared;
        }
        m.teamStrength[std::size_t(t)] = team.mu;
    }
    // Fairness is judged on the most lopsided pair of teams.
    m.team0WinProbability = model.winProbability(teams[0], teams[1]);
    double worstPair = m.team0WinProbability;
    for (std::size_t a = 0; a < teams.size(); ++a) {
        for (std::size_t b = a + 1; b < teams.size(); ++b) {
            if (a == 0 && b == 1)
                continue;
            const double p = model.winProbability(teams[a], teams[b]);
            if (std::abs(p - 0.5) > std::abs(worstPair - 0.5))
                worstPair = p;
        }
    }
    if (rules.teamCount != 2)
        m.team0WinProbability = 0.5;
    m.quality = detail::matchQuality(worstPair, m.skillSpread, bestPing, model.params().beta);

    for (std::uint32_t pos : group) {
        unlink(pos);
        release(q.pool[pos].slot, pos);
    }
}

Matchmaker::Matchmaker(QueueConfig config, RatingModel model)
    : d(std::make_unique<Impl>(std::move(config), model)) {}

Matchmaker::~Matchmaker() = default;
Matchmaker::Matchmaker(Matchmaker&&) noexcept = default;
Matchmaker& Matchmaker::operator=(Matchmaker&&) noexcept = default;

const QueueConfig& Matchmaker::config() const {
    return d->config;
}

const RatingModel& Matchmaker::ratingModel() const {
    return d->model;
}

EnqueueResult Matchmaker::enqueue(TicketRequest request, double now) {
    return d->enqueue(std::move(request), now);
}

bool Matchmaker::cancel(TicketId ticket, double now) {
    now = d->advance(now);
    const FifoEntry* e = d->findTicket(ticket);
    if (!e)
        return false;
    d->output.ticketEvents.push_back(
        {TicketEvent::Kind::Cancelled, ticket, d->slots[e->slot].queue, now, now - e->enqueuedAt});
    d->release(e->slot, e->where);
    return true;
}

void Matchmaker::tick(double now) {
    now = d->advance(now);
    for (int q = 0; q < int(d->queues.size()); ++q) {
        d->expire(q, now);
        d->match(q, now);
    }
    d->live.trim();
}

MatchmakerOutput Matchmaker::takeOutput() {
    MatchmakerOutput out;
    takeOutput(out);
    return out;
}

void Matchmaker::takeOutput(MatchmakerOutput& out) {
    // The matches `out` held come back to us as spare entries whose vectors
    // keep their capacity for the next matches.
    d->output.matches.resize(d->matchCount);
    out.ticketEvents.clear();
    std::swap(out.ticketEvents, d->output.ticketEvents);
    std::swap(out.matches, d->output.matches);
    d->matchCount = 0;
}

std::optional<TicketState> Matchmaker::state(TicketId ticket) const {
    if (!d->findTicket(ticket))
        return std::nullopt;
    return TicketState::Searching;
}

std::optional<TicketInfo> Matchmaker::ticket(TicketId ticket) const {
    const FifoEntry* e = d->findTicket(ticket);
    if (!e)
        return std::nullopt;
    const std::uint32_t slot = e->slot;
    const Slot& s = d->slots[slot];
    TicketInfo info{ticket, s.queue, s.enqueuedAt, {}};
    for (std::size_t m = 0; m < std::size_t(s.size); ++m)
        info.players.push_back(d->playerId(slot, m));
    return info;
}

double Matchmaker::enqueuedAt(TicketId ticket) const {
    const FifoEntry* e = d->findTicket(ticket);
    return e ? e->enqueuedAt : std::numeric_limits<double>::quiet_NaN();
}

std::vector<QueueStatus> Matchmaker::queueStatus(double now) const {
    std::vector<QueueStatus> status;
    for (std::size_t i = 0; i < d->queues.size(); ++i) {
        const QueueState& q = d->queues[i];
        QueueStatus s;
        s.name = d->config.queues[i].name;
        s.depth = q.depth;
        s.playersSearching = q.players;
        for (std::size_t f = q.fifoHead; f < q.fifo.size(); ++f) {
            if (d->live.test(q.fifo[f].id)) {
                s.oldestWaitSeconds = std::max(0.0, now - q.fifo[f].enqueuedAt);
                break;
            }
        }
        status.push_back(std::move(s));
    }
    return status;
}

int Matchmaker::searchingTickets() const {
    return d->searching;
}

void Matchmaker::setClosedRegions(const std::vector<int>& regions) {
    std::vector<std::uint8_t> closed(d->regionCount, 0);
    for (const int r : regions)
        if (r >= 0 && std::size_t(r) < d->regionCount)
            closed[std::size_t(r)] = 1;
    if (closed == d->closedRegion)
        return;
    d->closedRegion = std::move(closed);
    // An anchor that found no open region within its limit rests until its
    // next ping step (for ever after the last): with the regions changed,
    // every searching ticket is tried again at the next tick.
    for (QueueState& q : d->queues)
        for (std::size_t f = q.fifoHead; f < q.fifo.size(); ++f)
            q.fifo[f].idleUntil = 0;
}

bool Matchmaker::regionClosed(int region) const {
    return region >= 0 && std::size_t(region) < d->regionCount &&
           d->closedRegion[std::size_t(region)] != 0;
}

}  // namespace pulsco
