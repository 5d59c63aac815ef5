// How the matchmaker is laid out, and why (details in docs/matchmaking.md):
// - tickets live in a slab indexed by a 32-bit slot; ids are sequential, so
//   the id doubles as the ticket's age rank and as a liveness stamp;
// - per queue, a pool of (mu, id, slot) entries kept sorted by mu between
//   ticks: newcomers wait in a small unsorted buffer that is sorted and merged
//   in once it reaches a quarter of the pool (and at each tick), so a tick
//   never sorts the whole pool;
// - per queue, an age-ordered FIFO (ids only grow) with lazy deletion;
// - during a tick, a doubly linked list over pool positions: matched and
//   already-tried tickets are unlinked in O(1), so the outward scan around an
//   anchor only walks tickets that can still join it.
#include "core/Matchmaker.h"

#include "core/FlatIndex.h"
#include "core/MatchQuality.h"
#include "core/TeamBalancer.h"

#include <algorithm>
#include <cmath>
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

constexpr std::uint32_t kNoPos = 0xFFFFFFFFu;
constexpr std::int32_t kEnd = -1;
// An anchor examines at most this many neighbours: bounds a tick's cost when
// a crowded window holds few tickets that share a region with the anchor.
constexpr int kMaxScannedPerAnchor = 4096;

struct Slot {
    TicketId id = 0;  // 0 while the slot is free
    double enqueuedAt = 0;
    double mu = 0;        // mean mu of the party: its place in the pool
    double strength = 0;  // sum of mu
    int queue = 0;
    int size = 0;
    std::uint32_t poolPos = kNoPos;  // kNoPos while waiting in `pending`
    std::uint32_t nextFree = kNoPos;
};

struct PoolEntry {
    double mu;
    TicketId id;
    std::uint32_t slot;
};

bool poolLess(const PoolEntry& a, const PoolEntry& b) {
    return a.mu < b.mu || (a.mu == b.mu && a.id < b.id);
}

struct FifoEntry {
    TicketId id;
    std::uint32_t slot;
};

struct QueueState {
    std::vector<PoolEntry> pool;  // sorted by (mu, id); may hold dead entries
    std::vector<PoolEntry> pending;
    std::size_t deadInPool = 0;
    std::vector<FifoEntry> fifo;  // by id, i.e. by age; may hold dead entries
    std::size_t fifoHead = 0;
    int depth = 0;
    int players = 0;
};

std::uint64_t playerHash(std::string_view id) {
    return detail::mixHash(std::hash<std::string_view>{}(id));
}

std::string quoted(const std::string& s) {
    return "\"" + s + "\"";
}

}  // namespace

struct Matchmaker::Impl {
    QueueConfig config;
    RatingModel model;
    int regionCount = 0;
    std::vector<int> maxPingLimit;  // per queue: the last (largest) step

    std::vector<Slot> slots;
    std::vector<TicketRequest> requests;   // per slot
    std::vector<std::uint16_t> worstPing;  // per slot x region: max over members
    std::uint32_t freeHead = kNoPos;
    FlatIndex ticketIndex;  // id -> slot
    FlatIndex playerIndex;  // player id -> (slot, member)
    std::vector<QueueState> queues;

    TicketId nextTicket = 1;
    MatchId nextMatch = 1;
    double lastNow = -std::numeric_limits<double>::infinity();
    int searching = 0;

    MatchmakerOutput output;
    std::size_t matchCount = 0;  // live entries of output.matches; the rest are recycled

    // Tick scratch, reused so that a tick allocates nothing in steady state.
    std::vector<std::int32_t> prev, next;
    std::vector<PoolEntry> mergeBuffer;
    std::vector<std::vector<std::uint32_t>> candidates;  // per region: pool positions
    std::vector<int> candidatePlayers;                   // per region
    std::vector<int> anchorRegions;
    std::vector<std::uint32_t> group;  // slots of the match being formed
    std::vector<int> sizeCount, chosenCount, sizes;
    std::vector<BalanceItem> items;
    std::vector<int> teamOf;
    std::vector<Team> teams;
    detail::TeamBalancer balancer;

