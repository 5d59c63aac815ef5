// One headline figure: its name, value, the bar it is held to, and its state
// in words and colour (never colour alone).
#pragma once

#include "ui/KpiStatus.h"

#include <QFrame>

class QLabel;

namespace pulsco {

class KpiTile : public QFrame {
    Q_OBJECT
public:
    KpiTile(const QString& title, QWidget* parent = nullptr);

    void setValue(const QString& value, KpiLevel level, const QString& detail);

    QString title() const;
    QString valueText() const;
    QString detailText() const;
    KpiLevel level() const { return m_level; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyLevelStyle();

    QLabel* m_title = nullptr;
    QLabel* m_value = nullptr;
    QLabel* m_chip = nullptr;
    QLabel* m_detail = nullptr;
    KpiLevel m_level = KpiLevel::Unknown;
    bool m_styling = false;
};

}  // namespace pulsco
