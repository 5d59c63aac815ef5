// Parameters of one fault to inject, with sensible defaults per kind and the
// core's own validation before OK is allowed. The target defaults to the
// colour that carries traffic, and an inline note says when the chosen colour
// has 0 % of it: a fault there changes nothing an operator could see.
#pragma once

#include "bridge/Source.h"
#include "core/Fault.h"

#include <QPointer>

#include <optional>

#include <QDialog>
#include <QStringList>

class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QSpinBox;

namespace pulsco {

// Traffic shares as the last snapshot reported them (percent of new traffic).
struct TrafficShares {
    int blue = 100;
    int green = 0;
};

class FaultDialog : public QDialog {
    Q_OBJECT
public:
    // `regions` feeds the region picker (region outage). An injected
    // fault's atSeconds is its delay from now (0 = at once), as Source
    // implementations read it. Opened from the console window, the dialog
    // follows that window's source for the traffic shares (bindSource).
    FaultDialog(FaultKind kind, const QStringList& regions, QWidget* parent = nullptr);

    // Without traffic known: the kind's own target (green for release
    // faults, both for load and region faults).
    static FaultSpec defaults(FaultKind kind, const QStringList& regions);
    // With traffic known: a single-colour default moves to the colour that
    // carries traffic when the kind's own has none.
    static FaultSpec defaults(FaultKind kind, const QStringList& regions,
                              const TrafficShares& traffic);
    // "" when `target` carries traffic, else one sentence saying the fault
    // would change nothing until traffic moves there.
    static QString trafficWarning(FaultTarget target, const TrafficShares& traffic);
    static QString kindTitle(FaultKind kind);        // "Latency spike"
    static QString kindDescription(FaultKind kind);  // one sentence

    FaultSpec fault() const;
    void setFault(const FaultSpec& fault);
    // "" when the fault is valid, else the core's "<field>: <why>".
    QString validationError() const;

    // Reads the traffic shares from `source`'s snapshots while the dialog is
    // open: the note follows them, and the target follows them until the
    // operator picks one.
    void bindSource(Source* source);
    void setTraffic(const TrafficShares& traffic);
    std::optional<TrafficShares> traffic() const { return m_traffic; }
    QString trafficNote() const;  // the inline note as shown ("" when hidden)

    QComboBox* targetCombo() const { return m_target; }
    QDoubleSpinBox* durationBox() const { return m_duration; }
    QDoubleSpinBox* delayBox() const { return m_delay; }
    QSpinBox* latencyBox() const { return m_latency; }
    QDoubleSpinBox* shareBox() const { return m_share; }
    QDoubleSpinBox* multiplierBox() const { return m_multiplier; }
    QComboBox* regionCombo() const { return m_region; }

private:
    void revalidate();
    void showTrafficNote();

    FaultKind m_kind;
    QComboBox* m_target = nullptr;
    QDoubleSpinBox* m_delay = nullptr;
    QDoubleSpinBox* m_duration = nullptr;
    QSpinBox* m_latency = nullptr;
    QDoubleSpinBox* m_share = nullptr;
    QDoubleSpinBox* m_multiplier = nullptr;
    QComboBox* m_region = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_trafficNote = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QStringList m_regions;
    std::optional<TrafficShares> m_traffic;
    bool m_targetPicked = false;  // the operator chose a target: keep it
    QPointer<Source> m_source;
};

}  // namespace pulsco