    Impl(QueueConfig c, RatingModel m)
        : config(std::move(c))
        , model(m) {
        if (const std::string error = validate(config); !error.empty())
            throw std::invalid_argument("queue config: " + error);
        regionCount = int(config.regions.size());
        queues.resize(config.queues.size());
        for (const QueueRules& rules : config.queues)
            maxPingLimit.push_back(int(
                std::min<double>(rules.pingLimitMs.steps().back().value, kUnreachablePing - 1)));
        candidates.resize(std::size_t(regionCount));
        candidatePlayers.resize(std::size_t(regionCount));
    }

    double advance(double now) {
        // Time never runs backwards inside the matchmaker: ages stay >= 0 and
        // the FIFO stays ordered by enqueue time.
        if (!(now >= lastNow))
            now = std::isfinite(lastNow) ? lastNow : 0.0;
        lastNow = now;
        return now;
    }

    std::uint16_t pingOf(std::uint32_t slot, int region) const {
        return worstPing[std::size_t(slot) * std::size_t(regionCount) + std::size_t(region)];
    }

    std::uint32_t findSlot(TicketId id) const {
        const FlatIndex::Entry* entry = ticketIndex.find(
            detail::mixHash(id), [&](const FlatIndex::Entry& e) { return slots[e.slot].id == id; });
        return entry ? entry->slot : kNoPos;
    }

    const FlatIndex::Entry* findPlayer(std::string_view id, std::uint64_t hash) const {
        return playerIndex.find(hash, [&](const FlatIndex::Entry& e) {
            return requests[e.slot].players[e.member].id == id;
        });
    }

    EnqueueResult refuse(EnqueueError error, std::string message) {
        return EnqueueResult{0, error, std::move(message)};
    }

    EnqueueResult enqueue(TicketRequest request, double now);
    EnqueueResult checkRequest(const TicketRequest& request, int queue);
    std::uint32_t allocateSlot();
    void release(std::uint32_t slot);
    void addPending(QueueState& queue, std::uint32_t slot);
    void mergePending(QueueState& queue);
    void expire(int queue, double now);
    void match(int queue, double now);
    bool tryAnchor(int queue, std::uint32_t anchorPos, double now);
    bool selectGroup(int queue, std::uint32_t anchorSlot, int region, int need);
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
    for (std::size_t i = 0; i < request.players.size(); ++i) {
        const PartyMember& member = request.players[i];
        const std::string at = "players[" + std::to_string(i) + "]";
        if (member.id.empty())
            return refuse(EnqueueError::InvalidPlayer, at + ".id: must be a non-empty string");
        if (!std::isfinite(member.rating.mu))
            return refuse(EnqueueError::InvalidPlayer, at + ".rating.mu: must be a finite number");
        if (!std::isfinite(member.rating.sigma) || member.rating.sigma < 0)
            return refuse(EnqueueError::InvalidPlayer,
                          at + ".rating.sigma: must be a finite number >= 0");
        if (member.pingMs.size() > std::size_t(regionCount))
            return refuse(EnqueueError::InvalidPlayer, at + ".pings: more entries than the " +
                                                           std::to_string(regionCount) +
                                                           " configured regions");
        for (std::size_t r = 0; r < member.pingMs.size(); ++r) {
            if (member.pingMs[r] < 0)
                return refuse(EnqueueError::InvalidPlayer,
                              at + ".pings." + config.regions[r] + ": must be >= 0");
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (request.players[j].id == member.id)
                return refuse(EnqueueError::DuplicatePlayer, at + ".id: player " +
                                                                 quoted(member.id) +
                                                                 " is listed twice in this party");
        }
        if (findPlayer(member.id, playerHash(member.id)))
            return refuse(EnqueueError::DuplicatePlayer,
                          at + ".id: player " + quoted(member.id) + " already has a live ticket");
    }
    return {};
}

