// The Weng–Lin Plackett–Luce model against OpenSkill's published values,
// plus the properties any sane rating update must have.
//
// Published values, all with OpenSkill's defaults (mu 25, sigma 25/3,
// beta 25/6, kappa 0.0001, gamma = sqrt(team sigma^2) / c, no tau):
//  - openskill.py README (github.com/vivekjoshy/openskill.py, README.md,
//    "Usage": a1,a2 beat b1,b2), also on pypi.org/project/openskill/3.3.0/.
//  - openskill.js tests (github.com/philihp/openskill.js):
//    src/models/__tests__/plackett-luce.test.js (2p..5p FFA, uneven teams)
//    src/__tests__/rate.test.js ("allows ties", "fixes orders of ties",
//    "four-way-tie with newbies", "accepts a rate ordering")
//    src/__tests__/predict-win.test.ts ("after three pickup games",
//    "predicts a 2p doubles", which sums one beta^2 per player).
#include "core/Rating.h"

#include <QTest>

#include <cmath>
#include <random>
#include <vector>

using pulsco::Rating;
using pulsco::RatingModel;
using pulsco::RatingModelParams;
using pulsco::Team;
using pulsco::TeamSums;

using Teams = std::vector<Team>;
using Ranks = std::vector<int>;
Q_DECLARE_METATYPE(Teams)
Q_DECLARE_METATYPE(Ranks)

namespace {

// The published figures have ~16 significant digits; allow for round-off.
constexpr double kPublishedTolerance = 1e-9;

const Rating kNewbie{25.0, 25.0 / 3.0};

Teams randomTwoTeams(std::mt19937_64& rng) {
    std::uniform_int_distribution<int> size(1, 5);
    std::uniform_real_distribution<double> mu(0.0, 50.0);
    std::uniform_real_distribution<double> sigma(0.5, 9.0);
    Teams teams(2);
    for (Team& team : teams) {
        const int n = size(rng);
        for (int i = 0; i < n; ++i)
            team.push_back({mu(rng), sigma(rng)});
    }
    return teams;
}

}  // namespace

class TestRating : public QObject {
    Q_OBJECT

private slots:
    void publishedValues_data();
    void publishedValues();
    void publishedWinProbability();
    void defaults();
    void winnerRisesLoserFallsSigmaShrinks();
    void orderOfTeamsDoesNotMatter();
    void tieOfEqualTeamsKeepsMu();
    void tauInflatesSigmaFirst();
    void degenerateInputKeepsRatings();
    void winProbabilityEqualTeamsIsHalf();
    void winProbabilityIsComplementaryAndMonotone();
};

