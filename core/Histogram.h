// Log-bucketed histogram with bounded relative error, mergeable, used for every
// percentile the product shows (waits, latencies, match quality, tick time).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace pulsco {

// Bucket i covers (gamma^(i-1), gamma^i] with gamma = (1+a)/(1-a), a = 0.01, so
// any value reported for a bucket is within 1 % of every value inside it
// (the DDSketch construction). Values <= minTrackable() go to a zero bucket.
class Histogram {
public:
    static constexpr double kRelativeAccuracy = 0.01;

    void record(double value, std::uint64_t count = 1);
    void merge(const Histogram& other);
    void clear();

    std::uint64_t count() const { return m_count; }
    double sum() const { return m_sum; }
    double min() const;   // exact; 0 when empty
    double max() const;   // exact; 0 when empty
    double mean() const;  // exact; 0 when empty

    // q in [0, 1]; within 1 % relative error of the true quantile; 0 when empty.
    double quantile(double q) const;

    // Prometheus convention: for each upper bound (ascending; +inf allowed),
    // how many observations were <= that bound. The count for a bound is
    // exact up to the bucket that straddles it (<= 1 % of the bound).
    std::vector<std::uint64_t> cumulativeCounts(const std::vector<double>& upperBounds) const;

    // Raw representation (for JSON and for merging across processes).
    struct Raw {
        std::uint64_t zeroCount = 0;
        std::int32_t firstIndex = 0;        // index of counts[0]
        std::vector<std::uint64_t> counts;  // dense from firstIndex
        std::uint64_t count = 0;
        double sum = 0, min = 0, max = 0;
    };
    Raw raw() const;
    static Histogram fromRaw(const Raw& raw);  // caller validates raw first

    static double minTrackable() { return 1e-9; }
    static int bucketIndex(double value);
    static double bucketValue(int index);  // representative value of a bucket
    static double bucketUpperBound(int index);

    bool operator==(const Histogram& other) const;

private:
    std::uint64_t m_zeroCount = 0;
    std::int32_t m_firstIndex = 0;
    std::vector<std::uint64_t> m_counts;
    std::uint64_t m_count = 0;
    double m_sum = 0;
    double m_min = 0;
    double m_max = 0;
};

}  // namespace pulsco
