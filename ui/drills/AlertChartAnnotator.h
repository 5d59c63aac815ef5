// Alerts as annotations on a time chart: a vertical line where each alert
// fired (its severity's colour) and a dashed one where it cleared, drawn on
// any QChartView whose first horizontal axis is source time. A rule that
// fires again soon after clearing (within its keep_firing_for hold, or
// within one axis unit, where two lines could not be told apart) is one span:
// one fired line, one cleared line, however often it flapped.
//   new AlertChartAnnotator(drills.alerts(), dashboard->queueChart(), 60, dashboard);
// (QueueDepthChart's x axis is in minutes, hence 60 seconds per unit.)
#pragma once

#include "drills/AlertEngine.h"

#include <QObject>
#include <QPointer>

#include <limits>
#include <vector>

class QChartView;
class QLineSeries;

namespace pulsco {

class AlertChartAnnotator : public QObject {
    Q_OBJECT
public:
    AlertChartAnnotator(AlertEngine* engine, QChartView* view, double secondsPerUnit,
                        QObject* parent = nullptr);

    // One rule's firing on the chart, flaps merged.
    struct Span {
        QString rule;
        AlertSeverity severity = AlertSeverity::Warning;
        double firedAt = 0;                                           // seconds
        double clearedAt = std::numeric_limits<double>::quiet_NaN();  // NaN while firing
        int firings = 1;  // occurrences merged into this span
    };
    // The engine's markers with each rule's flaps merged, oldest first.
    static std::vector<Span> mergedSpans(const AlertEngine& engine, double minGapSeconds);

    // Redraws from the engine's markers (called on every marker change).
    void refresh();
    const std::vector<Span>& spans() const { return m_spans; }
    qsizetype firedLines() const;
    qsizetype clearedLines() const;

    static constexpr std::size_t kMaxMarkers = 50;  // the most recent spans

private:
    QPointer<AlertEngine> m_engine;
    QPointer<QChartView> m_view;
    double m_secondsPerUnit = 1;
    QLineSeries* m_critical = nullptr;
    QLineSeries* m_warning = nullptr;
    QLineSeries* m_cleared = nullptr;
    std::vector<Span> m_spans;
};

}  // namespace pulsco
