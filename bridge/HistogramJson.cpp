#include "bridge/HistogramJson.h"

#include <QJsonArray>

#include <cfloat>
#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// Counts travel as JSON numbers (doubles, exact up to 2^53); the limit is
// kept to 12 digits so error messages print it in full.
constexpr qint64 kMaxExactInteger = 999999999999;
// Bucket indexes a finite double can produce, with a margin for fromRaw.
const qint64 kMinBucketIndex = Histogram::bucketIndex(Histogram::minTrackable()) - 1;
const qint64 kMaxBucketIndex = Histogram::bucketIndex(DBL_MAX) + 1;
constexpr qsizetype kMaxBuckets = 40000;

}  // namespace

void writeHistogram(JsonWriter& out, const Histogram& histogram) {
    const Histogram::Raw raw = histogram.raw();
    out.beginObject();
    out.field("count", raw.count);
    out.field("sum", raw.sum);
    out.field("min", raw.min);
    out.field("max", raw.max);
    out.field("p50", histogram.quantile(0.50));
    out.field("p95", histogram.quantile(0.95));
    out.field("p99", histogram.quantile(0.99));
    out.field("zero_count", raw.zeroCount);
    out.field("first_index", raw.firstIndex);
    out.key("counts");
    out.beginArray();
    for (const std::uint64_t c : raw.counts)
        out.value(c);
    out.endArray();
    out.endObject();
}

QJsonObject histogramToJsonObject(const Histogram& histogram) {
    const Histogram::Raw raw = histogram.raw();
    QJsonArray counts;
    for (const std::uint64_t c : raw.counts)
        counts.append(static_cast<qint64>(c));
    return QJsonObject{
        {u"count"_s, static_cast<qint64>(raw.count)},
        {u"sum"_s, raw.sum},
        {u"min"_s, raw.min},
        {u"max"_s, raw.max},
        {u"p50"_s, histogram.quantile(0.50)},
        {u"p95"_s, histogram.quantile(0.95)},
        {u"p99"_s, histogram.quantile(0.99)},
        {u"zero_count"_s, static_cast<qint64>(raw.zeroCount)},
        {u"first_index"_s, raw.firstIndex},
        {u"counts"_s, counts},
    };
}

Histogram readHistogram(JsonObjectReader object) {
    Histogram::Raw raw;
    raw.count = static_cast<std::uint64_t>(object.integer(u"count", 0, kMaxExactInteger));
    raw.sum = object.number(u"sum");
    raw.min = object.number(u"min");
    raw.max = object.number(u"max");
    // Derived from the buckets; accepted so a served snapshot reads back,
    // never trusted.
    object.optionalNumber(u"p50", 0);
    object.optionalNumber(u"p95", 0);
    object.optionalNumber(u"p99", 0);
    raw.zeroCount = static_cast<std::uint64_t>(object.integer(u"zero_count", 0, kMaxExactInteger));
    raw.firstIndex =
        static_cast<std::int32_t>(object.integer(u"first_index", kMinBucketIndex, kMaxBucketIndex));
    JsonArrayReader counts = object.array(u"counts", kMaxBuckets);
    object.finish();
    if (!object.ok())
        return {};

    if (raw.firstIndex + counts.size() - 1 > kMaxBucketIndex) {
        object.fail(u"counts",
                    u"reaches past the largest bucket index "_s + QString::number(kMaxBucketIndex));
        return {};
    }
    std::uint64_t total = raw.zeroCount;
    raw.counts.reserve(static_cast<std::size_t>(counts.size()));
    const QJsonArray& elements = counts.raw();
    for (qsizetype i = 0; i < elements.size(); ++i) {
        // Fast path for the thousands of valid buckets; the reader's own check
        // (which formats its message up front) only runs to report a bad one.
        const double c = elements.at(i).toDouble(-1);
        if (!(c >= 0 && c <= static_cast<double>(kMaxExactInteger) && c == std::floor(c))) {
            counts.integer(i, 0, kMaxExactInteger);
            break;
        }
        raw.counts.push_back(static_cast<std::uint64_t>(c));
        total += raw.counts.back();
    }
    if (!object.ok())
        return {};
    if (total != raw.count) {
        object.fail(u"count", u"must equal zero_count plus the sum of counts ("_s +
                                  QString::number(total) + u", got "_s +
                                  QString::number(raw.count) + u')');
        return {};
    }
    if (raw.min > raw.max) {
        object.fail(u"min", u"must not exceed max ("_s + QString::number(raw.max, 'g', 17) + u')');
        return {};
    }
    if (raw.count == 0 && (raw.sum != 0 || raw.min != 0 || raw.max != 0)) {
        object.fail(u"sum", u"sum, min and max must be 0 when count is 0"_s);
        return {};
    }
    return Histogram::fromRaw(raw);
}

}  // namespace pulsco
