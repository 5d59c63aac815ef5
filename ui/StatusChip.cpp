#include "ui/StatusChip.h"

#include "ui/Theme.h"

#include <QPainter>

namespace pulsco {

StatusChip::StatusChip(QWidget* parent)
    : QLabel(parent) {
    setAlignment(Qt::AlignCenter);
    QFont f = font();
    f.setBold(true);
    setFont(f);
}

void StatusChip::setLevel(KpiLevel level) {
    if (level == m_level)
        return;
    m_level = level;
    update();
}

QSize StatusChip::sizeHint() const {
    const QFontMetrics fm(font());
    return {fm.horizontalAdvance(text()) + 14, fm.height() + 4};
}

QSize StatusChip::minimumSizeHint() const {
    return sizeHint();
}

void StatusChip::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    p.setPen(Qt::NoPen);
    p.setBrush(levelColor(m_level, pal));
    p.drawRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3);
    p.setPen(textOnLevel(m_level, pal));
    p.setFont(font());
    p.drawText(rect(), Qt::AlignCenter, text());
}

}  // namespace pulsco