std::uint32_t Matchmaker::Impl::allocateSlot() {
    if (freeHead != kNoPos) {
        const std::uint32_t slot = freeHead;
        freeHead = slots[slot].nextFree;
        return slot;
    }
    const std::uint32_t slot = std::uint32_t(slots.size());
    slots.emplace_back();
    requests.emplace_back();
    worstPing.resize(worstPing.size() + std::size_t(regionCount));
    return slot;
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
    std::uint16_t pings[64];
    bool reachable = false;
    for (int r = 0; r < regionCount; ++r) {
        int worst = 0;
        for (const PartyMember& member : request.players) {
            const int ping = std::size_t(r) < member.pingMs.size() ? member.pingMs[std::size_t(r)]
                                                                   : kUnreachablePing;
            worst = std::max(worst, std::min(ping, kUnreachablePing));
        }
        pings[r] = std::uint16_t(worst);
        reachable = reachable || worst <= maxPingLimit[std::size_t(queue)];
    }
    if (!reachable)
        return refuse(EnqueueError::NoReachableRegion,
                      "players.pings: no region is reachable by every member within " +
                          std::to_string(maxPingLimit[std::size_t(queue)]) + " ms");

    const std::uint32_t slot = allocateSlot();
    Slot& s = slots[slot];
    s.id = nextTicket++;
    s.enqueuedAt = now;
    s.queue = queue;
    s.size = int(request.players.size());
    s.strength = 0;
    for (const PartyMember& member : request.players)
        s.strength += member.rating.mu;
    s.mu = s.strength / s.size;
    std::copy(pings, pings + regionCount,
              worstPing.begin() + std::ptrdiff_t(slot) * std::ptrdiff_t(regionCount));
    requests[slot] = std::move(request);
    const std::vector<PartyMember>& players = requests[slot].players;
    for (std::size_t m = 0; m < players.size(); ++m)
        playerIndex.insert(playerHash(players[m].id), slot, std::uint32_t(m));
    ticketIndex.insert(detail::mixHash(s.id), slot, 0);

    QueueState& q = queues[std::size_t(queue)];
    q.fifo.push_back({s.id, slot});
    q.depth += 1;
    q.players += s.size;
    ++searching;
    addPending(q, slot);
    output.ticketEvents.push_back({TicketEvent::Kind::Queued, s.id, queue, now, 0.0});
    return EnqueueResult{s.id, EnqueueError::None, {}};
}

void Matchmaker::Impl::addPending(QueueState& q, std::uint32_t slot) {
    Slot& s = slots[slot];
    s.poolPos = kNoPos;
    q.pending.push_back({s.mu, s.id, slot});
    // Merging once the buffer reaches a quarter of the pool keeps the total
    // merge work linear in the number of enqueues (geometric growth).
    if (q.pending.size() >= std::max<std::size_t>(1024, q.pool.size() / 4))
        mergePending(q);
}

void Matchmaker::Impl::mergePending(QueueState& q) {
    auto dead = [&](const PoolEntry& e) { return slots[e.slot].id != e.id; };
    std::erase_if(q.pending, dead);
    std::sort(q.pending.begin(), q.pending.end(), poolLess);
    mergeBuffer.clear();
    mergeBuffer.reserve(q.pool.size() + q.pending.size());
    auto a = q.pool.begin();
    auto b = q.pending.begin();
    while (a != q.pool.end() || b != q.pending.end()) {
        if (a != q.pool.end() && dead(*a)) {
            ++a;
            continue;
        }
        const bool takeA = b == q.pending.end() || (a != q.pool.end() && !poolLess(*b, *a));
        mergeBuffer.push_back(takeA ? *a++ : *b++);
    }
    q.pool.swap(mergeBuffer);
    q.pending.clear();
    q.deadInPool = 0;
    for (std::size_t i = 0; i < q.pool.size(); ++i)
        slots[q.pool[i].slot].poolPos = std::uint32_t(i);
}

void Matchmaker::Impl::release(std::uint32_t slot) {
    Slot& s = slots[slot];
    const std::vector<PartyMember>& players = requests[slot].players;
    for (std::size_t m = 0; m < players.size(); ++m) {
        playerIndex.erase(playerHash(players[m].id), [&](const FlatIndex::Entry& e) {
            return e.slot == slot && e.member == m;
        });
    }
    ticketIndex.erase(detail::mixHash(s.id),
                      [&](const FlatIndex::Entry& e) { return e.slot == slot; });
    QueueState& q = queues[std::size_t(s.queue)];
    q.depth -= 1;
    q.players -= s.size;
    if (s.poolPos != kNoPos)
        ++q.deadInPool;
    --searching;
    s.id = 0;
    s.nextFree = freeHead;
    freeHead = slot;
}

