#include "ui/KpiTile.h"

#include "ui/ElidingLabel.h"
#include "ui/StatusChip.h"
#include "ui/Theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

namespace pulsco {

using namespace Qt::StringLiterals;

KpiTile::KpiTile(const QString& title, QWidget* parent)
    : QFrame(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);

    m_title = new QLabel(title.toUpper(), this);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    small.setBold(true);
    m_title->setFont(small);
    m_title->setForegroundRole(QPalette::PlaceholderText);

    m_value = new QLabel(u"–"_s, this);
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.9);
    big.setBold(true);
    m_value->setFont(big);

    m_chip = new StatusChip(this);
    QFont chipFont = m_chip->font();
    chipFont.setPointSizeF(chipFont.pointSizeF() * 0.8);
    m_chip->setFont(chipFont);

    m_detail = new ElidingLabel(this);  // cut with "…"; the tooltip has it all
    m_detail->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    QFont detailFont = font();
    detailFont.setPointSizeF(detailFont.pointSizeF() * 0.85);
    m_detail->setFont(detailFont);

    auto* top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_title, 1);
    top->addWidget(m_chip, 0, Qt::AlignRight);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 6, 10, 6);
    layout->setSpacing(1);
    layout->addLayout(top);
    layout->addWidget(m_value);
    layout->addWidget(m_detail);
    setAccessibleName(title);
    setValue(u"–"_s, KpiLevel::Unknown, {});
}

void KpiTile::setValue(const QString& value, KpiLevel level, const QString& detail) {
    if (m_value->text() != value)
        m_value->setText(value);
    if (m_detail->text() != detail) {
        m_detail->setText(detail);
        m_detail->setToolTip(detail);
    }
    if (level != m_level) {
        m_level = level;
        const QString state = levelText(level);
        m_chip->setText(state);
        m_chip->setVisible(!state.isEmpty());
        m_chip->setLevel(level);
        m_chip->updateGeometry();
        update();
    }
    const QString state = levelText(level);
    setAccessibleDescription(state.isEmpty() ? u"%1, %2"_s.arg(value, detail)
                                             : u"%1, %2, %3"_s.arg(value, state, detail));
}

QString KpiTile::title() const {
    return accessibleName();
}

QString KpiTile::valueText() const {
    return m_value->text();
}

QString KpiTile::detailText() const {
    return m_detail->text();
}

QString KpiTile::stateText() const {
    return m_chip->isVisibleTo(this) ? m_chip->text() : QString();
}

void KpiTile::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    const QRectF box = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    p.setPen(QPen(pal.color(QPalette::Midlight), 1));
    p.setBrush(pal.base());
    p.drawRoundedRect(box, 4, 4);
    // The accent bar repeats the chip's colour for a glance across tiles.
    p.setPen(Qt::NoPen);
    p.setBrush(levelColor(m_level, pal));
    p.drawRoundedRect(QRectF(box.left(), box.top(), 5, box.height()), 2, 2);
}

}  // namespace pulsco
