#include "core/ReplayComparison.h"

#include "core/NumberText.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

namespace pulsco {

namespace {

enum Metric : std::size_t {
    WaitP50,
    WaitP95,
    ExpiryRate,
    RefusedRate,
    BusyRate,
    QualityP50,
    QualityP10,
    SpreadP50,
    SpreadP95,
    PingP50,
    PingP95,
    MetricCount
};

// One replay's figures over one set of arrivals.
struct Figures {
    std::array<double, MetricCount> value{};
    std::array<bool, MetricCount> has{};
    std::array<std::uint64_t, MetricCount> samples{};
};

// Sample quantile with linear interpolation between order statistics (R's
// type 7, numpy's default). Reorders `v`.
template <typename T>
double quantile(std::vector<T>& v, double p) {
    const double h = double(v.size() - 1) * p;
    const auto lo = std::size_t(std::floor(h));
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(lo), v.end());
    const double x = v[lo];
    if (lo + 1 >= v.size())
        return x;
    const double y = *std::min_element(v.begin() + std::ptrdiff_t(lo) + 1, v.end());
    return x + (h - double(lo)) * (y - x);
}

struct Scratch {
    std::vector<float> wait, quality, spread, ping;
};

void figuresOf(const std::vector<ArrivalOutcome>& all, const std::uint32_t* index, std::size_t n,
               Scratch& s, Figures& f) {
    s.wait.clear();
    s.quality.clear();
    s.spread.clear();
    s.ping.clear();
    std::uint64_t refused = 0, busy = 0, expired = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const ArrivalOutcome& o = all[index[i]];
        switch (o.fate) {
        case ArrivalFate::Refused:
            ++refused;
            break;
        case ArrivalFate::Busy:
            ++busy;
            break;
        case ArrivalFate::Expired:
            ++expired;
            break;
        case ArrivalFate::Matched:
            s.wait.push_back(o.waitSeconds);
            s.quality.push_back(o.quality);
            s.spread.push_back(o.ratingSpread);
            s.ping.push_back(o.pingMs);
            break;
        case ArrivalFate::Cancelled:
        case ArrivalFate::Searching:
            break;
        }
    }
    f = Figures{};
    const auto set = [&f](Metric m, double v, std::uint64_t samples) {
        f.value[m] = v;
        f.has[m] = true;
        f.samples[m] = samples;
    };
    const std::uint64_t accepted = n - refused - busy;
    if (n > 0) {
        set(RefusedRate, double(refused) / double(n), n);
        set(BusyRate, double(busy) / double(n), n);
    }
    if (accepted > 0)
        set(ExpiryRate, double(expired) / double(accepted), accepted);
    if (!s.wait.empty()) {
        const std::uint64_t m = s.wait.size();
        set(WaitP50, quantile(s.wait, 0.50), m);
        set(WaitP95, quantile(s.wait, 0.95), m);
        set(QualityP50, quantile(s.quality, 0.50), m);
        set(QualityP10, quantile(s.quality, 0.10), m);
        set(SpreadP50, quantile(s.spread, 0.50), m);
        set(SpreadP95, quantile(s.spread, 0.95), m);
        set(PingP50, quantile(s.ping, 0.50), m);
        set(PingP95, quantile(s.ping, 0.95), m);
    }
}

// splitmix64: the resampling's own generator, so a comparison is
// reproducible from its seed alone.
struct Draw {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) {
        return std::size_t((static_cast<unsigned __int128>(next()) * n) >> 64);
    }
};

std::string number(double v) {
    const double a = std::fabs(v);
    // Whole numbers (a 95 % level, a ping in ms) print without decimals.
    const int digits = a == 0 || (a < 1e9 && v == std::floor(v)) ? 0
                       : a < 0.01                                ? 5
                       : a < 1                                   ? 3
                       : a < 100                                 ? 2
                                                                 : 1;
    return fixedText(v, digits);
}

std::string signedNumber(double v) {
    return withSign(v, number(v));
}

std::string changeText(const ComparisonBar* bar, double a, double b) {
    if (bar && bar->relative) {
        if (a == 0)
            return b == 0 ? "+0 %" : (b > a ? "+inf %" : "-inf %");
        return signedNumber((b - a) / std::fabs(a) * 100.0) + " %";
    }
    return signedNumber(b - a);
}

