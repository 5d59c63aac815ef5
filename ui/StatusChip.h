// A small rounded label whose colour follows a KpiLevel and the current
// palette; the text always says the state too (never colour alone).
#pragma once

#include "ui/KpiStatus.h"

#include <QLabel>

namespace pulsco {

class StatusChip : public QLabel {
    Q_OBJECT
public:
    explicit StatusChip(QWidget* parent = nullptr);

    void setLevel(KpiLevel level);
    KpiLevel level() const { return m_level; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    KpiLevel m_level = KpiLevel::Unknown;
};

}  // namespace pulsco
