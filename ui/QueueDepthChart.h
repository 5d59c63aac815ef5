// Tickets searching per queue over the last N minutes of source time.
// Samples are kept per queue in a bounded window; render() pushes them to the
// series with one replace() each.
#pragma once

#include "core/MetricsSnapshot.h"
#include "ui/ChartView.h"

#include <QList>
#include <QPointF>
#include <QString>

#include <deque>
#include <vector>

class QLineSeries;
class QValueAxis;

namespace pulsco {

class QueueDepthChart : public ChartView {
    Q_OBJECT
public:
    static constexpr int kMaxPointsPerSeries = 600;

    explicit QueueDepthChart(QWidget* parent = nullptr);

    void addSample(const MetricsSnapshot& snapshot);
    void render();
    void clear();
    void setWindowMinutes(int minutes);
    int windowMinutes() const { return m_windowMinutes; }

    int seriesCount() const { return static_cast<int>(m_queues.size()); }
    qsizetype pointCount(int series) const;
    QString seriesName(int series) const;

protected:
    void restyle() override;

private:
    struct Queue {
        QString name;
        std::deque<QPointF> points;  // x in minutes of source time
        QLineSeries* series = nullptr;
    };
    Queue& queueNamed(const QString& name);
    void trim(Queue& queue);

    std::vector<Queue> m_queues;
    int m_windowMinutes = 10;
    double m_nowMinutes = 0;
    QValueAxis* m_x = nullptr;
    QValueAxis* m_y = nullptr;
};

}  // namespace pulsco