const std::vector<ComparisonMetricInfo> kMetrics = {
    {"wait_p50_s", "s", "median wait of matched tickets", true},
    {"wait_p95_s", "s", "95th percentile wait of matched tickets", true},
    {"expiry_rate", "share", "tickets that expired, of those the rules accepted", true},
    {"refused_rate", "share", "arrivals the rules refused (unknown queue, party size, region)",
     true},
    {"busy_rate", "share",
     "arrivals refused because the party's player was still searching in this replay", true},
    {"quality_p50", "0-1", "median quality of the match a ticket got", false},
    {"quality_p10", "0-1", "10th percentile (the low tail) of that quality", false},
    {"rating_spread_p50", "mu", "median of max mu - min mu within the ticket's match", true},
    {"rating_spread_p95", "mu", "95th percentile of that spread", true},
    {"ping_p50_ms", "ms", "median of the party's worst ping to the match's region", true},
    {"ping_p95_ms", "ms", "95th percentile of that ping", true},
};

}  // namespace

const std::vector<ComparisonMetricInfo>& comparisonMetrics() {
    return kMetrics;
}

bool ComparisonBar::holds(double a, double b) const {
    double change = b - a;
    if (relative) {
        if (a == 0)
            change = b == 0 ? 0.0
                            : (b > 0 ? std::numeric_limits<double>::infinity()
                                     : -std::numeric_limits<double>::infinity());
        else
            change = change / std::fabs(a) * 100.0;
    }
    switch (op) {
    case BarOp::Less:
        return change < bound;
    case BarOp::LessEqual:
        return change <= bound;
    case BarOp::Greater:
        return change > bound;
    case BarOp::GreaterEqual:
        return change >= bound;
    }
    return false;
}

std::optional<ComparisonBar> parseComparisonBar(const std::string& metric, const std::string& text,
                                                std::string* why) {
    const bool known = std::any_of(kMetrics.begin(), kMetrics.end(),
                                   [&](const ComparisonMetricInfo& m) { return metric == m.name; });
    if (!known) {
        std::string names;
        for (const ComparisonMetricInfo& m : kMetrics)
            names += (names.empty() ? "" : ", ") + std::string(m.name);
        *why = "unknown figure \"" + metric + "\" (known: " + names + ")";
        return std::nullopt;
    }
    ComparisonBar bar;
    bar.metric = metric;
    bar.text = text;
    std::string_view rest = text;
    const auto take = [&rest](std::string_view prefix) {
        if (rest.substr(0, prefix.size()) != prefix)
            return false;
        rest.remove_prefix(prefix.size());
        return true;
    };
    if (take("<="))
        bar.op = BarOp::LessEqual;
    else if (take(">="))
        bar.op = BarOp::GreaterEqual;
    else if (take("<"))
        bar.op = BarOp::Less;
    else if (take(">"))
        bar.op = BarOp::Greater;
    else {
        *why = "must start with <, <=, > or >= (e.g. \"<=+10%\": B at most 10 % above A)";
        return std::nullopt;
    }
    if (!rest.empty() && rest.back() == '%') {
        bar.relative = true;
        rest.remove_suffix(1);
    }
    const bool plus = !rest.empty() && rest.front() == '+';
    if (plus)
        rest.remove_prefix(1);
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), bar.bound);
    if (rest.empty() || ec != std::errc() || end != rest.data() + rest.size() ||
        !std::isfinite(bar.bound) || (plus && bar.bound < 0)) {
        *why = "must be an operator and a signed number, optionally with % (e.g. \"<=+10%\", "
               "\">=-0.02\")";
        return std::nullopt;
    }
    return bar;
}

std::vector<ComparisonBar> defaultComparisonBars() {
    std::vector<ComparisonBar> bars;
    const std::pair<const char*, const char*> defaults[] = {
        {"wait_p50_s", "<=+10%"},        {"wait_p95_s", "<=+10%"},   {"expiry_rate", "<=+0.005"},
        {"refused_rate", "<=+0.001"},    {"quality_p50", ">=-0.02"}, {"quality_p10", ">=-0.05"},
        {"rating_spread_p95", "<=+10%"}, {"ping_p95_ms", "<=+10%"},
    };
    for (const auto& [metric, text] : defaults) {
        std::string why;
        bars.push_back(*parseComparisonBar(metric, text, &why));
    }
    return bars;
}

