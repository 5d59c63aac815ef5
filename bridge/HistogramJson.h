// JSON form of core Histogram: its raw buckets, so histograms from different
// processes merge exactly. Derived p50/p95/p99 are written for scripts.
#pragma once

#include "bridge/JsonReader.h"
#include "bridge/JsonWriter.h"
#include "core/Histogram.h"

#include <QJsonObject>

namespace pulsco {

void writeHistogram(JsonWriter& out, const Histogram& histogram);
QJsonObject histogramToJsonObject(const Histogram& histogram);

// Reads and checks a histogram object (counts add up, min <= max, buckets in
// range); on error records it in the reader and returns an empty histogram.
Histogram readHistogram(JsonObjectReader object);

}  // namespace pulsco
