#include "ui/KpiTile.h"

#include "ui/Theme.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace pulsco {

using namespace Qt::StringLiterals;

KpiTile::KpiTile(const QString& title, QWidget* parent)
    : QFrame(parent) {
    setObjectName(u"kpiTile"_s);
    setFrameShape(QFrame::NoFrame);
    setAutoFillBackground(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);

    m_title = new QLabel(title.toUpper(), this);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    small.setBold(true);
    small.setLetterSpacing(QFont::PercentageSpacing, 104);
    m_title->setFont(small);

    m_value = new QLabel(u"–"_s, this);
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.9);
    big.setBold(true);
    m_value->setFont(big);
    m_value->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_chip = new QLabel(this);
    QFont chipFont = font();
    chipFont.setPointSizeF(chipFont.pointSizeF() * 0.8);
    chipFont.setBold(true);
    m_chip->setFont(chipFont);
    m_chip->setAlignment(Qt::AlignCenter);

    m_detail = new QLabel(this);
    QFont detailFont = font();
    detailFont.setPointSizeF(detailFont.pointSizeF() * 0.85);
    m_detail->setFont(detailFont);

    auto* top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_title, 1);
    top->addWidget(m_chip, 0, Qt::AlignRight);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 6, 10, 6);
    layout->setSpacing(1);
    layout->addLayout(top);
    layout->addWidget(m_value);
    layout->addWidget(m_detail);
    setAccessibleName(title);
    applyLevelStyle();
}

void KpiTile::setValue(const QString& value, KpiLevel level, const QString& detail) {
    if (m_value->text() != value)
        m_value->setText(value);
    if (m_detail->text() != detail)
        m_detail->setText(detail);
    if (level != m_level) {
        m_level = level;
        applyLevelStyle();
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

void KpiTile::changeEvent(QEvent* event) {
    QFrame::changeEvent(event);
    if (!m_styling && (event->type() == QEvent::PaletteChange ||
                       event->type() == QEvent::ApplicationPaletteChange))
        applyLevelStyle();
}

void KpiTile::applyLevelStyle() {
    // Style sheets trigger PaletteChange themselves; do not recurse.
    m_styling = true;
    const QPalette pal = QPalette(palette());
    const QColor accent = levelColor(m_level, pal);
    setStyleSheet(
        u"QFrame#kpiTile { background: %1; border: 1px solid %2; border-left: 5px solid %3;"
        " border-radius: 4px; }"_s.arg(pal.color(QPalette::Base).name(),
                                       pal.color(QPalette::Midlight).name(), accent.name()));
    const QString text = levelText(m_level);
    m_chip->setVisible(!text.isEmpty());
    m_chip->setText(text);
    m_chip->setStyleSheet(
        u"QLabel { background: %1; color: %2; border-radius: 3px; padding: 1px 6px; }"_s.arg(
            accent.name(), textOnLevel(m_level, pal).name()));
    m_styling = false;
}

}  // namespace pulsco
