#include "ui/ChartView.h"

#include <QAbstractAxis>
#include <QGraphicsLayout>
#include <QGuiApplication>
#include <QLegend>
#include <QValueAxis>

#include <cmath>

namespace pulsco {

using namespace Qt::StringLiterals;

ChartView::ChartView(QChart* chart, QWidget* parent)
    : QChartView(chart, parent) {
    setRenderHint(QPainter::Antialiasing);
    setFrameShape(QFrame::NoFrame);
    // Charts are read, not operated: keyboard focus goes to the controls.
    setFocusPolicy(Qt::NoFocus);
    viewport()->setFocusPolicy(Qt::NoFocus);
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    QFont titleFont = font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.05);
    chart->setTitleFont(titleFont);
    applyPalette();
}

bool ChartView::openGLAllowed() {
    const QString platform = QGuiApplication::platformName();
    return platform != u"offscreen" && platform != u"minimal";
}

void ChartView::changeEvent(QEvent* event) {
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        applyPalette();
}

void ChartView::applyPalette() {
    QChart* c = chart();
    const QPalette pal = palette();
    c->setBackgroundBrush(pal.base());
    c->setBackgroundPen(Qt::NoPen);
    c->setTitleBrush(pal.text());
    c->legend()->setLabelColor(pal.color(QPalette::Text));
    setBackgroundBrush(pal.base());
    for (QAbstractAxis* axis : c->axes())
        styleAxis(axis);
    restyle();
}

void ChartView::restyle() {}

void ChartView::styleAxis(QAbstractAxis* axis) {
    const QPalette pal = palette();
    axis->setLabelsBrush(pal.text());
    axis->setTitleBrush(pal.text());
    QColor grid = pal.color(QPalette::Mid);
    grid.setAlpha(150);
    axis->setGridLineColor(grid);
    axis->setLinePenColor(pal.color(QPalette::Dark));
    axis->setMinorGridLineVisible(false);
    QFont labels = font();
    labels.setPointSizeF(labels.pointSizeF() * 0.9);
    axis->setLabelsFont(labels);
    QFont title = font();
    title.setPointSizeF(title.pointSizeF() * 0.9);
    axis->setTitleFont(title);
}

void setAxisRangeIfChanged(QValueAxis* axis, double min, double max) {
    if (axis->min() != min || axis->max() != max)
        axis->setRange(min, max);
}

double niceCeil(double value) {
    if (!(value > 0) || !std::isfinite(value))
        return 1;
    const double exponent = std::floor(std::log10(value));
    const double base = std::pow(10.0, exponent);
    for (const double step : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        // Small tolerance so 150.0000001 does not jump to 200.
        if (step * base >= value * (1 - 1e-9))
            return step * base;
    }
    return 10 * base;
}

double niceTickInterval(double range, int targetTicks) {
    if (!(range > 0) || targetTicks < 1)
        return 1;
    const double raw = range / targetTicks;
    const double exponent = std::floor(std::log10(raw));
    const double base = std::pow(10.0, exponent);
    for (const double step : {1.0, 2.0, 5.0, 10.0}) {
        if (step * base >= raw)
            return step * base;
    }
    return 10 * base;
}

}  // namespace pulsco
