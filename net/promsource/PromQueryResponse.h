// Reads the answers of Prometheus' HTTP query API (GET /api/v1/query and
// /api/v1/query_range): {"status":"success","data":{"resultType":"vector",
// "result":[{"metric":{...},"value":[<unix s>,"<number>"]}]}} and its
// "matrix" form with "values". An error answer ("status":"error") becomes
// Prometheus' own errorType and error, e.g. "bad_data: 1:8: parse error:
// unexpected ...", so the operator sees what Prometheus said. Anything else
// (not JSON, a field missing or of the wrong type, a value that is not a
// number) is refused whole, naming the query and the field.
//
// Copyright the Pulsco authors. SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>

#include <optional>
#include <vector>

namespace pulsco {

struct PromPoint {
    double atUnixSeconds = 0;
    double value = 0;  // NaN and ±Inf as Prometheus writes them ("NaN", "+Inf")
};

// One series of a result: its labels (the metric name, when kept, under
// "__name__") and its points (one for an instant vector, many for a matrix).
struct PromSeries {
    QMap<QString, QString> labels;
    std::vector<PromPoint> points;
};

struct PromQueryResult {
    QString resultType;  // "vector", "matrix", "scalar" (one unlabelled series)
    std::vector<PromSeries> series;
    QStringList warnings;  // Prometheus' "warnings", shown but not fatal
};

struct PromQueryError {
    QString errorType;  // Prometheus' errorType ("bad_data", "timeout", ...), or
                        // "http" / "response" when Prometheus did not say
    QString message;    // "<what>: <errorType>: <error>", naming the query
};

// `what` names the request in messages, e.g. "Prometheus http://h:9090
// query `up{job="pulsco"}`". `httpStatus` is the answer's status (0 if none);
// Prometheus answers errors with 400/422/503 and a JSON body, which wins.
std::optional<PromQueryResult> parsePromQueryResponse(const QByteArray& body, int httpStatus,
                                                      const QString& what, PromQueryError* error);

}  // namespace pulsco
