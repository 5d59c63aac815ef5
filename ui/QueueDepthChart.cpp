#include "ui/QueueDepthChart.h"

#include "ui/Theme.h"

#include <QLegend>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>

namespace pulsco {

using namespace Qt::StringLiterals;

QueueDepthChart::QueueDepthChart(QWidget* parent)
    : ChartView(new QChart, parent) {
    QChart* c = chart();
    c->setTitle(tr("Queue depth"));
    m_x = new QValueAxis(c);
    m_x->setTitleText(tr("source time (min)"));
    m_x->setLabelFormat(u"%g"_s);
    m_x->setTickType(QValueAxis::TicksDynamic);
    m_x->setTickAnchor(0);
    m_x->setTickInterval(2);
    m_x->setRange(0, m_windowMinutes);
    m_y = new QValueAxis(c);
    m_y->setTitleText(tr("tickets searching"));
    m_y->setLabelFormat(u"%g"_s);
    m_y->setTickType(QValueAxis::TicksDynamic);
    m_y->setTickAnchor(0);
    m_y->setTickInterval(2);
    m_y->setRange(0, 10);
    c->addAxis(m_x, Qt::AlignBottom);
    c->addAxis(m_y, Qt::AlignLeft);
    for (QAbstractAxis* axis : c->axes())
        styleAxis(axis);
}

QueueDepthChart::Queue& QueueDepthChart::queueNamed(const QString& name) {
    for (Queue& queue : m_queues) {
        if (queue.name == name)
            return queue;
    }
    Queue queue;
    queue.name = name;
    queue.series = new QLineSeries(chart());
    queue.series->setName(name);
    queue.series->setUseOpenGL(openGLAllowed());
    chart()->addSeries(queue.series);
    queue.series->attachAxis(m_x);
    queue.series->attachAxis(m_y);
    m_queues.push_back(std::move(queue));
    restyle();
    return m_queues.back();
}

void QueueDepthChart::addSample(const MetricsSnapshot& snapshot) {
    const double minutes = snapshot.timeSeconds / 60.0;
    if (minutes < m_nowMinutes)
        clear();  // a new run started: its clock begins again
    m_nowMinutes = minutes;
    // Bounded points: a sample closer than window / max points to the
    // previous one replaces it, so the newest value is always shown.
    const double minSpacing = m_windowMinutes / static_cast<double>(kMaxPointsPerSeries);
    for (const QueueSnapshot& q : snapshot.total.queues) {
        Queue& queue = queueNamed(QString::fromStdString(q.name));
        const QPointF point(minutes, static_cast<double>(q.depth));
        if (queue.points.size() >= 2 &&
            minutes - queue.points[queue.points.size() - 2].x() < minSpacing) {
            queue.points.back() = point;
        } else {
            queue.points.push_back(point);
        }
        trim(queue);
    }
}

void QueueDepthChart::trim(Queue& queue) {
    const double start = m_nowMinutes - m_windowMinutes;
    while (queue.points.size() > 1 && queue.points[1].x() <= start)
        queue.points.pop_front();
    while (queue.points.size() > static_cast<std::size_t>(kMaxPointsPerSeries))
        queue.points.pop_front();
}

void QueueDepthChart::render() {
    double peak = 0;
    for (Queue& queue : m_queues) {
        QList<QPointF> points(queue.points.begin(), queue.points.end());
        for (const QPointF& p : points)
            peak = std::max(peak, p.y());
        queue.series->replace(points);
    }
    const double start = std::max(0.0, m_nowMinutes - m_windowMinutes);
    setAxisRangeIfChanged(m_x, start, start + m_windowMinutes);
    const double top = niceCeil(std::max(peak * 1.15, 5.0));
    setAxisRangeIfChanged(m_y, 0, top);
    // Whole tickets: never a tick interval below one.
    const double yTick = std::max(1.0, niceTickInterval(top, 4));
    if (m_y->tickInterval() != yTick)
        m_y->setTickInterval(yTick);
}

void QueueDepthChart::clear() {
    for (Queue& queue : m_queues) {
        queue.points.clear();
        queue.series->clear();
    }
    m_nowMinutes = 0;
}

void QueueDepthChart::setWindowMinutes(int minutes) {
    m_windowMinutes = std::max(1, minutes);
    m_x->setTickInterval(niceTickInterval(m_windowMinutes, 5));
    for (Queue& queue : m_queues)
        trim(queue);
    render();
}

qsizetype QueueDepthChart::pointCount(int series) const {
    return m_queues.at(static_cast<std::size_t>(series)).series->count();
}

QString QueueDepthChart::seriesName(int series) const {
    return m_queues.at(static_cast<std::size_t>(series)).name;
}

void QueueDepthChart::restyle() {
    const QPalette pal = palette();
    int index = 0;
    for (Queue& queue : m_queues)
        queue.series->setPen(QPen(seriesColor(index++, pal), 2));
}

}  // namespace pulsco