void Matchmaker::Impl::expire(int queue, double now) {
    QueueState& q = queues[std::size_t(queue)];
    const double maxWait = config.queues[std::size_t(queue)].maxWaitSeconds;
    while (q.fifoHead < q.fifo.size()) {
        const FifoEntry e = q.fifo[q.fifoHead];
        const Slot& s = slots[e.slot];
        if (s.id == e.id) {
            const double wait = now - s.enqueuedAt;
            if (wait < maxWait)
                break;
            output.ticketEvents.push_back({TicketEvent::Kind::Expired, e.id, queue, now, wait});
            release(e.slot);
        }
        ++q.fifoHead;
    }
}

void Matchmaker::Impl::unlink(std::uint32_t pos) {
    const std::int32_t p = prev[pos];
    const std::int32_t n = next[pos];
    if (p != kEnd)
        next[std::size_t(p)] = n;
    if (n != kEnd)
        prev[std::size_t(n)] = p;
}

void Matchmaker::Impl::match(int queue, double now) {
    QueueState& q = queues[std::size_t(queue)];
    const int perMatch = config.queues[std::size_t(queue)].playersPerMatch();
    if (q.players < perMatch)
        return;
    if (!q.pending.empty() || q.deadInPool > 0)
        mergePending(q);

    const std::size_t n = q.pool.size();
    prev.resize(n);
    next.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        prev[i] = std::int32_t(i) - 1;
        next[i] = i + 1 < n ? std::int32_t(i + 1) : kEnd;
    }

    // Oldest first. An anchor leaves the list once tried, matched or not:
    // every later group is anchored on a younger ticket, and a group never
    // holds a ticket older than its anchor.
    int linkedPlayers = q.players;
    for (std::size_t f = q.fifoHead; f < q.fifo.size() && linkedPlayers >= perMatch; ++f) {
        const FifoEntry e = q.fifo[f];
        const Slot& s = slots[e.slot];
        if (s.id != e.id)
            continue;
        const std::uint32_t pos = s.poolPos;
        const int size = s.size;
        if (tryAnchor(queue, pos, now)) {
            linkedPlayers -= perMatch;
        } else {
            unlink(pos);
            linkedPlayers -= size;
        }
    }

    // Drop the FIFO's dead entries once they are the majority.
    const std::size_t live = std::size_t(q.depth);
    if ((q.fifo.size() - q.fifoHead) > 2 * live + 64) {
        std::size_t out = 0;
        for (std::size_t f = q.fifoHead; f < q.fifo.size(); ++f) {
            if (slots[q.fifo[f].slot].id == q.fifo[f].id)
                q.fifo[out++] = q.fifo[f];
        }
        q.fifo.resize(out);
        q.fifoHead = 0;
    }
}

