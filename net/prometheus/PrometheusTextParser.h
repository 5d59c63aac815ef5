// A strict parser of the Prometheus text exposition format 0.0.4. The tests
// read GET /metrics back with it and the console reuses it for live servers.
// Errors name the line: "line 12: histogram pulsco_x: bucket counts must not
// decrease". Nothing half-parsed is returned.
#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>

#include <optional>
#include <vector>

namespace pulsco {

struct PrometheusSample {
    QByteArray name;                      // full series name, e.g. "x_bucket"
    QMap<QByteArray, QByteArray> labels;  // unescaped values
    double value = 0;
    std::optional<qint64> timestampMs;
    int line = 0;
};

struct PrometheusFamily {
    QByteArray name;
    QByteArray type = "untyped";  // counter | gauge | histogram | summary | untyped
    QByteArray help;
    std::vector<PrometheusSample> samples;
};

struct PrometheusExposition {
    std::vector<PrometheusFamily> families;  // in order of appearance

    const PrometheusFamily* family(const QByteArray& name) const;
    // The value of the series with exactly these labels, if present.
    std::optional<double> value(const QByteArray& seriesName,
                                const QMap<QByteArray, QByteArray>& labels = {}) const;
};

class PrometheusTextParser {
public:
    // `source` prefixes errors, e.g. "GET http://127.0.0.1:8080/metrics".
    static std::optional<PrometheusExposition> parse(const QByteArray& text, const QString& source,
                                                     QString* error);
};

}  // namespace pulsco
