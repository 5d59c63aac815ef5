// DDSketch-style log histogram: see Histogram.h for the bucket layout.
//
// Invariant kept by every mutator: m_counts is either empty (and
// m_firstIndex == 0) or starts and ends with a non-zero count. That makes the
// raw form canonical, so operator== and JSON round trips compare structure.
#include "core/Histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pulsco {

namespace {

constexpr double kGamma =
    (1.0 + Histogram::kRelativeAccuracy) / (1.0 - Histogram::kRelativeAccuracy);
// ln(kGamma), written out so no static initialisation order is involved.
constexpr double kLogGamma = 0.020000666706669524031764215102808;
constexpr double kInverseLogGamma = 1.0 / kLogGamma;

}  // namespace

int Histogram::bucketIndex(double value) {
    // Values are > minTrackable() here; ceil puts gamma^i itself in bucket i.
    return static_cast<int>(std::ceil(std::log(value) * kInverseLogGamma));
}

double Histogram::bucketUpperBound(int index) {
    return std::exp(index * kLogGamma);
}

double Histogram::bucketValue(int index) {
    // 2 gamma^i / (gamma + 1) is within kRelativeAccuracy of both bucket ends.
    return 2.0 * bucketUpperBound(index) / (kGamma + 1.0);
}

void Histogram::record(double value, std::uint64_t count) {
    // NaN and infinities carry no measurable size; dropping them keeps sum,
    // min and max meaningful.
    if (count == 0 || !std::isfinite(value))
        return;
    if (m_count == 0) {
        m_min = value;
        m_max = value;
    } else {
        m_min = std::min(m_min, value);
        m_max = std::max(m_max, value);
    }
    m_count += count;
    m_sum += value * static_cast<double>(count);

    if (value <= minTrackable()) {
        m_zeroCount += count;
        return;
    }
    const int index = bucketIndex(value);
    if (m_counts.empty()) {
        m_firstIndex = index;
        m_counts.assign(1, count);
        return;
    }
    const std::int64_t offset = static_cast<std::int64_t>(index) - m_firstIndex;
    if (offset >= 0 && offset < static_cast<std::int64_t>(m_counts.size())) {
        m_counts[static_cast<std::size_t>(offset)] += count;  // the common case
        return;
    }
    if (offset < 0) {
        m_counts.insert(m_counts.begin(), static_cast<std::size_t>(-offset), 0);
        m_firstIndex = index;
        m_counts.front() = count;
    } else {
        m_counts.resize(static_cast<std::size_t>(offset) + 1, 0);
        m_counts.back() = count;
    }
}

void Histogram::merge(const Histogram& other) {
    if (other.m_count == 0)
        return;
    if (m_count == 0) {
        *this = other;
        return;
    }
    m_min = std::min(m_min, other.m_min);
    m_max = std::max(m_max, other.m_max);
    m_count += other.m_count;
    m_sum += other.m_sum;
    m_zeroCount += other.m_zeroCount;
    if (other.m_counts.empty())
        return;
    if (m_counts.empty()) {
        m_firstIndex = other.m_firstIndex;
        m_counts = other.m_counts;
        return;
    }
    const std::int32_t first = std::min(m_firstIndex, other.m_firstIndex);
    const std::int64_t end = std::max(static_cast<std::int64_t>(m_firstIndex) +
                                          static_cast<std::int64_t>(m_counts.size()),
                                      static_cast<std::int64_t>(other.m_firstIndex) +
                                          static_cast<std::int64_t>(other.m_counts.size()));
    if (first < m_firstIndex)
        m_counts.insert(m_counts.begin(), static_cast<std::size_t>(m_firstIndex - first), 0);
    m_firstIndex = first;
    m_counts.resize(static_cast<std::size_t>(end - first), 0);
    const std::size_t shift = static_cast<std::size_t>(other.m_firstIndex - first);
    for (std::size_t i = 0; i < other.m_counts.size(); ++i)
        m_counts[shift + i] += other.m_counts[i];
}