void TestRating::publishedValues_data() {
    QTest::addColumn<Teams>("teams");
    QTest::addColumn<Ranks>("ranks");
    QTest::addColumn<Teams>("expected");

    const Team solo{kNewbie};
    QTest::addRow("openskill.py README: 2v2")
        << Teams{{kNewbie, {32.444, 5.123}}, {{43.381, 2.421}, {25.188, 6.211}}} << Ranks{0, 1}
        << Teams{{{28.669648436582808, 8.071520788025197}, {33.83086971107981, 5.062772998705765}},
                 {{43.071274808241974, 2.4166900452721256},
                  {23.149503312339064, 6.1378606973362135}}};
    QTest::addRow("openskill.js: 2p FFA") << Teams{solo, solo} << Ranks{0, 1}
                                          << Teams{{{27.63523138347365, 8.065506316323548}},
                                                   {{22.36476861652635, 8.065506316323548}}};
    QTest::addRow("openskill.js: 3p FFA") << Teams{solo, solo, solo} << Ranks{0, 1, 2}
                                          << Teams{{{27.868876552746237, 8.204837030780652}},
                                                   {{25.717219138186557, 8.057829747583874}},
                                                   {{21.413904309067206, 8.057829747583874}}};
    QTest::addRow("openskill.js: 5p FFA")
        << Teams{solo, solo, solo, solo, solo} << Ranks{0, 1, 2, 3, 4}
        << Teams{{{27.666666666666668, 8.290556877154474}},
                 {{26.833333333333332, 8.240145629781066}},
                 {{25.72222222222222, 8.179996679645559}},
                 {{24.055555555555557, 8.111796013701358}},
                 {{20.72222222222222, 8.111796013701358}}};
    QTest::addRow("openskill.js: 3 teams of 3, 1, 2")
        << Teams{{kNewbie, kNewbie, kNewbie}, solo, {kNewbie, kNewbie}} << Ranks{0, 1, 2}
        << Teams{{{25.939870821784513, 8.247641552260456},
                  {25.939870821784513, 8.247641552260456},
                  {25.939870821784513, 8.247641552260456}},
                 {{27.21366020491262, 8.274321317985242}},
                 {{21.84646897330287, 8.213058173195341}, {21.84646897330287, 8.213058173195341}}};
    QTest::addRow("openskill.js: misordered ranks")
        << Teams{solo, solo, solo, solo} << Ranks{2, 1, 4, 3}
        << Teams{{{26.552824984374855, 8.179213704945203}},
                 {{27.795084971874736, 8.263160757613477}},
                 {{20.96265504062538, 8.083731307186588}},
                 {{24.68943500312503, 8.083731307186588}}};
    const Rating w{15, 25.0 / 3.0}, x{20, 25.0 / 3.0}, y{25, 25.0 / 3.0}, z{30, 25.0 / 3.0};
    QTest::addRow("openskill.js: rate ordering") << Teams{{w}, {x}, {y}, {z}} << Ranks{1, 3, 4, 2}
                                                 << Teams{{{18.13094482387197, 8.283124738447958}},
                                                          {{20.40517319790051, 8.107463101775272}},
                                                          {{20.65608164139383, 8.082178279446465}},
                                                          {{30.80780033683369, 8.154697408620104}}};
    QTest::addRow("openskill.js: ties") << Teams{{{10, 8}}, {{5, 10}}, {{0, 12}}} << Ranks{1, 2, 2}
                                        << Teams{{{11.942833056030613, 7.926463661123746}},
                                                 {{2.938193791485662, 9.65347573412201}},
                                                 {{-1.4023734358082325, 11.323360667700934}}};
    QTest::addRow("openskill.js: fixes orders of ties")
        << Teams{{w}, {x}, {y}, {z}} << Ranks{2, 4, 2, 1}
        << Teams{{{15.340046366255285, 8.21273604193863}},
                 {{18.007807436399276, 8.188629384105589}},
                 {{24.25804790911316, 8.166514496319483}},
                 {{32.39409828823228, 8.247276990243211}}};
    QTest::addRow("openskill.js: four-way tie of newbies")
        << Teams{solo, solo, solo, solo} << Ranks{1, 1, 1, 1}
        << Teams{{{25, 8.263160757613477}},
                 {{25, 8.263160757613477}},
                 {{25, 8.263160757613477}},
                 {{25, 8.263160757613477}}};
}

void TestRating::publishedValues() {
    QFETCH(Teams, teams);
    QFETCH(Ranks, ranks);
    QFETCH(Teams, expected);
    const Teams rated = RatingModel().rate(teams, ranks);
    QCOMPARE(rated.size(), expected.size());
    for (std::size_t t = 0; t < rated.size(); ++t) {
        QCOMPARE(rated[t].size(), expected[t].size());
        for (std::size_t p = 0; p < rated[t].size(); ++p) {
            QVERIFY2(std::abs(rated[t][p].mu - expected[t][p].mu) < kPublishedTolerance,
                     qPrintable(QStringLiteral("team %1 player %2 mu %3 != %4")
                                    .arg(t)
                                    .arg(p)
                                    .arg(rated[t][p].mu, 0, 'g', 17)
                                    .arg(expected[t][p].mu, 0, 'g', 17)));
            QVERIFY2(std::abs(rated[t][p].sigma - expected[t][p].sigma) < kPublishedTolerance,
                     qPrintable(QStringLiteral("team %1 player %2 sigma %3 != %4")
                                    .arg(t)
                                    .arg(p)
                                    .arg(rated[t][p].sigma, 0, 'g', 17)
                                    .arg(expected[t][p].sigma, 0, 'g', 17)));
        }
    }
}

