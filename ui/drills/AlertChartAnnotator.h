// Alerts as annotations on a time chart: a vertical line where each alert
// fired (its severity's colour) and a dashed one where it cleared, drawn on
// any QChartView whose first horizontal axis is source time.
//   new AlertChartAnnotator(drills.alerts(), dashboard->queueChart(), 60, dashboard);
// (QueueDepthChart's x axis is in minutes, hence 60 seconds per unit.)
#pragma once

#include "drills/AlertEngine.h"

#include <QObject>
#include <QPointer>

class QChartView;
class QLineSeries;

namespace pulsco {

class AlertChartAnnotator : public QObject {
    Q_OBJECT
public:
    AlertChartAnnotator(AlertEngine* engine, QChartView* view, double secondsPerUnit,
                        QObject* parent = nullptr);

    // Redraws from the engine's markers (called on every marker change).
    void refresh();
    qsizetype firedLines() const;
    qsizetype clearedLines() const;

    static constexpr std::size_t kMaxMarkers = 50;  // the most recent ones

private:
    QPointer<AlertEngine> m_engine;
    QPointer<QChartView> m_view;
    double m_secondsPerUnit = 1;
    QLineSeries* m_critical = nullptr;
    QLineSeries* m_warning = nullptr;
    QLineSeries* m_cleared = nullptr;
};

}  // namespace pulsco