bool Matchmaker::Impl::tryAnchor(int queue, std::uint32_t anchorPos, double now) {
    const QueueRules& rules = config.queues[std::size_t(queue)];
    QueueState& q = queues[std::size_t(queue)];
    const std::uint32_t anchorSlot = q.pool[anchorPos].slot;
    const Slot& anchor = slots[anchorSlot];
    const double wait = now - anchor.enqueuedAt;
    const double window = rules.skillWindow.valueAt(wait);
    const double limit = rules.pingLimitMs.valueAt(wait);
    const int need = rules.playersPerMatch() - anchor.size;

    anchorRegions.clear();
    for (int r = 0; r < regionCount; ++r) {
        if (pingOf(anchorSlot, r) <= limit) {
            anchorRegions.push_back(r);
            candidates[std::size_t(r)].clear();
            candidatePlayers[std::size_t(r)] = 0;
        }
    }
    if (anchorRegions.empty())
        return false;

    // Walk outward from the anchor, nearest mu first, until the window ends:
    // the first region whose reachable candidates can complete the match wins.
    std::int32_t left = prev[anchorPos];
    std::int32_t right = next[anchorPos];
    const double mu = anchor.mu;
    constexpr double kFar = std::numeric_limits<double>::infinity();
    for (int scanned = 0; scanned < kMaxScannedPerAnchor; ++scanned) {
        const double dl = left != kEnd ? mu - q.pool[std::size_t(left)].mu : kFar;
        const double dr = right != kEnd ? q.pool[std::size_t(right)].mu - mu : kFar;
        if (std::min(dl, dr) > window)
            break;
        std::uint32_t pos;
        if (dl <= dr) {
            pos = std::uint32_t(left);
            left = prev[pos];
        } else {
            pos = std::uint32_t(right);
            right = next[pos];
        }
        const std::uint32_t slot = q.pool[pos].slot;
        const int size = slots[slot].size;
        for (int r : anchorRegions) {
            if (pingOf(slot, r) > limit)
                continue;
            const std::size_t rs = std::size_t(r);
            candidates[rs].push_back(pos);
            candidatePlayers[rs] += size;
            if (candidatePlayers[rs] >= need && selectGroup(queue, anchorSlot, r, need)) {
                // Unlink the anchor first: formMatch unlinks the others.
                unlink(anchorPos);
                formMatch(queue, now);
                return true;
            }
        }
    }
    return false;
}

// Chooses, among the candidates of one region (nearest first), parties whose
// sizes add up to `need` and that pack into exact teams with the anchor: the
// size mix is enumerated (few mixes exist for teams of <= 100), and within a
// size the nearest parties are taken. Fills `group` (anchor first).
bool Matchmaker::Impl::selectGroup(int queue, std::uint32_t anchorSlot, int region, int need) {
    const QueueRules& rules = config.queues[std::size_t(queue)];
    const QueueState& q = queues[std::size_t(queue)];
    const std::vector<std::uint32_t>& cands = candidates[std::size_t(region)];
    group.clear();
    group.push_back(anchorSlot);

    if (slots[anchorSlot].size == 1 && rules.partySizes.size() == 1) {
        // Solo queue: every candidate is one player and arrived one at a time.
        for (std::uint32_t pos : cands)
            group.push_back(q.pool[pos].slot);
        return true;
    }

    const std::size_t maxSize = std::size_t(rules.teamSize);
    sizeCount.assign(maxSize + 1, 0);
    for (std::uint32_t pos : cands)
        ++sizeCount[std::size_t(slots[q.pool[pos].slot].size)];
    chosenCount.assign(maxSize + 1, 0);

    // Depth-first over sizes, largest first; the first mix that packs wins.
    std::function<bool(std::size_t, int)> choose = [&](std::size_t size, int left) -> bool {
        if (left == 0) {
            sizes.clear();
            sizes.push_back(slots[anchorSlot].size);
            for (std::size_t s = 1; s <= maxSize; ++s)
                sizes.insert(sizes.end(), std::size_t(chosenCount[s]), int(s));
            return balancer.canPack(sizes, rules.teamCount, rules.teamSize);
        }
        if (size == 0)
            return false;
        const int most = std::min(sizeCount[size], left / int(size));
        for (int c = most; c >= 0; --c) {
            chosenCount[size] = c;
            if (choose(size - 1, left - c * int(size)))
                return true;
        }
        chosenCount[size] = 0;
        return false;
    };
    if (!choose(maxSize, need))
        return false;
    for (std::uint32_t pos : cands) {
        const std::uint32_t slot = q.pool[pos].slot;
        int& wanted = chosenCount[std::size_t(slots[slot].size)];
        if (wanted > 0) {
            group.push_back(slot);
            --wanted;
        }
    }
    return true;
}

MatchFormed& Matchmaker::Impl::newMatch() {
    if (matchCount == output.matches.size())
        output.matches.emplace_back();
    MatchFormed& m = output.matches[matchCount++];
    m.slots.clear();
    m.teamStrength.clear();
    return m;
}