void TestRating::publishedWinProbability() {
    // openskill.js predict-win.test.ts, "after three pickup games".
    const Rating a{25.704020819730385, 7.893074938449104};
    const Rating b{24.94415013523696, 8.156810439252277};
    const Rating d{25.059411748211403, 8.155255551436932};
    const Rating e{21.598674363731682, 7.891245891696633};
    const RatingModel model;
    QVERIFY(std::abs(model.winProbability({a, b}, {d, e}) - 0.5873106768219909) < 1e-7);
    QVERIFY(std::abs(model.winProbability({d, e}, {a, b}) - 0.4126893231780091) < 1e-7);
    // The matchmaker's form, from the teams' sums, gives the same figure.
    const TeamSums ab{a.mu + b.mu, a.sigma * a.sigma + b.sigma * b.sigma, 2};
    const TeamSums de{d.mu + e.mu, d.sigma * d.sigma + e.sigma * e.sigma, 2};
    QVERIFY(std::abs(model.winProbability(ab, de) - 0.5873106768219909) < 1e-7);
    // No spread at all: a certain result, or a coin flip between equals.
    const RatingModel certain(RatingModelParams{25, 0, 0, 0, 0});
    QCOMPARE(certain.winProbability(TeamSums{30, 0, 1}, TeamSums{20, 0, 1}), 1.0);
    QCOMPARE(certain.winProbability(TeamSums{25, 0, 1}, TeamSums{25, 0, 1}), 0.5);
}

void TestRating::defaults() {
    const RatingModel model;
    QCOMPARE(model.initial(), kNewbie);
    QCOMPARE(model.params().beta, model.params().sigma / 2.0);
    QCOMPARE(model.params().kappa, 0.0001);
    QCOMPARE(kNewbie.display(), 0.0);
}

void TestRating::winnerRisesLoserFallsSigmaShrinks() {
    const RatingModel model;
    for (std::uint64_t seed = 1; seed <= 500; ++seed) {
        std::mt19937_64 rng(seed);
        const Teams teams = randomTwoTeams(rng);
        const Teams rated = model.rate(teams, {0, 1});
        for (std::size_t p = 0; p < teams[0].size(); ++p) {
            QVERIFY(rated[0][p].mu > teams[0][p].mu);
            QVERIFY(rated[0][p].sigma < teams[0][p].sigma);
            QVERIFY(rated[0][p].sigma > 0);
        }
        for (std::size_t p = 0; p < teams[1].size(); ++p) {
            QVERIFY(rated[1][p].mu < teams[1][p].mu);
            QVERIFY(rated[1][p].sigma < teams[1][p].sigma);
            QVERIFY(rated[1][p].sigma > 0);
        }
    }
}

void TestRating::orderOfTeamsDoesNotMatter() {
    const RatingModel model;
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
        std::mt19937_64 rng(seed);
        const Teams teams = randomTwoTeams(rng);
        const Teams forward = model.rate(teams, {0, 1});
        const Teams backward = model.rate({teams[1], teams[0]}, {1, 0});
        for (std::size_t t = 0; t < 2; ++t) {
            for (std::size_t p = 0; p < teams[t].size(); ++p) {
                QVERIFY(std::abs(forward[t][p].mu - backward[1 - t][p].mu) < 1e-12);
                QVERIFY(std::abs(forward[t][p].sigma - backward[1 - t][p].sigma) < 1e-12);
            }
        }
    }
}

