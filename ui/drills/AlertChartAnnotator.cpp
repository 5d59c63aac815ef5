#include "ui/drills/AlertChartAnnotator.h"

#include <QChart>
#include <QChartView>
#include <QHash>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPen>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// Far outside any plotted range: the chart clips these, leaving only the
// vertical strokes at each marker's time.
constexpr double kFar = 1e7;

QLineSeries* addSeries(QChart* chart, const QString& name, const QColor& color,
                       Qt::PenStyle style) {
    auto* s = new QLineSeries(chart);
    s->setName(name);
    QPen pen(color);
    pen.setWidthF(1.5);
    pen.setStyle(style);
    s->setPen(pen);
    chart->addSeries(s);
    const QList<QAbstractAxis*> x = chart->axes(Qt::Horizontal);
    const QList<QAbstractAxis*> y = chart->axes(Qt::Vertical);
    if (!x.isEmpty())
        s->attachAxis(x.first());
    if (!y.isEmpty())
        s->attachAxis(y.first());
    for (QLegendMarker* m : chart->legend()->markers(s))
        m->setVisible(false);
    return s;
}

void appendLine(QList<QPointF>& points, double x) {
    points.append({x, -kFar});
    points.append({x, kFar});
    points.append({x, -kFar});
}

}  // namespace

AlertChartAnnotator::AlertChartAnnotator(AlertEngine* engine, QChartView* view,
                                         double secondsPerUnit, QObject* parent)
    : QObject(parent)
    , m_engine(engine)
    , m_view(view)
    , m_secondsPerUnit(secondsPerUnit > 0 ? secondsPerUnit : 1) {
    if (!m_view || !m_view->chart())
        return;
    QChart* chart = m_view->chart();
    m_critical =
        addSeries(chart, tr("critical alert fired"), QColor(0xc6, 0x28, 0x28), Qt::SolidLine);
    m_warning = addSeries(chart, tr("warning fired"), QColor(0xb2, 0x6a, 0x00), Qt::SolidLine);
    m_cleared = addSeries(chart, tr("alert cleared"), QColor(0x2e, 0x7d, 0x32), Qt::DashLine);
    if (m_engine)
        connect(m_engine, &AlertEngine::markerChanged, this, &AlertChartAnnotator::refresh);
    refresh();
}

std::vector<AlertChartAnnotator::Span> AlertChartAnnotator::mergedSpans(const AlertEngine& engine,
                                                                        double minGapSeconds) {
    std::vector<Span> spans;
    QHash<QString, std::size_t> last;  // rule -> its latest span
    for (const AlertMarker& m : engine.markers()) {
        const AlertRule* rule = engine.rule(m.rule);
        const double gap = std::max(minGapSeconds, rule ? rule->keepFiringForSeconds : 0.0);
        const auto it = last.constFind(m.rule);
        if (it != last.cend()) {
            Span& previous = spans[*it];
            // A return soon after clearing is the same trouble: extend.
            if (!std::isnan(previous.clearedAt) && m.firedAt - previous.clearedAt <= gap) {
                previous.clearedAt = m.clearedAt;
                ++previous.firings;
                continue;
            }
        }
        Span span;
        span.rule = m.rule;
        span.severity = m.severity;
        span.firedAt = m.firedAt;
        span.clearedAt = m.clearedAt;
        last.insert(m.rule, spans.size());
        spans.push_back(span);
    }
    return spans;
}

void AlertChartAnnotator::refresh() {
    if (!m_engine || !m_critical)
        return;
    // Lines closer than one axis unit cannot be told apart on the chart.
    m_spans = mergedSpans(*m_engine, m_secondsPerUnit);
    if (m_spans.size() > kMaxMarkers)
        m_spans.erase(m_spans.begin(), m_spans.end() - static_cast<std::ptrdiff_t>(kMaxMarkers));
    QList<QPointF> critical, warning, cleared;
    for (const Span& span : m_spans) {
        appendLine(span.severity == AlertSeverity::Critical ? critical : warning,
                   span.firedAt / m_secondsPerUnit);
        if (!std::isnan(span.clearedAt))
            appendLine(cleared, span.clearedAt / m_secondsPerUnit);
    }
    m_critical->replace(critical);
    m_warning->replace(warning);
    m_cleared->replace(cleared);
}

qsizetype AlertChartAnnotator::firedLines() const {
    return m_critical ? (m_critical->count() + m_warning->count()) / 3 : 0;
}

qsizetype AlertChartAnnotator::clearedLines() const {
    return m_cleared ? m_cleared->count() / 3 : 0;
}

}  // namespace pulsco