std::optional<ReplayComparison> compareReplays(const ReplayOutcomes& a, const ReplayOutcomes& b,
                                               const ComparisonOptions& options,
                                               std::string* error) {
    if (a.arrivals.size() != b.arrivals.size()) {
        *error = "the two replays are not of the same arrivals (" +
                 std::to_string(a.arrivals.size()) + " and " + std::to_string(b.arrivals.size()) +
                 ")";
        return std::nullopt;
    }
    for (std::size_t i = 0; i < a.arrivals.size(); ++i) {
        const auto qa = a.arrivals[i].queue, qb = b.arrivals[i].queue;
        if (qa >= a.queues.size() || qb >= b.queues.size() || a.queues[qa] != b.queues[qb] ||
            a.arrivals[i].homeRegion >= a.regions.size()) {
            *error = "the two replays differ at arrival " + std::to_string(i + 1);
            return std::nullopt;
        }
    }

    // Groups keyed by A's queue and home region names: all traffic, each
    // queue, each queue and region.
    std::map<std::pair<std::string, std::string>, std::vector<std::uint32_t>> members;
    for (std::uint32_t i = 0; i < a.arrivals.size(); ++i) {
        const ArrivalOutcome& o = a.arrivals[i];
        const std::string& queue = a.queues[o.queue];
        const std::string region =
            a.regions[o.homeRegion].empty() ? "(none reachable)" : a.regions[o.homeRegion];
        members[{"", ""}].push_back(i);
        members[{queue, ""}].push_back(i);
        members[{queue, region}].push_back(i);
    }

    const double alpha = std::clamp(1.0 - options.confidence, 1e-6, 0.5);
    const int resamples = std::max(options.resamples, 1);
    ReplayComparison out;
    Scratch scratch;
    Draw draw{options.seed ^ 0xC0FFEE123456789ull};
    std::vector<std::uint32_t> sample;
    std::array<std::vector<double>, MetricCount> changes;
    const std::uint64_t work = 3 * std::uint64_t(a.arrivals.size());
    std::uint64_t done = 0;

    for (const auto& [key, index] : members) {
        GroupComparison group;
        group.queue = key.first;
        group.region = key.second;
        group.arrivals = index.size();
        Figures fa, fb;
        figuresOf(a.arrivals, index.data(), index.size(), scratch, fa);
        figuresOf(b.arrivals, index.data(), index.size(), scratch, fb);

        // Paired bootstrap: one draw of the group's arrivals for both.
        for (auto& c : changes)
            c.clear();
        sample.resize(index.size());
        for (int r = 0; r < resamples; ++r) {
            for (std::uint32_t& s : sample)
                s = index[draw.below(index.size())];
            Figures ra, rb;
            figuresOf(a.arrivals, sample.data(), sample.size(), scratch, ra);
            figuresOf(b.arrivals, sample.data(), sample.size(), scratch, rb);
            for (std::size_t m = 0; m < MetricCount; ++m)
                if (ra.has[m] && rb.has[m])
                    changes[m].push_back(rb.value[m] - ra.value[m]);
        }

        for (std::size_t m = 0; m < MetricCount; ++m) {
            MetricChange c;
            c.metric = kMetrics[m].name;
            if (fa.has[m])
                c.a = fa.value[m];
            if (fb.has[m])
                c.b = fb.value[m];
            c.samplesA = fa.samples[m];
            c.samplesB = fb.samples[m];
            const ComparisonBar* bar = nullptr;
            for (const ComparisonBar& candidate : options.bars)
                if (candidate.metric == c.metric)
                    bar = &candidate;
            c.bar = bar ? bar->text : "";
            if (c.a && c.b) {
                c.change = *c.b - *c.a;
                if (!changes[m].empty()) {
                    c.low = quantile(changes[m], alpha / 2);
                    c.high = quantile(changes[m], 1 - alpha / 2);
                }
            }
            const std::string interval = number(options.confidence * 100) + " % interval [" +
                                         signedNumber(c.low) + ", " + signedNumber(c.high) + "]";
            if (!bar) {
                c.verdict = "no bar: shown, not judged";
            } else if (group.arrivals < options.minArrivals) {
                c.verdict = "not judged: " + std::to_string(group.arrivals) +
                            " arrivals, fewer than " + std::to_string(options.minArrivals);
            } else if (!c.a || !c.b) {
                c.verdict = std::string("not judged: no data in ") + (!c.a && !c.b ? "A or B"
                                                                      : !c.a       ? "A"
                                                                                   : "B");
            } else {
                c.judged = true;
                const std::string change = changeText(bar, *c.a, *c.b);
                const bool breaks = !bar->holds(*c.a, *c.b);
                const bool real = c.low > 0 || c.high < 0;
                if (breaks && real) {
                    c.regressed = true;
                    c.verdict =
                        change + " breaks " + bar->text + "; the " + interval + " excludes 0";
                    out.regressions.push_back(
                        (group.queue.empty()
                             ? std::string("all traffic")
                             : group.queue + " / " +
                                   (group.region.empty() ? "all regions" : group.region)) +
                        ": " + c.metric + " " + change + " (A " + number(*c.a) + ", B " +
                        number(*c.b) + "), breaks " + bar->text);
                } else if (breaks) {
                    c.verdict = change + " breaks " + bar->text + ", but the " + interval +
                                " includes 0: not told apart from chance";
                } else {
                    c.verdict = change + " within " + bar->text;
                }
            }
            group.metrics.push_back(std::move(c));
        }
        out.groups.push_back(std::move(group));
        done += index.size();
        if (options.progress)
            options.progress(done, work);
    }
    return out;
}

}  // namespace pulsco
