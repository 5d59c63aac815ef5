#include "core/TeamBalancer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace pulsco::detail {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
// Below this gap two assignments are as fair as each other; stop searching.
constexpr double kPerfectGap = 1e-9;
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

    m_items = &items;
    m_teamCount = teamCount;
    m_order.resize(n);
    std::iota(m_order.begin(), m_order.end(), 0u);
    // Big parties first (they constrain most), strongest first within a size:
    // placing heavy items early makes the first complete assignment good and
    // the bound prune hard.
    std::sort(m_order.begin(), m_order.end(), [&](std::uint32_t a, std::uint32_t b) {
        if (items[a].size != items[b].size)
            return items[a].size > items[b].size;
        if (items[a].strength != items[b].strength)
            return items[a].strength > items[b].strength;
        return a < b;
    });
    m_prefix.assign(n + 1, 0.0);
    m_firstSolo = n;
    for (std::size_t p = 0; p < n; ++p) {
        const BalanceItem& item = items[m_order[p]];
        m_prefix[p + 1] = m_prefix[p] + item.strength;
        if (item.size == 1 && m_firstSolo == n)
            m_firstSolo = p;
    }
    m_remaining.assign(std::size_t(teamCount), teamSize);
    m_sum.assign(std::size_t(teamCount), 0.0);
    m_current.assign(n, 0);
    teamOf.assign(n, 0);

    if (n > std::size_t(kExactTickets))
        return balanceGreedy(teamCount, teamSize, teamOf);

    m_bestGap = kInf;
    m_nodes = 0;
    searchExact(0);
    if (m_bestGap == kInf)
        return false;
    for (std::size_t p = 0; p < n; ++p)
        teamOf[m_order[p]] = m_best[p];
    return true;
}

double TeamBalancer::lowerBound(std::size_t i) const {
    const std::size_t n = m_order.size();
    const auto [lo, hi] = std::minmax_element(m_sum.begin(), m_sum.end());
    if (m_teamCount == 2 && i >= m_firstSolo) {
        // Only solos remain, sorted by strength descending: team 0 receives
        // exactly m_remaining[0] of them, so its final sum lies between the
        // sum of the weakest and the sum of the strongest that many.
        const std::size_t take = std::size_t(m_remaining[0]);
        const double rest = m_prefix[n] - m_prefix[i];
        const double least = m_prefix[n] - m_prefix[n - take];
        const double most = m_prefix[i + take] - m_prefix[i];
        const double base = m_sum[0] - m_sum[1] - rest;
        const double from = base + 2 * least;
        const double to = base + 2 * most;
        if (from <= 0 && to >= 0)
            return 0;
        return std::min(std::abs(from), std::abs(to));
    }
    // Any item narrows the gap by at most its own magnitude.
    double magnitude = 0;
    for (std::size_t p = i; p < n; ++p)
        magnitude += std::abs((*m_items)[m_order[p]].strength);
    return std::max(0.0, (*hi - *lo) - magnitude);
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