void Matchmaker::Impl::formMatch(int queue, double now) {
    const QueueRules& rules = config.queues[std::size_t(queue)];

    // The region: the lowest worst ping over the whole group (ties: the
    // lower region index). The anchor's wait set the limit the group met.
    int bestRegion = -1;
    int bestPing = kUnreachablePing + 1;
    for (int r = 0; r < regionCount; ++r) {
        int worst = 0;
        for (std::uint32_t slot : group)
            worst = std::max(worst, int(pingOf(slot, r)));
        if (worst < bestPing) {
            bestPing = worst;
            bestRegion = r;
        }
    }

    items.clear();
    double lowMu = std::numeric_limits<double>::infinity();
    double highMu = -lowMu;
    for (std::uint32_t slot : group) {
        items.push_back({slots[slot].size, slots[slot].strength});
        for (const PartyMember& member : requests[slot].players) {
            lowMu = std::min(lowMu, member.rating.mu);
            highMu = std::max(highMu, member.rating.mu);
        }
    }
    balancer.balance(items, rules.teamCount, rules.teamSize, teamOf);

    MatchFormed& m = newMatch();
    m.id = nextMatch++;
    m.queue = queue;
    m.region = bestRegion;
    m.time = now;
    m.worstPingMs = bestPing;
    m.skillSpread = highMu - lowMu;
    m.teamStrength.assign(std::size_t(rules.teamCount), 0.0);
    teams.resize(std::size_t(rules.teamCount));
    for (Team& team : teams)
        team.clear();
    for (int t = 0; t < rules.teamCount; ++t) {
        for (std::size_t i = 0; i < group.size(); ++i) {
            if (teamOf[i] != t)
                continue;
            const std::uint32_t slot = group[i];
            m.slots.push_back({slots[slot].id, t, now - slots[slot].enqueuedAt});
            m.teamStrength[std::size_t(t)] += slots[slot].strength;
            for (const PartyMember& member : requests[slot].players)
                teams[std::size_t(t)].push_back(member.rating);
        }
    }
    // Fairness is judged on the most lopsided pair of teams.
    double worstPair = 0.5;
    for (std::size_t a = 0; a < teams.size(); ++a) {
        for (std::size_t b = a + 1; b < teams.size(); ++b) {
            const double p = model.winProbability(teams[a], teams[b]);
            if (std::abs(p - 0.5) > std::abs(worstPair - 0.5))
                worstPair = p;
        }
    }
    m.team0WinProbability = rules.teamCount == 2 ? model.winProbability(teams[0], teams[1]) : 0.5;
    m.quality = detail::matchQuality(
        detail::qualityTerms(worstPair, m.skillSpread, bestPing, model.params().beta));

    for (std::size_t i = 1; i < group.size(); ++i)
        unlink(slots[group[i]].poolPos);
    for (std::uint32_t slot : group)
        release(slot);
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
    const std::uint32_t slot = d->findSlot(ticket);
    if (slot == kNoPos)
        return false;
    const Slot& s = d->slots[slot];
    d->output.ticketEvents.push_back(
        {TicketEvent::Kind::Cancelled, ticket, s.queue, now, now - s.enqueuedAt});
    d->release(slot);
    return true;
}

void Matchmaker::tick(double now) {
    now = d->advance(now);
    for (int q = 0; q < int(d->queues.size()); ++q) {
        d->expire(q, now);
        d->match(q, now);
    }
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
    if (d->findSlot(ticket) == kNoPos)
        return std::nullopt;
    return TicketState::Searching;
}

const TicketRequest* Matchmaker::ticket(TicketId ticket) const {
    const std::uint32_t slot = d->findSlot(ticket);
    return slot == kNoPos ? nullptr : &d->requests[slot];
}

double Matchmaker::enqueuedAt(TicketId ticket) const {
    const std::uint32_t slot = d->findSlot(ticket);
    return slot == kNoPos ? std::numeric_limits<double>::quiet_NaN() : d->slots[slot].enqueuedAt;
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
            const Slot& slot = d->slots[q.fifo[f].slot];
            if (slot.id == q.fifo[f].id) {
                s.oldestWaitSeconds = std::max(0.0, now - slot.enqueuedAt);
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

}  // namespace pulsco
