#include "ui/HistogramChart.h"

#include "ui/Theme.h"

#include <QAreaSeries>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QValueAxis>

#include <algorithm>

namespace pulsco {

using namespace Qt::StringLiterals;

namespace {
constexpr std::array<double, 3> kQuantiles{0.50, 0.95, 0.99};
constexpr std::array<const char*, 3> kQuantileNames{"p50", "p95", "p99"};
}  // namespace

HistogramChart::HistogramChart(HistogramChartSpec spec, QWidget* parent)
    : ChartView(new QChart, parent)
    , m_spec(std::move(spec)) {
    QChart* c = chart();
    c->setTitle(m_spec.title);

    m_x = new QValueAxis(c);
    m_x->setTitleText(m_spec.axisTitle);
    m_x->setLabelFormat(m_spec.fixedUpper ? u"%.1f"_s : u"%g"_s);
    m_x->setTickType(QValueAxis::TicksDynamic);
    m_x->setTickAnchor(0);
    m_y = new QValueAxis(c);
    m_y->setTitleText(m_spec.valueTitle);
    m_y->setLabelFormat(u"%g"_s);
    m_y->setTickType(QValueAxis::TicksDynamic);
    m_y->setTickAnchor(0);
    m_y->setTickInterval(2);
    c->addAxis(m_x, Qt::AlignBottom);
    c->addAxis(m_y, Qt::AlignLeft);

    m_upper = new QLineSeries(c);
    m_area = new QAreaSeries(m_upper);
    m_area->setName(tr("distribution"));
    c->addSeries(m_area);
    m_area->attachAxis(m_x);
    m_area->attachAxis(m_y);

    for (std::size_t i = 0; i < m_markers.size(); ++i) {
        m_markers[i] = new QLineSeries(c);
        m_markers[i]->setName(markerName(static_cast<int>(i), std::nullopt));
        c->addSeries(m_markers[i]);
        m_markers[i]->attachAxis(m_x);
        m_markers[i]->attachAxis(m_y);
    }
    if (m_spec.bar) {
        m_barLine = new QLineSeries(c);
        m_barLine->setName(m_spec.barName);
        c->addSeries(m_barLine);
        m_barLine->attachAxis(m_x);
        m_barLine->attachAxis(m_y);
    }
    for (QLegendMarker* marker : c->legend()->markers(m_area))
        marker->setVisible(false);

    const double upper = m_spec.fixedUpper.value_or(niceCeil(m_spec.bar.value_or(1) * 1.2));
    m_x->setRange(0, upper);
    m_x->setTickInterval(niceTickInterval(upper, 5));
    m_y->setRange(0, 10);
    for (QAbstractAxis* axis : c->axes())
        styleAxis(axis);
    restyle();
    setHistogram(Histogram{});
}

QString HistogramChart::markerName(int index, std::optional<double> value) const {
    const QString name = QLatin1StringView(kQuantileNames[static_cast<std::size_t>(index)]);
    if (!value)
        return name + u" –"_s;
    QString number = QLocale().toString(*value, 'f', m_spec.decimals);
    return m_spec.unit.isEmpty() ? u"%1 %2"_s.arg(name, number)
                                 : u"%1 %2 %3"_s.arg(name, number, m_spec.unit);
}

std::optional<double> HistogramChart::markerPosition(int index) const {
    return m_markerValues.at(static_cast<std::size_t>(index));
}

void HistogramChart::setHistogram(const Histogram& histogram) {
    double upper = 0;
    if (m_spec.fixedUpper) {
        upper = *m_spec.fixedUpper;
    } else {
        const double minimum = m_spec.bar ? *m_spec.bar * 1.2 : 1.0;
        upper = chooseUpperEdge(histogram, minimum / m_spec.scale) * m_spec.scale;
        upper = niceCeil(upper);
    }
    m_bins = regroup(histogram, upper / m_spec.scale, m_spec.binCount);

    // Bars as one area: each bin is a rectangle with a small gap either side.
    const double width = m_bins.width * m_spec.scale;
    const double gap = width * 0.08;
    QList<QPointF> outline;
    outline.reserve(static_cast<qsizetype>(m_bins.shares.size() * 4 + 1));
    double peak = 0;
    for (std::size_t i = 0; i < m_bins.shares.size(); ++i) {
        const double left = width * static_cast<double>(i) + gap;
        const double right = width * static_cast<double>(i + 1) - gap;
        const double percent = m_bins.shares[i] * 100.0;
        peak = std::max(peak, percent);
        outline << QPointF(left, 0) << QPointF(left, percent) << QPointF(right, percent)
                << QPointF(right, 0);
    }
    m_upper->replace(outline);

    const double top = valueAxisTop(peak);
    setAxisRangeIfChanged(m_x, 0, upper);
    const double tick = niceTickInterval(upper, 5);
    if (m_x->tickInterval() != tick)
        m_x->setTickInterval(tick);
    setAxisRangeIfChanged(m_y, 0, top);
    const double yTick = niceTickInterval(top, 4);
    if (m_y->tickInterval() != yTick)
        m_y->setTickInterval(yTick);

    for (std::size_t i = 0; i < m_markers.size(); ++i) {
        std::optional<double> value;
        if (histogram.count() > 0)
            value = histogram.quantile(kQuantiles[i]) * m_spec.scale;
        m_markerValues[i] = value;
        const QString name = markerName(static_cast<int>(i), value);
        if (m_markers[i]->name() != name)
            m_markers[i]->setName(name);
        if (value) {
            const double x = std::min(*value, upper);
            m_markers[i]->replace(QList<QPointF>{QPointF(x, 0), QPointF(x, top)});
        } else {
            m_markers[i]->clear();
        }
    }
    if (m_barLine) {
        m_barLine->replace(QList<QPointF>{QPointF(*m_spec.bar, 0), QPointF(*m_spec.bar, top)});
    }
    // An empty chart says so: no bars can mean "all fast" only with data.
    const QString title =
        histogram.count() > 0 ? m_spec.title : tr("%1 · no data").arg(m_spec.title);
    if (chart()->title() != title)
        chart()->setTitle(title);
}

double HistogramChart::valueAxisTop(double peakPercent) {
    // Room above the tallest bar, on a round number, but never past 100 %:
    // the axis is a share of observations, and a colour with few requests
    // (green at a 10 % step) often has them all in one bin.
    return std::min(100.0, niceCeil(std::max(peakPercent * 1.15, 5.0)));
}

void HistogramChart::setBar(double bar, const QString& name) {
    if (!m_barLine)
        return;
    m_spec.bar = bar;
    m_spec.barName = name;
    m_barLine->setName(name);
}

void HistogramChart::restyle() {
    if (!m_area)
        return;
    const QPalette pal = palette();
    QColor fill = seriesColor(0, pal);
    QPen outlinePen(fill, 1);
    fill.setAlpha(isDarkPalette(pal) ? 170 : 140);
    m_area->setBrush(fill);
    m_area->setPen(outlinePen);
    const std::array<QColor, 3> markerColors{seriesColor(5, pal), seriesColor(1, pal),
                                             seriesColor(3, pal)};
    for (std::size_t i = 0; i < m_markers.size(); ++i) {
        QPen pen(markerColors[i], 2);
        pen.setStyle(i == 0 ? Qt::DotLine : Qt::SolidLine);
        m_markers[i]->setPen(pen);
    }
    if (m_barLine) {
        QPen pen(levelColor(KpiLevel::Breach, pal), 2, Qt::DashLine);
        m_barLine->setPen(pen);
    }
}

}  // namespace pulsco
