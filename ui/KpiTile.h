// One headline figure: its name, value, the bar it is held to, and its state
// in words and colour (never colour alone). Painted from the palette, so it
// follows light and dark without style sheets.
#pragma once

#include "ui/KpiStatus.h"

#include <QFrame>

class QLabel;

namespace pulsco {

class StatusChip;

class KpiTile : public QFrame {
    Q_OBJECT
public:
    explicit KpiTile(const QString& title, QWidget* parent = nullptr);

    void setValue(const QString& value, KpiLevel level, const QString& detail);

    QString title() const;
    QString valueText() const;
    QString detailText() const;
    QString stateText() const;
    KpiLevel level() const { return m_level; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QLabel* m_title = nullptr;
    QLabel* m_value = nullptr;
    StatusChip* m_chip = nullptr;
    QLabel* m_detail = nullptr;
    KpiLevel m_level = KpiLevel::Neutral;
};

}  // namespace pulsco
