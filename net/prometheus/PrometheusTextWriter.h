// Writes the Prometheus text exposition format 0.0.4 (what GET /metrics
// serves): # HELP and # TYPE once per family, escaped label values, and
// histograms as cumulative _bucket{le=...} series ending in +Inf, _sum, _count.
#pragma once

#include "core/Histogram.h"

#include <QByteArray>
#include <QList>
#include <QPair>

#include <vector>

namespace pulsco {

class PrometheusTextWriter {
public:
    using Labels = QList<QPair<QByteArray, QByteArray>>;

    static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

    // Starts a family: type is "counter", "gauge" or "histogram".
    void family(const QByteArray& name, const QByteArray& type, const QByteArray& help);
    void sample(const QByteArray& name, const Labels& labels, double value);
    // A family of one unlabelled series: family() then sample().
    void single(const QByteArray& name, const QByteArray& type, const QByteArray& help,
                double value);
    // A histogram family's series from a core Histogram. `scale` converts the
    // histogram's unit to the metric's (e.g. 0.001 for ms -> seconds);
    // `upperBounds` are in the metric's unit, ascending, without +Inf.
    void histogram(const QByteArray& name, const Labels& labels, const Histogram& histogram,
                   const std::vector<double>& upperBounds, double scale = 1.0);

    const QByteArray& text() const { return m_out; }
    QByteArray take() { return std::move(m_out); }

    static QByteArray formatValue(double value);
    static QByteArray escapeLabelValue(const QByteArray& value);
    static QByteArray escapeHelp(const QByteArray& help);

private:
    void writeSeries(const QByteArray& name, const Labels& labels, const QByteArray* extraName,
                     const QByteArray* extraValue, double value);
    QByteArray m_out;
};

}  // namespace pulsco
