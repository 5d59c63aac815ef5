// Weng & Lin (2011), "A Bayesian Approximation Method for Online Ranking",
// Algorithm 4 (Plackett–Luce), in the form OpenSkill implements it: team
// strength is the sum of its players' mu and variances, c is the shared
// normaliser, and each player takes a share of the team update in proportion
// to their own variance.
#include "core/Rating.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace pulsco {

namespace {

struct TeamSummary {
    double mu = 0;
    double sigmaSquared = 0;
};

double standardNormalCdf(double x) {
    return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

}  // namespace

RatingModel::RatingModel(RatingModelParams params)
    : m_params(params) {}

std::vector<Team> RatingModel::rate(const std::vector<Team>& teams,
                                    const std::vector<int>& ranks) const {
    const std::size_t n = teams.size();
    // A result needs at least two teams and a rank for each; anything else
    // carries no information, so ratings stay as they were.
    if (n < 2 || ranks.size() != n)
        return teams;

    std::vector<Team> result = teams;
    const double tauSquared = m_params.tau * m_params.tau;
    if (tauSquared > 0) {
        for (Team& team : result)
            for (Rating& player : team)
                player.sigma = std::sqrt(player.sigma * player.sigma + tauSquared);
    }

    std::vector<TeamSummary> summary(n);
    const double betaSquared = m_params.beta * m_params.beta;
    double cSquared = 0;
    for (std::size_t i = 0; i < n; ++i) {
        for (const Rating& player : result[i]) {
            summary[i].mu += player.mu;
            summary[i].sigmaSquared += player.sigma * player.sigma;
        }
        cSquared += summary[i].sigmaSquared + betaSquared;
    }
    const double c = std::sqrt(cSquared);

    // sumQ[q]: sum of exp(mu_i / c) over teams placed at or below team q;
    // tiedWith[q]: how many teams share q's rank (A_q in the paper).
    std::vector<double> strength(n);
    for (std::size_t i = 0; i < n; ++i)
        strength[i] = std::exp(summary[i].mu / c);
    std::vector<double> sumQ(n, 0.0);
    std::vector<int> tiedWith(n, 0);
    for (std::size_t q = 0; q < n; ++q) {
        for (std::size_t i = 0; i < n; ++i) {
            if (ranks[i] >= ranks[q])
                sumQ[q] += strength[i];
            if (ranks[i] == ranks[q])
                ++tiedWith[q];
        }
    }

    for (std::size_t i = 0; i < n; ++i) {
        if (summary[i].sigmaSquared <= 0)
            continue;  // an empty team has nobody to update
        double omega = 0;
        double delta = 0;
        for (std::size_t q = 0; q < n; ++q) {
            if (ranks[q] > ranks[i])
                continue;
            const double p = strength[i] / sumQ[q];
            delta += p * (1.0 - p) / tiedWith[q];
            omega += (q == i ? 1.0 - p : -p) / tiedWith[q];
        }
        omega *= summary[i].sigmaSquared / c;
        delta *= summary[i].sigmaSquared / cSquared;
        // OpenSkill's default gamma damps the variance update of small teams.
        delta *= std::sqrt(summary[i].sigmaSquared) / c;

        for (Rating& player : result[i]) {
            const double share = player.sigma * player.sigma / summary[i].sigmaSquared;
            player.mu += share * omega;
            player.sigma *= std::sqrt(std::max(1.0 - share * delta, m_params.kappa));
        }
    }
    return result;
}

double RatingModel::winProbability(const Team& a, const Team& b) const {
    TeamSums sa{0, 0, int(a.size())};
    TeamSums sb{0, 0, int(b.size())};
    for (const Rating& player : a) {
        sa.mu += player.mu;
        sa.sigmaSquared += player.sigma * player.sigma;
    }
    for (const Rating& player : b) {
        sb.mu += player.mu;
        sb.sigmaSquared += player.sigma * player.sigma;
    }
    return winProbability(sa, sb);
}

double RatingModel::winProbability(const TeamSums& a, const TeamSums& b) const {
    const double players = static_cast<double>(a.players + b.players);
    const double spread =
        std::sqrt(players * m_params.beta * m_params.beta + a.sigmaSquared + b.sigmaSquared);
    if (!(spread > 0))
        return a.mu == b.mu ? 0.5 : (a.mu > b.mu ? 1.0 : 0.0);
    return standardNormalCdf((a.mu - b.mu) / spread);
}

}  // namespace pulsco
