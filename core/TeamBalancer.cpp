#include "core/TeamBalancer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

namespace pulsco::detail {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
// Below this gap two assignments are as fair as each other; stop searching.
constexpr double kPerfectGap = 1e-9;
// The subsets of `bits` items ordered by popcount, with where each popcount
// starts: the solo case of searchTwo() needs no bucketing per call.
struct PopcountOrder {
    std::array<std::uint8_t, 64> masks{};
    std::array<std::size_t, 8> start{};
};

const PopcountOrder& popcountOrder(std::size_t bits) {
    static const std::array<PopcountOrder, 7> tables = [] {
        std::array<PopcountOrder, 7> all{};
        for (std::size_t b = 0; b < all.size(); ++b) {
            PopcountOrder& table = all[b];
            std::size_t out = 0;
            for (std::size_t count = 0; count <= b; ++count) {
                table.start[count] = out;
                for (std::size_t mask = 0; mask < (std::size_t(1) << b); ++mask) {
                    if (std::size_t(__builtin_popcountll(mask)) == count)
                        table.masks[out++] = std::uint8_t(mask);
                }
            }
            for (std::size_t count = b + 1; count < table.start.size(); ++count)
                table.start[count] = out;
        }
        return all;
    }();
    return tables[bits];
}
}  // namespace

bool TeamBalancer::canPack(const std::vector<int>& sizes, int teamCount, int teamSize) {
    m_sizes = sizes;
    std::sort(m_sizes.begin(), m_sizes.end(), std::greater<>());
    if (std::accumulate(m_sizes.begin(), m_sizes.end(), 0) != teamCount * teamSize)
        return false;
    m_remaining.assign(std::size_t(teamCount), teamSize);
    m_current.assign(m_sizes.size(), 0);
    m_teamCount = teamCount;
    return packFrom(0);
}

// Largest parties first into any team with room; teams with the same free
// room are interchangeable, so only the first of them is tried.
bool TeamBalancer::packFrom(std::size_t i) {
    if (i == m_sizes.size())
        return true;
    const int size = m_sizes[i];
    for (int t = 0; t < m_teamCount; ++t) {
        if (m_remaining[std::size_t(t)] < size)
            continue;
        bool tried = false;
        for (int u = 0; u < t && !tried; ++u)
            tried = m_remaining[std::size_t(u)] == m_remaining[std::size_t(t)];
        if (tried)
            continue;
        m_remaining[std::size_t(t)] -= size;
        m_current[i] = t;
        if (packFrom(i + 1))
            return true;
        m_remaining[std::size_t(t)] += size;
    }
    return false;
}

bool TeamBalancer::balance(const std::vector<BalanceItem>& items, int teamCount, int teamSize,
                           std::vector<int>& teamOf) {
    const std::size_t n = items.size();
    int players = 0;
    for (const BalanceItem& item : items)
        players += item.size;
    if (players != teamCount * teamSize)
        return false;

    if (n == std::size_t(teamCount)) {
        // One full party per team (every duel): all splits are the same.
        teamOf.resize(n);
        for (std::size_t i = 0; i < n; ++i)
            teamOf[i] = int(i);
        return std::all_of(items.begin(), items.end(),
                           [&](const BalanceItem& item) { return item.size == teamSize; });
    }
    m_items = &items;
    m_teamCount = teamCount;
    m_order.resize(n);
    std::iota(m_order.begin(), m_order.end(), 0u);
    // Big parties first (they constrain most), strongest first within a size:
    // placing heavy items early makes the first complete assignment good and
    // the bound prune hard. The two-team search is exact in any order.
    if (teamCount != 2 || n > std::size_t(kExactTickets)) {
        std::sort(m_order.begin(), m_order.end(), [&](std::uint32_t a, std::uint32_t b) {
            if (items[a].size != items[b].size)
                return items[a].size > items[b].size;
            if (items[a].strength != items[b].strength)
                return items[a].strength > items[b].strength;
            return a < b;
        });
    }
    m_strength.resize(n);
    m_size.resize(n);
    double total = 0;
    for (std::size_t p = 0; p < n; ++p) {
        const BalanceItem& item = items[m_order[p]];
        m_strength[p] = item.strength;
        m_size[p] = item.size;
        total += item.strength;
    }
    teamOf.resize(n);
    m_bestGap = kInf;
    const bool twoExact = teamCount == 2 && n <= std::size_t(kExactTickets);
    if (twoExact) {
        // Every 5v5 takes this path: it needs none of the state below.
        searchTwo(teamSize, total);
    } else {
        m_absSuffix.assign(n + 1, 0.0);
        for (std::size_t p = n; p-- > 0;)
            m_absSuffix[p] = m_absSuffix[p + 1] + std::abs(m_strength[p]);
        m_remaining.assign(std::size_t(teamCount), teamSize);
        m_sum.assign(std::size_t(teamCount), 0.0);
        m_current.assign(n, 0);
        if (n > std::size_t(kExactTickets))
            return balanceGreedy(teamCount, teamSize, teamOf);
        m_nodes = 0;
        searchExact(0);
    }
    if (m_bestGap == kInf)
        return false;
    for (std::size_t p = 0; p < n; ++p)
        teamOf[m_order[p]] = m_best[p];
    return true;
}

