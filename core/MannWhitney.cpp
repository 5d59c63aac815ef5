#include "core/MannWhitney.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <functional>

namespace pulsco {

namespace {

// Sorted by value, equal values merged, empty buckets dropped.
std::vector<WeightedValue> normalised(std::vector<WeightedValue> v, std::uint64_t* total) {
    std::erase_if(v, [](const WeightedValue& w) { return w.count == 0; });
    std::sort(v.begin(), v.end(),
              [](const WeightedValue& a, const WeightedValue& b) { return a.value < b.value; });
    std::vector<WeightedValue> out;
    *total = 0;
    for (const WeightedValue& w : v) {
        if (!out.empty() && out.back().value == w.value)
            out.back().count += w.count;
        else
            out.push_back(w);
        *total += w.count;
    }
    return out;
}

struct RankSum {
    double sumX = 0;  // ranks of x's observations, ties averaged
    double ties = 0;  // sum of t^3 - t over the tie groups
};

// Ranks of c(x - d, y) as R's rank() gives them: one merge of two sorted
// lists (x - d keeps x's order: subtraction is monotone), equal values one
// tie group whether they came from x, y or both.
RankSum rankSumAt(const std::vector<WeightedValue>& x, const std::vector<WeightedValue>& y,
                  double d) {
    RankSum r;
    std::size_t i = 0, j = 0;
    double start = 1;
    while (i < x.size() || j < y.size()) {
        const double vx = i < x.size() ? x[i].value - d : HUGE_VAL;
        const double vy = j < y.size() ? y[j].value : HUGE_VAL;
        const double v = std::min(vx, vy);
        double cx = 0, cy = 0;
        while (i < x.size() && x[i].value - d == v)
            cx += double(x[i++].count);
        while (j < y.size() && y[j].value == v)
            cy += double(y[j++].count);
        const double t = cx + cy;
        r.sumX += cx * (start + (t - 1) / 2);
        r.ties += t * t * t - t;
        start += t;
    }
    return r;
}

double sign(double v) {
    return v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0;
}

// R's zeroin2 (src/library/stats/src/zeroin.c, Brent's method as in
// netlib's zeroin), step for step, so a root of a step function lands where
// R's lands. Returns the abscissa; *ok false when it did not converge.
double zeroin(double ax, double bx, double fa, double fb, const std::function<double(double)>& f,
              double tol, int maxIterations, bool* ok) {
    double a = ax, b = bx;
    double c = a, fc = fa;
    *ok = true;
    if (fa == 0.0)
        return a;
    if (fb == 0.0)
        return b;
    int left = maxIterations + 1;
    while (left--) {
        const double prevStep = b - a;
        if (std::fabs(fc) < std::fabs(fb)) {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        const double tolAct = 2 * DBL_EPSILON * std::fabs(b) + tol / 2;
        double newStep = (c - b) / 2;
        if (std::fabs(newStep) <= tolAct || fb == 0.0)
            return b;
        if (std::fabs(prevStep) >= tolAct && std::fabs(fa) > std::fabs(fb)) {
            double p, q;
            const double cb = c - b;
            if (a == c) {
                const double t1 = fb / fa;
                p = cb * t1;
                q = 1.0 - t1;
            } else {
                q = fa / fc;
                const double t1 = fb / fc;
                const double t2 = fb / fa;
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0));
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0);
            }
            if (p > 0)
                q = -q;
            else
                p = -p;
            if (p < (0.75 * cb * q - std::fabs(tolAct * q) / 2) && p < std::fabs(prevStep * q / 2))
                newStep = p / q;
        }
        if (std::fabs(newStep) < tolAct)
            newStep = newStep > 0 ? tolAct : -tolAct;
        a = b;
        fa = fb;
        b += newStep;
        fb = f(b);
        if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
            c = a;
            fc = fa;
        }
    }
    *ok = false;
    return b;
}

}  // namespace

MannWhitneyResult mannWhitney(std::vector<WeightedValue> xs, std::vector<WeightedValue> ys,
                              double confidence, double tolRoot) {
    MannWhitneyResult out;
    const std::vector<WeightedValue> x = normalised(std::move(xs), &out.nx);
    const std::vector<WeightedValue> y = normalised(std::move(ys), &out.ny);
    if (out.nx == 0 || out.ny == 0) {
        out.why = out.nx == 0 ? "no observations in x" : "no observations in y";
        return out;
    }
    const double nx = double(out.nx), ny = double(out.ny);
    const auto sigmaOf = [&](double ties) {
        return std::sqrt((nx * ny / 12) * ((nx + ny + 1) - ties / ((nx + ny) * (nx + ny - 1))));
    };

    // The statistic at a shift of 0.
    const RankSum at0 = rankSumAt(x, y, 0);
    out.w = at0.sumX - nx * (nx + 1) / 2;
    const double sigma = sigmaOf(at0.ties);
    if (!(sigma > 0)) {
        out.why = "every observation is tied: no ranks to compare";
        return out;
    }
    const double centred = out.w - nx * ny / 2;
    out.z = (centred - sign(centred) * 0.5) / sigma;
    out.pValue = 2 * std::min(normalCdf(out.z), normalCdf(-out.z));

    // The asymptotic interval: where the corrected statistic of x - d
    // crosses the normal quantiles, between the smallest and the largest
    // pairwise difference.
    const double mumin = x.front().value - y.back().value;
    const double mumax = x.back().value - y.front().value;
    bool correct = true;
    const auto W = [&](double d) {
        const RankSum r = rankSumAt(x, y, d);
        const double dz = r.sumX - nx * (nx + 1) / 2 - nx * ny / 2;
        const double correction = correct ? sign(dz) * 0.5 : 0.0;
        return (dz - correction) / sigmaOf(r.ties);
    };
    const double wMin = W(mumin), wMax = W(mumax);
    bool converged = true;
    const auto root = [&](double zq) {
        const double fLower = wMin - zq;
        if (fLower <= 0)
            return mumin;
        const double fUpper = wMax - zq;
        if (fUpper >= 0)
            return mumax;
        bool ok = true;
        const double r = zeroin(
            mumin, mumax, fLower, fUpper, [&](double d) { return W(d) - zq; }, tolRoot, 1000, &ok);
        converged = converged && ok;
        return r;
    };
    const double alpha = 1 - confidence;
    out.low = root(-normalQuantile(alpha / 2));
    out.high = root(normalQuantile(alpha / 2));
    // R estimates the shift without the continuity correction.
    correct = false;
    const double fLower = W(mumin), fUpper = W(mumax);
    if (!(mumin < mumax) || sign(fLower) * sign(fUpper) > 0) {
        out.why = "the shift cannot be estimated: the rank statistic does not change sign";
        return out;
    }
    bool ok = true;
    out.estimate = zeroin(mumin, mumax, fLower, fUpper, W, tolRoot, 1000, &ok);
    if (!ok || !converged) {
        out.why = "the root finder did not converge";
        return out;
    }
    out.ok = true;
    return out;
}

}  // namespace pulsco
