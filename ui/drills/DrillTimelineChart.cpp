#include "ui/drills/DrillTimelineChart.h"

#include "drills/DrillReport.h"

#include <QFontMetrics>
#include <QPainter>

#include <algorithm>
#include <array>
#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

const QColor kFault(0xc6, 0x28, 0x28);
const QColor kAlert(0xb2, 0x6a, 0x00);
const QColor kAction(0x15, 0x65, 0xc0);
const QColor kRecovered(0x2e, 0x7d, 0x32);
const QColor kGrid(0xdd, 0xdd, 0xdd);
const QColor kText(0x21, 0x21, 0x21);

// A tick step that gives about six ticks over `span` seconds.
double tickStep(double span) {
    static constexpr std::array<double, 12> steps{1,  2,   5,   10,  15,   30,
                                                  60, 120, 300, 600, 1200, 1800};
    for (double s : steps)
        if (span / s <= 8)
            return s;
    return 3600;
}

QString timeLabel(double seconds) {
    if (seconds >= 120 && std::fmod(seconds, 60) == 0)
        return u"%1 min"_s.arg(seconds / 60);
    return u"%1 s"_s.arg(seconds);
}

}  // namespace

QImage drillTimelineImage(const DrillTimeline& t, QSize size) {
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    QFont font = p.font();
    font.setPixelSize(std::max(12, size.height() / 28));
    p.setFont(font);
    const QFontMetrics fm(font);

    const int labelWidth = fm.horizontalAdvance(u"Recovery"_s) + 24;
    const int axisHeight = fm.height() * 2;
    const QRect plot(labelWidth, 8, size.width() - labelWidth - 16,
                     size.height() - axisHeight - 16);
    // A little room after the end, so marks at the very end stay readable.
    const double span = std::max(1.0, t.duration * 1.03);
    const auto x = [&](double seconds) {
        return plot.left() + int(std::lround(std::clamp(seconds, 0.0, span) / span * plot.width()));
    };
    // Text beside a mark at `at`: to its right, or to its left near the end.
    const auto besideX = [&](int at, int width) {
        return at + 6 + width <= plot.right() ? at + 6 : std::max(plot.left(), at - 6 - width);
    };
    const std::array<QString, 4> lanes{u"Faults"_s, u"Alerts"_s, u"Actions"_s, u"Recovery"_s};
    const int laneHeight = plot.height() / int(lanes.size());
    const auto laneTop = [&](int lane) { return plot.top() + lane * laneHeight; };

    // Lanes, grid and axis.
    p.setPen(kText);
    for (int i = 0; i < int(lanes.size()); ++i) {
        p.drawText(QRect(0, laneTop(i), labelWidth - 8, laneHeight),
                   Qt::AlignRight | Qt::AlignVCenter, lanes[std::size_t(i)]);
        p.setPen(kGrid);
        p.drawLine(plot.left(), laneTop(i), plot.right(), laneTop(i));
        p.setPen(kText);
    }
    const double step = tickStep(span);
    for (double s = 0; s <= span + 1e-9; s += step) {
        p.setPen(kGrid);
        p.drawLine(x(s), plot.top(), x(s), plot.bottom());
        p.setPen(kText);
        const QString label = timeLabel(s);
        p.drawText(x(s) - fm.horizontalAdvance(label) / 2, plot.bottom() + fm.height() + 2, label);
    }
    p.drawLine(plot.left(), plot.bottom(), plot.right(), plot.bottom());

    // Spans stack in their lane, one row each (at most four shown).
    const auto drawSpans = [&](const std::vector<DrillTimeline::Span>& spans, int lane,
                               const QColor& color) {
        const int rows = std::clamp(int(spans.size()), 1, 4);
        const int rowHeight = (laneHeight - 8) / rows;
        for (int i = 0; i < int(spans.size()) && i < 4; ++i) {
            const DrillTimeline::Span& s = spans[std::size_t(i)];
            const QRect bar(x(s.from), laneTop(lane) + 4 + i * rowHeight,
                            std::max(3, x(s.to) - x(s.from)), rowHeight - 4);
            // Still on at the end: lighter, as it has no end on record.
            QColor fill = color;
            if (s.open)
                fill = fill.lighter(150);
            p.fillRect(bar, fill);
            const int textWidth = fm.horizontalAdvance(s.label);
            const int baseline = bar.center().y() + fm.ascent() / 2 - 2;
            if (textWidth <= bar.width() - 8) {
                p.setPen(Qt::white);
                p.drawText(bar.left() + 4, baseline, s.label);
            } else if (bar.right() + 6 + textWidth <= plot.right()) {
                p.setPen(color);
                p.drawText(bar.right() + 6, baseline, s.label);
            } else {
                p.setPen(color);
                p.drawText(std::max(plot.left(), bar.left() - 6 - textWidth), baseline, s.label);
            }
        }
    };
    drawSpans(t.faults, 0, kFault);
    drawSpans(t.alerts, 1, kAlert);

    // Actions: a tick each, labels on alternating rows so neighbours stay readable.
    for (std::size_t i = 0; i < t.actions.size(); ++i) {
        const DrillTimeline::Mark& m = t.actions[i];
        const int top = laneTop(2) + 4;
        p.setPen(QPen(kAction, 3));
        p.drawLine(x(m.at), top, x(m.at), top + laneHeight - 8);
        p.setPen(kAction);
        const int row = int(i % 2);
        const QString label = fm.elidedText(m.label, Qt::ElideRight, plot.width() / 3);
        p.drawText(besideX(x(m.at), fm.horizontalAdvance(label)),
                   top + fm.ascent() + 2 + row * (fm.height() + 2), label);
    }

    // Recovery: the MTTD and MTTR brackets from the fault's start.
    const int mid = laneTop(3) + laneHeight / 2;
    const auto bracket = [&](double to, int y, const QColor& color, const QString& text) {
        p.setPen(QPen(color, 3));
        p.drawLine(x(*t.faultStart), y, x(to), y);
        p.drawLine(x(to), y - 6, x(to), y + 6);
        p.drawLine(x(*t.faultStart), y - 6, x(*t.faultStart), y + 6);
        p.setPen(color);
        p.drawText(besideX(x(to), fm.horizontalAdvance(text)), y - 5, text);  // above its line
    };
    if (t.faultStart && t.detected)
        bracket(*t.detected, mid - 4, kAction,
                u"MTTD %1 s"_s.arg(*t.detected - *t.faultStart, 0, 'f', 0));
    if (t.faultStart && t.recovered)
        bracket(*t.recovered, mid + fm.height() + 4, kRecovered,
                u"MTTR %1 s"_s.arg(*t.recovered - *t.faultStart, 0, 'f', 0));
    if (!t.recovered) {
        p.setPen(kFault);
        p.drawText(QRect(plot.left(), laneTop(3), plot.width(), laneHeight),
                   Qt::AlignRight | Qt::AlignVCenter, u"not recovered"_s);
    }
    return image;
}

QString drillReportMarkdownWithChart(const DrillRecord& record) {
    QString markdown = drillReportMarkdown(record);
    const QString section = u"## Timeline\n\n"_s;
    const QString chart = section + u"![Faults, alerts, actions and recovery on one time axis]("_s +
                          kDrillTimelineImage + u")\n\n"_s;
    if (markdown.contains(section))
        markdown.replace(section, chart);
    else
        markdown += u"\n"_s + chart;
    return markdown;
}

}  // namespace pulsco
