// Splits the tickets of a match into teams of exactly teamSize players, parties
// intact, minimising the gap between the strongest and the weakest team
// (strength = sum of mu). Exact for up to kExactTickets tickets, a greedy
// assignment improved by swaps beyond that. Buffers are reused between calls.
#pragma once

#include <cstdint>
#include <vector>

namespace pulsco::detail {

struct BalanceItem {
    int size = 1;         // players in the party
    double strength = 0;  // sum of the members' mu
};

class TeamBalancer {
public:
    static constexpr int kExactTickets = 12;
    // Keeps the rare many-team exact search bounded; two teams of
    // kExactTickets tickets never reach it (at most 2^12 leaves).
    static constexpr std::int64_t kNodeBudget = 1 << 18;

    // True when parties of these sizes fill teamCount teams of teamSize exactly.
    bool canPack(const std::vector<int>& sizes, int teamCount, int teamSize);

    // Fills teamOf[i] with item i's team. False when the items cannot fill the
    // teams exactly (then teamOf is unspecified).
    bool balance(const std::vector<BalanceItem>& items, int teamCount, int teamSize,
                 std::vector<int>& teamOf);

    // max team strength - min team strength of an assignment.
    static double gap(const std::vector<BalanceItem>& items, const std::vector<int>& teamOf,
                      int teamCount);

private:
    bool packFrom(std::size_t i);
    void searchExact(std::size_t i);
    void searchTwo(int teamSize, double total);
    double lowerBound(std::size_t i) const;
    bool balanceGreedy(int teamCount, int teamSize, std::vector<int>& teamOf);
    void improveBySwaps(int teamCount, std::vector<int>& teamOf);

    // Search state, kept as members so repeated calls do not allocate.
    const std::vector<BalanceItem>* m_items = nullptr;
    std::vector<int> m_sizes;            // for canPack, sorted descending
    std::vector<std::uint32_t> m_order;  // items in search order
    std::vector<double> m_absSuffix;     // suffix sums of |strength| in m_order
    std::vector<double> m_strength;      // strength per position of m_order
    std::vector<int> m_size;             // size per position of m_order
    // Two-team search: second-half subsets bucketed by head count.
    std::vector<std::size_t> m_bucketStart, m_bucketFill;
    std::vector<int> m_remaining;  // free places per team
    std::vector<double> m_sum;     // strength per team
    std::vector<int> m_current;    // team per position of m_order
    std::vector<int> m_best;
    double m_bestGap = 0;
    std::int64_t m_nodes = 0;
    int m_teamCount = 0;
};

}  // namespace pulsco::detail
