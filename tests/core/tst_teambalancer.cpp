// Team balancing: exact packing, hand-checked optimal splits, and the exact
// search compared with brute force over many random parties.
#include "core/TeamBalancer.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

using pulsco::detail::BalanceItem;
using pulsco::detail::TeamBalancer;

using Sizes = std::vector<int>;
using Items = std::vector<BalanceItem>;
Q_DECLARE_METATYPE(Sizes)
Q_DECLARE_METATYPE(Items)

namespace {

std::vector<int> teamPlayers(const Items& items, const std::vector<int>& teamOf, int teamCount) {
    std::vector<int> players(std::size_t(teamCount), 0);
    for (std::size_t i = 0; i < items.size(); ++i)
        players[std::size_t(teamOf[i])] += items[i].size;
    return players;
}

// Smallest gap over every assignment with exact team sizes (teamCount^n).
double bruteForceGap(const Items& items, int teamCount, int teamSize) {
    const std::size_t n = items.size();
    std::vector<int> teamOf(n, 0);
    double best = std::numeric_limits<double>::infinity();
    while (true) {
        if (teamPlayers(items, teamOf, teamCount) ==
            std::vector<int>(std::size_t(teamCount), teamSize))
            best = std::min(best, TeamBalancer::gap(items, teamOf, teamCount));
        std::size_t i = 0;
        while (i < n && ++teamOf[i] == teamCount)
            teamOf[i++] = 0;
        if (i == n)
            return best;
    }
}

// Random parties that fill teamCount teams of teamSize exactly.
Items randomParties(std::mt19937_64& rng, int teamCount, int teamSize, int maxParty) {
    Items items;
    std::uniform_real_distribution<double> mu(0.0, 50.0);
    for (int t = 0; t < teamCount; ++t) {
        int left = teamSize;
        while (left > 0) {
            const int size = std::uniform_int_distribution<int>(1, std::min(left, maxParty))(rng);
            double strength = 0;
            for (int p = 0; p < size; ++p)
                strength += mu(rng);
            items.push_back({size, strength});
            left -= size;
        }
    }
    std::shuffle(items.begin(), items.end(), rng);
    return items;
}

}  // namespace

class TestTeamBalancer : public QObject {
    Q_OBJECT
private slots:
    void canPack_data();
    void canPack();
    void handChecked_data();
    void handChecked();
    void exactMatchesBruteForce_data();
    void exactMatchesBruteForce();
    void largeGroupsAreExactSizedAndLocallyOptimal();
    void greedyThatPaintsItselfIntoACornerRepacks();
    void impossibleSplitsAreRefused_data();
    void impossibleSplitsAreRefused();
    void equalPartiesInManyTeams();
};

void TestTeamBalancer::canPack_data() {
    QTest::addColumn<Sizes>("sizes");
    QTest::addColumn<int>("teamCount");
    QTest::addColumn<int>("teamSize");
    QTest::addColumn<bool>("packs");
    QTest::addRow("3+2 | 3+2") << Sizes{3, 3, 2, 2} << 2 << 5 << true;
    QTest::addRow("three triples and a solo") << Sizes{3, 3, 3, 1} << 2 << 5 << false;
    QTest::addRow("two full teams") << Sizes{5, 5} << 2 << 5 << true;
    QTest::addRow("4+4+2") << Sizes{4, 4, 2} << 2 << 5 << false;
    QTest::addRow("five duos") << Sizes{2, 2, 2, 2, 2} << 2 << 5 << false;
    QTest::addRow("too few players") << Sizes{2, 2, 2} << 2 << 5 << false;
    QTest::addRow("three teams of duos") << Sizes{2, 2, 2, 2, 2, 2} << 3 << 4 << true;
    QTest::addRow("three teams 3+1") << Sizes{3, 3, 3, 1, 1, 1} << 3 << 4 << true;
    QTest::addRow("three teams 4,4,3+1") << Sizes{4, 4, 3, 1} << 3 << 4 << true;
    QTest::addRow("three teams 3,3,3,3") << Sizes{3, 3, 3, 3} << 3 << 4 << false;
}

void TestTeamBalancer::canPack() {
    QFETCH(Sizes, sizes);
    QFETCH(int, teamCount);
    QFETCH(int, teamSize);
    QFETCH(bool, packs);
    TeamBalancer balancer;
    QCOMPARE(balancer.canPack(sizes, teamCount, teamSize), packs);
}

