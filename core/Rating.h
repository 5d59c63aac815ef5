// Bayesian team skill rating: the Weng–Lin (2011) model as used by OpenSkill.
#pragma once

#include <vector>

namespace pulsco {

// A player's skill belief: mean and uncertainty on the OpenSkill scale.
struct Rating {
    double mu = 25.0;
    double sigma = 25.0 / 3.0;

    // The conservative figure shown to people: mu - 3 sigma.
    double display() const { return mu - 3.0 * sigma; }
    bool operator==(const Rating&) const = default;
};

struct RatingModelParams {
    double mu = 25.0;
    double sigma = 25.0 / 3.0;
    double beta = 25.0 / 6.0;  // performance variance per player
    double kappa = 0.0001;     // floor for sigma shrinkage
    double tau = 0.0;          // dynamics added before each update (0 = none)
};

using Team = std::vector<Rating>;

// What a team's win probability depends on: summed mu, summed sigma^2 and
// head count (the matchmaker keeps these per ticket, not per player).
struct TeamSums {
    double mu = 0;
    double sigmaSquared = 0;
    int players = 0;
};

// Weng–Lin Plackett–Luce update (OpenSkill's default model).
class RatingModel {
public:
    explicit RatingModel(RatingModelParams params = {});

    const RatingModelParams& params() const { return m_params; }
    Rating initial() const { return {m_params.mu, m_params.sigma}; }

    // ranks[i] is team i's finishing place (0 = first); equal ranks are ties.
    // Returns the teams with updated ratings, same shape as the input.
    std::vector<Team> rate(const std::vector<Team>& teams, const std::vector<int>& ranks) const;

    // Probability that team a beats team b (normal approximation over the
    // summed team means and variances, with one beta^2 per player).
    double winProbability(const Team& a, const Team& b) const;
    // The same from the teams' sums.
    double winProbability(const TeamSums& a, const TeamSums& b) const;

private:
    RatingModelParams m_params;
};

}  // namespace pulsco