// Two teams, split in halves: the second half's subsets are enumerated once
// and grouped by head count; each subset of the first half (whose first item
// is pinned to team 0: the teams are interchangeable) then only visits the
// second-half subsets that complete team 0 exactly. Every valid split is
// scored once, at the cost of one subtraction: at most C(11, 5) = 462 for 12
// solos, with no recursion and no sorting.
void TeamBalancer::searchTwo(int teamSize, double total) {
    const std::size_t n = m_size.size();
    const std::size_t half = (n + 1) / 2;
    const std::size_t rest = n - half;
    const std::size_t subsets = std::size_t(1) << rest;

    std::array<double, 64> halfSum;
    std::array<int, 64> halfPlayers;
    std::array<std::uint8_t, 64> byPlayers;
    halfSum[0] = 0;
    halfPlayers[0] = 0;
    for (std::size_t mask = 1; mask < subsets; ++mask) {
        const std::size_t low = std::size_t(__builtin_ctzll(mask));
        halfSum[mask] = halfSum[mask & (mask - 1)] + m_strength[half + low];
        halfPlayers[mask] = halfPlayers[mask & (mask - 1)] + m_size[half + low];
    }
    // Group the second-half subsets by head count. With solos only, the head
    // count is the popcount and a fixed table serves every call.
    const bool solos =
        std::all_of(m_size.begin(), m_size.end(), [](int size) { return size == 1; });
    const std::uint8_t* byPlayersAt = byPlayers.data();
    const std::size_t* bucketAt = nullptr;
    if (solos) {
        const PopcountOrder& table = popcountOrder(rest);
        byPlayersAt = table.masks.data();
        bucketAt = table.start.data();
    } else {
        m_bucketStart.assign(std::size_t(teamSize) + 2, 0);
        for (std::size_t mask = 0; mask < subsets; ++mask) {
            if (halfPlayers[mask] <= teamSize)
                ++m_bucketStart[std::size_t(halfPlayers[mask]) + 1];
        }
        for (std::size_t p = 1; p < m_bucketStart.size(); ++p)
            m_bucketStart[p] += m_bucketStart[p - 1];
        m_bucketFill.assign(m_bucketStart.begin(), m_bucketStart.end() - 1);
        for (std::size_t mask = 0; mask < subsets; ++mask) {
            if (halfPlayers[mask] <= teamSize)
                byPlayers[m_bucketFill[std::size_t(halfPlayers[mask])]++] = std::uint8_t(mask);
        }
        bucketAt = m_bucketStart.data();
    }

    // Twice each second-half sum, laid out in bucket order: the inner loop
    // below then reads one array in sequence (this loop is most of the cost
    // of forming a 5v5 of solos).
    std::array<double, 64> twiceInBucket;
    const std::size_t bucketed = bucketAt[solos ? rest + 1 : std::size_t(teamSize) + 1];
    for (std::size_t k = 0; k < bucketed; ++k)
        twiceInBucket[k] = 2 * halfSum[byPlayersAt[k]];

    std::size_t bestFirst = 0;
    std::size_t bestK = 0;
    const std::size_t firstSubsets = std::size_t(1) << (half - 1);
    for (std::size_t mask = 0; mask < firstSubsets && m_bestGap > kPerfectGap; ++mask) {
        double sum = m_strength[0];
        int players = m_size[0];
        for (std::size_t bits = mask; bits != 0; bits &= bits - 1) {
            const std::size_t i = 1 + std::size_t(__builtin_ctzll(bits));
            sum += m_strength[i];
            players += m_size[i];
        }
        if (players > teamSize)
            continue;
        // n == 2 * teamSize for solos, so `missing` < rest: always a bucket.
        const std::size_t missing = std::size_t(teamSize - players);
        const double target = total - 2 * sum;  // gap = |2 * second - target|
        double bestHere = m_bestGap;
        std::size_t kHere = bestK;
        for (std::size_t k = bucketAt[missing]; k < bucketAt[missing + 1]; ++k) {
            const double gap = std::abs(twiceInBucket[k] - target);
            // Branch-free: the first strictly smaller gap wins, as before.
            const bool better = gap < bestHere;
            bestHere = better ? gap : bestHere;
            kHere = better ? k : kHere;
        }
        if (bestHere < m_bestGap) {
            m_bestGap = bestHere;
            bestFirst = mask;
            bestK = kHere;
        }
    }
    if (m_bestGap == kInf)
        return;
    const std::size_t bestSecond = byPlayersAt[bestK];
    m_best.assign(n, 1);
    m_best[0] = 0;
    for (std::size_t i = 1; i < half; ++i)
        m_best[i] = (bestFirst >> (i - 1)) & 1u ? 0 : 1;
    for (std::size_t i = 0; i < rest; ++i)
        m_best[half + i] = (bestSecond >> i) & 1u ? 0 : 1;
}