void TestTeamBalancer::handChecked_data() {
    QTest::addColumn<Items>("items");
    QTest::addColumn<int>("teamCount");
    QTest::addColumn<int>("teamSize");
    QTest::addColumn<double>("gap");
    // 1..6 into two teams of three: 21 is odd, so 11 vs 10 ({1,4,6} | {2,3,5}).
    QTest::addRow("six solos") << Items{{1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 6}} << 2 << 3
                               << 1.0;
    // 20+3+2 = 25 = 10+8+7: parties of two end up on different teams.
    QTest::addRow("duos and solos, perfect")
        << Items{{2, 20}, {2, 10}, {1, 8}, {1, 7}, {1, 3}, {1, 2}} << 2 << 4 << 0.0;
    QTest::addRow("duel") << Items{{1, 31}, {1, 25}} << 2 << 1 << 6.0;
    // A full party against five solos: no other split exists.
    QTest::addRow("premade vs solos")
        << Items{{5, 150}, {1, 25}, {1, 25}, {1, 25}, {1, 25}, {1, 20}} << 2 << 5 << 30.0;
    QTest::addRow("three teams, perfect")
        << Items{{1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 6}} << 3 << 2 << 0.0;
    // 3 teams of 2: best is {9,1}, {5,4}, {6,3}? 10, 9, 9 -> gap 1.
    QTest::addRow("three teams, gap 1")
        << Items{{1, 9}, {1, 1}, {1, 5}, {1, 4}, {1, 6}, {1, 3}} << 3 << 2 << 1.0;
}

void TestTeamBalancer::handChecked() {
    QFETCH(Items, items);
    QFETCH(int, teamCount);
    QFETCH(int, teamSize);
    QFETCH(double, gap);
    TeamBalancer balancer;
    std::vector<int> teamOf;
    QVERIFY(balancer.balance(items, teamCount, teamSize, teamOf));
    QCOMPARE(teamPlayers(items, teamOf, teamCount),
             std::vector<int>(std::size_t(teamCount), teamSize));
    QCOMPARE(TeamBalancer::gap(items, teamOf, teamCount), gap);
    QCOMPARE(bruteForceGap(items, teamCount, teamSize), gap);
}

void TestTeamBalancer::exactMatchesBruteForce_data() {
    QTest::addColumn<int>("teamCount");
    QTest::addColumn<int>("maxTeamSize");
    QTest::addColumn<int>("maxParty");
    QTest::addRow("two teams, solos") << 2 << 6 << 1;
    QTest::addRow("two teams, parties") << 2 << 6 << 3;
    QTest::addRow("three teams, parties") << 3 << 3 << 2;
    QTest::addRow("four teams, solos") << 4 << 2 << 1;
}

void TestTeamBalancer::exactMatchesBruteForce() {
    QFETCH(int, teamCount);
    QFETCH(int, maxTeamSize);
    QFETCH(int, maxParty);
    TeamBalancer balancer;
    std::vector<int> teamOf;
    for (int seed = 0; seed < 300; ++seed) {
        std::mt19937_64 rng(seed);
        const int teamSize = std::uniform_int_distribution<int>(1, maxTeamSize)(rng);
        const Items items = randomParties(rng, teamCount, teamSize, maxParty);
        QVERIFY(items.size() <= std::size_t(TeamBalancer::kExactTickets));
        QVERIFY(balancer.balance(items, teamCount, teamSize, teamOf));
        QCOMPARE(teamPlayers(items, teamOf, teamCount),
                 std::vector<int>(std::size_t(teamCount), teamSize));
        const double best = bruteForceGap(items, teamCount, teamSize);
        QVERIFY2(std::abs(TeamBalancer::gap(items, teamOf, teamCount) - best) < 1e-9,
                 qPrintable(QStringLiteral("seed %1").arg(seed)));
    }
}

