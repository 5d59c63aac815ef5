// Parameters of one fault to inject, with sensible defaults per kind and the
// core's own validation before OK is allowed.
#pragma once

#include "core/Fault.h"

#include <QDialog>
#include <QStringList>

class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QSpinBox;

namespace pulsco {

class FaultDialog : public QDialog {
    Q_OBJECT
public:
    // `regions` feeds the region picker (region outage). An injected
    // fault's atSeconds is its delay from now (0 = at once), as Source
    // implementations read it.
    FaultDialog(FaultKind kind, const QStringList& regions, QWidget* parent = nullptr);

    static FaultSpec defaults(FaultKind kind, const QStringList& regions);
    static QString kindTitle(FaultKind kind);        // "Latency spike"
    static QString kindDescription(FaultKind kind);  // one sentence

    FaultSpec fault() const;
    void setFault(const FaultSpec& fault);
    // "" when the fault is valid, else the core's "<field>: <why>".
    QString validationError() const;

    QComboBox* targetCombo() const { return m_target; }
    QDoubleSpinBox* durationBox() const { return m_duration; }
    QDoubleSpinBox* delayBox() const { return m_delay; }
    QSpinBox* latencyBox() const { return m_latency; }
    QDoubleSpinBox* shareBox() const { return m_share; }
    QDoubleSpinBox* multiplierBox() const { return m_multiplier; }
    QComboBox* regionCombo() const { return m_region; }

private:
    void revalidate();

    FaultKind m_kind;
    QComboBox* m_target = nullptr;
    QDoubleSpinBox* m_delay = nullptr;
    QDoubleSpinBox* m_duration = nullptr;
    QSpinBox* m_latency = nullptr;
    QDoubleSpinBox* m_share = nullptr;
    QDoubleSpinBox* m_multiplier = nullptr;
    QComboBox* m_region = nullptr;
    QLabel* m_error = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

}  // namespace pulsco