// More than two teams: any item narrows the gap by at most its magnitude.
double TeamBalancer::lowerBound(std::size_t i) const {
    const auto [lo, hi] = std::minmax_element(m_sum.begin(), m_sum.end());
    return (*hi - *lo) - m_absSuffix[i];
}

void TeamBalancer::searchExact(std::size_t i) {
    if (m_bestGap <= kPerfectGap || (++m_nodes > kNodeBudget && m_bestGap < kInf))
        return;
    if (i == m_order.size()) {
        const auto [lo, hi] = std::minmax_element(m_sum.begin(), m_sum.end());
        if (*hi - *lo < m_bestGap) {
            m_bestGap = *hi - *lo;
            m_best = m_current;
        }
        return;
    }
    if (lowerBound(i) >= m_bestGap)
        return;
    const BalanceItem& item = (*m_items)[m_order[i]];
    // Candidate teams, lightest first; teams in the same state are
    // interchangeable, so only one of them is explored.
    int candidates[32];
    int count = 0;
    for (int t = 0; t < m_teamCount; ++t) {
        const std::size_t ts = std::size_t(t);
        if (m_remaining[ts] < item.size)
            continue;
        bool same = false;
        for (int c = 0; c < count && !same; ++c) {
            const std::size_t us = std::size_t(candidates[c]);
            same = m_remaining[us] == m_remaining[ts] && m_sum[us] == m_sum[ts];
        }
        if (!same)
            candidates[count++] = t;
    }
    std::stable_sort(candidates, candidates + count,
                     [&](int a, int b) { return m_sum[std::size_t(a)] < m_sum[std::size_t(b)]; });
    for (int c = 0; c < count; ++c) {
        const std::size_t t = std::size_t(candidates[c]);
        m_remaining[t] -= item.size;
        m_sum[t] += item.strength;
        m_current[i] = int(t);
        searchExact(i + 1);
        m_remaining[t] += item.size;
        m_sum[t] -= item.strength;
    }
}

bool TeamBalancer::balanceGreedy(int teamCount, int teamSize, std::vector<int>& teamOf) {
    const std::vector<BalanceItem>& items = *m_items;
    const std::size_t n = m_order.size();
    bool placedAll = true;
    for (std::size_t p = 0; p < n && placedAll; ++p) {
        const BalanceItem& item = items[m_order[p]];
        int chosen = -1;
        for (int t = 0; t < teamCount; ++t) {
            const std::size_t ts = std::size_t(t);
            if (m_remaining[ts] >= item.size &&
                (chosen < 0 || m_sum[ts] < m_sum[std::size_t(chosen)]))
                chosen = t;
        }
        if (chosen < 0) {
            placedAll = false;
            break;
        }
        m_remaining[std::size_t(chosen)] -= item.size;
        m_sum[std::size_t(chosen)] += item.strength;
        m_current[p] = chosen;
    }
    if (!placedAll) {
        // Lightest-first painted itself into a corner: take any exact packing
        // and let the swaps below even it out.
        m_sizes.resize(n);
        for (std::size_t p = 0; p < n; ++p)
            m_sizes[p] = items[m_order[p]].size;
        m_remaining.assign(std::size_t(teamCount), teamSize);
        if (!packFrom(0))
            return false;
    }
    for (std::size_t p = 0; p < n; ++p)
        teamOf[m_order[p]] = m_current[p];
    improveBySwaps(teamCount, teamOf);
    return true;
}

// Swapping two equal-sized parties keeps team sizes exact; a swap is taken
// only when it lowers the sum of squared team strengths (a strict decrease,
// so the loop ends), which for two teams is exactly a smaller gap.
void TeamBalancer::improveBySwaps(int teamCount, std::vector<int>& teamOf) {
    const std::vector<BalanceItem>& items = *m_items;
    const std::size_t n = items.size();
    m_sum.assign(std::size_t(teamCount), 0.0);
    for (std::size_t i = 0; i < n; ++i)
        m_sum[std::size_t(teamOf[i])] += items[i].strength;
    for (int pass = 0; pass < 64; ++pass) {
        bool improved = false;
        for (std::size_t a = 0; a < n; ++a) {
            for (std::size_t b = a + 1; b < n; ++b) {
                const std::size_t ta = std::size_t(teamOf[a]);
                const std::size_t tb = std::size_t(teamOf[b]);
                if (ta == tb || items[a].size != items[b].size)
                    continue;
                const double d = items[a].strength - items[b].strength;
                if (2 * d * (d - (m_sum[ta] - m_sum[tb])) < -1e-12) {
                    m_sum[ta] -= d;
                    m_sum[tb] += d;
                    std::swap(teamOf[a], teamOf[b]);
                    improved = true;
                }
            }
        }
        if (!improved)
            break;
    }
}

double TeamBalancer::gap(const std::vector<BalanceItem>& items, const std::vector<int>& teamOf,
                         int teamCount) {
    std::vector<double> sums(std::size_t(teamCount), 0.0);
    for (std::size_t i = 0; i < items.size(); ++i)
        sums[std::size_t(teamOf[i])] += items[i].strength;
    const auto [lo, hi] = std::minmax_element(sums.begin(), sums.end());
    return *hi - *lo;
}

}  // namespace pulsco::detail
