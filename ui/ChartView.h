// The base of every dashboard chart: follows the application palette (light
// or dark), keeps margins tight, and enables OpenGL only where it is safe.
#pragma once

#include <QChartView>

class QAbstractAxis;
class QValueAxis;

namespace pulsco {

class ChartView : public QChartView {
    Q_OBJECT
public:
    // Takes ownership of `chart` (QChartView does).
    explicit ChartView(QChart* chart, QWidget* parent = nullptr);

    // OpenGL line rendering crashes under the offscreen and minimal
    // platforms on Qt 6.4.2 (qt-notes), so it is used on real displays only.
    static bool openGLAllowed();

protected:
    void changeEvent(QEvent* event) override;
    // Called after the palette changed; subclasses recolour their series.
    virtual void restyle();
    void styleAxis(QAbstractAxis* axis);

private:
    void applyPalette();
};

// Ranges change only when they really change, so the chart does not relayout
// on every frame.
void setAxisRangeIfChanged(QValueAxis* axis, double min, double max);

// 1, 2, 2.5, 5 x 10^k: the smallest such number >= value (value > 0).
double niceCeil(double value);
// A tick interval giving about `targetTicks` intervals over `range`.
double niceTickInterval(double range, int targetTicks);

}  // namespace pulsco