void Histogram::clear() {
    *this = Histogram();
}

double Histogram::min() const {
    return m_count == 0 ? 0.0 : m_min;
}

double Histogram::max() const {
    return m_count == 0 ? 0.0 : m_max;
}

double Histogram::mean() const {
    return m_count == 0 ? 0.0 : m_sum / static_cast<double>(m_count);
}

double Histogram::quantile(double q) const {
    if (m_count == 0 || std::isnan(q))
        return 0.0;
    q = std::clamp(q, 0.0, 1.0);
    // The answer approximates the sorted sample at index floor(q (n - 1)).
    const double rank = q * static_cast<double>(m_count - 1);
    // The first and last samples are known exactly.
    if (rank < 1.0)
        return m_min;
    if (rank >= static_cast<double>(m_count - 1))
        return m_max;
    double estimate = m_max;
    std::uint64_t seen = m_zeroCount;
    if (static_cast<double>(seen) > rank) {
        estimate = 0.0;
    } else {
        for (std::size_t i = 0; i < m_counts.size(); ++i) {
            seen += m_counts[i];
            if (static_cast<double>(seen) > rank) {
                estimate = bucketValue(m_firstIndex + static_cast<int>(i));
                break;
            }
        }
    }
    // The exact extremes can only tighten the estimate.
    return std::clamp(estimate, m_min, m_max);
}

std::vector<std::uint64_t>
Histogram::cumulativeCounts(const std::vector<double>& upperBounds) const {
    std::vector<std::uint64_t> result;
    result.reserve(upperBounds.size());
    for (const double bound : upperBounds) {
        if (m_count == 0 || std::isnan(bound) || bound < m_min) {
            result.push_back(0);
            continue;
        }
        if (bound >= m_max) {
            result.push_back(m_count);  // exact, including +inf
            continue;
        }
        // A bucket counts as "<= bound" when its representative value does,
        // so a misplaced observation is within 1 % of the bound.
        std::uint64_t atMost = bound >= 0.0 ? m_zeroCount : 0;
        for (std::size_t i = 0; i < m_counts.size(); ++i) {
            if (bucketValue(m_firstIndex + static_cast<int>(i)) > bound)
                break;
            atMost += m_counts[i];
        }
        result.push_back(atMost);
    }
    return result;
}

Histogram::Raw Histogram::raw() const {
    Raw out;
    out.zeroCount = m_zeroCount;
    out.firstIndex = m_firstIndex;
    out.counts = m_counts;
    out.count = m_count;
    out.sum = m_sum;
    out.min = min();
    out.max = max();
    return out;
}

Histogram Histogram::fromRaw(const Raw& raw) {
    Histogram h;
    h.m_zeroCount = raw.zeroCount;
    h.m_count = raw.count;
    h.m_sum = raw.sum;
    h.m_min = raw.count == 0 ? 0.0 : raw.min;
    h.m_max = raw.count == 0 ? 0.0 : raw.max;
    // Trim zero runs at both ends so the canonical form holds.
    auto first =
        std::find_if(raw.counts.begin(), raw.counts.end(), [](std::uint64_t c) { return c != 0; });
    auto last = std::find_if(raw.counts.rbegin(), raw.counts.rend(),
                             [](std::uint64_t c) { return c != 0; });
    if (first != raw.counts.end()) {
        h.m_firstIndex = raw.firstIndex + static_cast<std::int32_t>(first - raw.counts.begin());
        h.m_counts.assign(first, last.base());
    }
    return h;
}

bool Histogram::operator==(const Histogram& other) const {
    return m_zeroCount == other.m_zeroCount && m_firstIndex == other.m_firstIndex &&
           m_counts == other.m_counts && m_count == other.m_count && m_sum == other.m_sum &&
           min() == other.min() && max() == other.max();
}

}  // namespace pulsco