void TestRating::tieOfEqualTeamsKeepsMu() {
    const RatingModel model;
    std::mt19937_64 rng(3);
    for (int round = 0; round < 100; ++round) {
        Teams teams = randomTwoTeams(rng);
        teams[1] = teams[0];
        const Teams rated = model.rate(teams, {0, 0});
        for (std::size_t t = 0; t < 2; ++t) {
            for (std::size_t p = 0; p < teams[t].size(); ++p) {
                QVERIFY(std::abs(rated[t][p].mu - teams[t][p].mu) < 1e-12);
                QVERIFY(rated[t][p].sigma < teams[t][p].sigma);
            }
        }
        // A tie between unequal teams moves the weaker one up.
        Teams uneven{{{20, 5}}, {{30, 5}}};
        const Teams tied = model.rate(uneven, {0, 0});
        QVERIFY(tied[0][0].mu > 20);
        QVERIFY(tied[1][0].mu < 30);
    }
}

void TestRating::tauInflatesSigmaFirst() {
    RatingModelParams params;
    params.tau = 25.0 / 300.0;
    const RatingModel withTau(params);
    const RatingModel plain;
    const double inflated = std::sqrt(kNewbie.sigma * kNewbie.sigma + params.tau * params.tau);
    const Rating wider{kNewbie.mu, inflated};
    const Teams a = withTau.rate({{kNewbie}, {kNewbie}}, {0, 1});
    const Teams b = plain.rate({{wider}, {wider}}, {0, 1});
    QVERIFY(std::abs(a[0][0].mu - b[0][0].mu) < 1e-12);
    QVERIFY(std::abs(a[1][0].sigma - b[1][0].sigma) < 1e-12);
}

void TestRating::degenerateInputKeepsRatings() {
    const RatingModel model;
    const Teams one{{kNewbie}};
    QCOMPARE(model.rate(one, {0}), one);
    const Teams two{{kNewbie}, {{30, 2}}};
    QCOMPARE(model.rate(two, {0}), two);  // a rank missing
    QCOMPARE(model.rate({}, {}), Teams{});

    // An empty team has nobody to update; the others still are.
    const Teams withEmpty = model.rate({{}, {kNewbie}}, {0, 1});
    QVERIFY(withEmpty[0].empty());
    QVERIFY(withEmpty[1][0].mu < kNewbie.mu);

    // With no uncertainty at all the prediction is certain (or a coin flip).
    RatingModelParams exact;
    exact.beta = 0;
    const RatingModel certain(exact);
    QCOMPARE(certain.winProbability({{30, 0}}, {{20, 0}}), 1.0);
    QCOMPARE(certain.winProbability({{20, 0}}, {{30, 0}}), 0.0);
    QCOMPARE(certain.winProbability({{25, 0}}, {{25, 0}}), 0.5);
}

void TestRating::winProbabilityEqualTeamsIsHalf() {
    const RatingModel model;
    std::mt19937_64 rng(11);
    for (int round = 0; round < 100; ++round) {
        const Teams teams = randomTwoTeams(rng);
        QCOMPARE(model.winProbability(teams[0], teams[0]), 0.5);
    }
    QCOMPARE(model.winProbability({kNewbie}, {kNewbie}), 0.5);
}

void TestRating::winProbabilityIsComplementaryAndMonotone() {
    const RatingModel model;
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
        std::mt19937_64 rng(seed);
        const Teams teams = randomTwoTeams(rng);
        const double p = model.winProbability(teams[0], teams[1]);
        QVERIFY(p >= 0.0 && p <= 1.0);
        QVERIFY(std::abs(p + model.winProbability(teams[1], teams[0]) - 1.0) < 1e-12);
        // A stronger player on team a can only help it.
        Team stronger = teams[0];
        stronger[0].mu += 3.0;
        QVERIFY(model.winProbability(stronger, teams[1]) > p || p > 1.0 - 1e-12);
        // More uncertainty pulls the prediction toward a coin flip.
        Team vaguer = teams[0];
        vaguer[0].sigma *= 2.0;
        const double q = model.winProbability(vaguer, teams[1]);
        QVERIFY(std::abs(q - 0.5) <= std::abs(p - 0.5) + 1e-15);
    }
}

QTEST_APPLESS_MAIN(TestRating)
#include "tst_rating.moc"
