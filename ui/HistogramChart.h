// A distribution as bars (regrouped from the core histogram) with p50, p95
// and p99 markers and, when the figure has one, the rollout plan's bar.
#pragma once

#include "core/Histogram.h"
#include "ui/ChartView.h"
#include "ui/HistogramBins.h"

#include <QString>

#include <array>
#include <optional>

class QAreaSeries;
class QLineSeries;
class QValueAxis;

namespace pulsco {

struct HistogramChartSpec {
    QString title;                     // "API latency (last 60 s)"
    QString axisTitle;                 // "latency (ms)"
    QString valueTitle;                // "% of requests"
    QString unit;                      // "ms", "s" or "" (shown in marker names)
    double scale = 1;                  // histogram value x scale = axis value (e.g. s -> s)
    std::optional<double> bar;         // threshold on the axis scale
    QString barName;                   // "bar < 150 ms"
    std::optional<double> fixedUpper;  // e.g. 1 for match quality
    int binCount = 30;
    int decimals = 0;  // for marker values
};

class HistogramChart : public ChartView {
    Q_OBJECT
public:
    explicit HistogramChart(HistogramChartSpec spec, QWidget* parent = nullptr);

    // Once per frame: one replace() per series, axes only when they change.
    void setHistogram(const Histogram& histogram);
    // Moves the bar (a chart made without one gets none); the next
    // setHistogram() draws it.
    void setBar(double bar, const QString& name);
    std::optional<double> bar() const { return m_spec.bar; }

    const HistogramBins& bins() const { return m_bins; }
    // x of the p50/p95/p99 markers on the axis scale (nullopt when empty).
    std::optional<double> markerPosition(int index) const;
    QLineSeries* barSeries() const { return m_barLine; }
    QValueAxis* valueAxis() const { return m_y; }  // % of observations
    // The value axis' top for the tallest bar's share: room above it on a
    // round number, 5 % at least, 100 % at most.
    static double valueAxisTop(double peakPercent);
    QLineSeries* barsOutline() const { return m_upper; }

protected:
    void restyle() override;

private:
    QString markerName(int index, std::optional<double> value) const;

    HistogramChartSpec m_spec;
    HistogramBins m_bins;
    QLineSeries* m_upper = nullptr;
    QAreaSeries* m_area = nullptr;
    std::array<QLineSeries*, 3> m_markers{};
    std::array<std::optional<double>, 3> m_markerValues{};
    QLineSeries* m_barLine = nullptr;
    QValueAxis* m_x = nullptr;
    QValueAxis* m_y = nullptr;
};

}  // namespace pulsco