void TestTeamBalancer::largeGroupsAreExactSizedAndLocallyOptimal() {
    TeamBalancer balancer;
    std::vector<int> teamOf;
    int checked = 0;
    for (int seed = 0; seed < 200; ++seed) {
        std::mt19937_64 rng(seed);
        const int teamCount = 2 + seed % 3;
        const int teamSize = std::uniform_int_distribution<int>(8, 100 / teamCount)(rng);
        const Items items = randomParties(rng, teamCount, teamSize, 3);
        if (items.size() <= std::size_t(TeamBalancer::kExactTickets))
            continue;  // the exact search; covered above
        ++checked;
        QVERIFY(balancer.balance(items, teamCount, teamSize, teamOf));
        QCOMPARE(teamPlayers(items, teamOf, teamCount),
                 std::vector<int>(std::size_t(teamCount), teamSize));
        // No swap of two equal-sized parties across teams lowers the sum of
        // squared team strengths (what the improvement step guarantees).
        std::vector<double> sums(std::size_t(teamCount), 0.0);
        for (std::size_t i = 0; i < items.size(); ++i)
            sums[std::size_t(teamOf[i])] += items[i].strength;
        for (std::size_t a = 0; a < items.size(); ++a) {
            for (std::size_t b = a + 1; b < items.size(); ++b) {
                if (teamOf[a] == teamOf[b] || items[a].size != items[b].size)
                    continue;
                const double d = items[a].strength - items[b].strength;
                const double delta =
                    2 * d * (d - (sums[std::size_t(teamOf[a])] - sums[std::size_t(teamOf[b])]));
                QVERIFY2(delta >= -1e-6, qPrintable(QStringLiteral("seed %1").arg(seed)));
            }
        }
    }
    QVERIFY(checked > 150);
}

void TestTeamBalancer::greedyThatPaintsItselfIntoACornerRepacks() {
    // 13 parties for two teams of 16, found by search: placing them largest
    // first on the lighter team leaves a duo with no team of two free seats.
    // The balancer must fall back to an exact packing and still fill both.
    const Items items{{2, 48}, {3, 28}, {3, 24}, {2, 40}, {3, 31}, {3, 8}, {3, 35},
                      {2, 57}, {2, 3},  {3, 50}, {2, 13}, {2, 2},  {2, 20}};
    TeamBalancer balancer;
    std::vector<int> teamOf;
    QVERIFY(balancer.balance(items, 2, 16, teamOf));
    QCOMPARE(teamPlayers(items, teamOf, 2), std::vector<int>({16, 16}));
    QVERIFY(!balancer.balance(items, 2, 17, teamOf));  // 32 players cannot fill 34 seats
}

void TestTeamBalancer::impossibleSplitsAreRefused_data() {
    QTest::addColumn<Items>("items");
    QTest::addColumn<int>("teamCount");
    QTest::addColumn<int>("teamSize");
    QTest::addRow("three triples and a solo, two teams")
        << Items{{3, 1}, {3, 2}, {3, 3}, {1, 4}} << 2 << 5;
    QTest::addRow("four triples, three teams of four")
        << Items{{3, 1}, {3, 2}, {3, 3}, {3, 4}} << 3 << 4;
    Items duos;
    for (int i = 0; i < 13; ++i)
        duos.push_back({2, double(i)});
    QTest::addRow("thirteen duos, two teams of 13 (greedy path)") << duos << 2 << 13;
}

void TestTeamBalancer::impossibleSplitsAreRefused() {
    QFETCH(Items, items);
    QFETCH(int, teamCount);
    QFETCH(int, teamSize);
    TeamBalancer balancer;
    std::vector<int> teamOf;
    QVERIFY(!balancer.balance(items, teamCount, teamSize, teamOf));
}

void TestTeamBalancer::equalPartiesInManyTeams() {
    // Identical parties: any split is perfect; the order among equals must
    // not matter and the result must be exact.
    const Items items{{2, 50}, {2, 50}, {1, 25}, {1, 25}, {2, 50},
                      {1, 25}, {1, 25}, {1, 25}, {1, 25}};
    TeamBalancer balancer;
    std::vector<int> teamOf;
    QVERIFY(balancer.balance(items, 3, 4, teamOf));
    QCOMPARE(teamPlayers(items, teamOf, 3), std::vector<int>({4, 4, 4}));
    QCOMPARE(TeamBalancer::gap(items, teamOf, 3), 0.0);
}

QTEST_APPLESS_MAIN(TestTeamBalancer)
#include "tst_teambalancer.moc"
