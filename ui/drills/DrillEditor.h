// The trainer's drill form: every field of the drill file format, saved as
// the same JSON (drills/DrillJson.h) after the same validation, so a drill
// written here loads anywhere a shipped one does. Faults are edited as their
// JSON array (the fault object of docs/file-formats.md).
#pragma once

#include "drills/DrillJson.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace pulsco {

class DrillEditor : public QWidget {
    Q_OBJECT
public:
    explicit DrillEditor(QWidget* parent = nullptr);

    void setContext(const DrillContext& context);
    void load(const DrillScript& drill);  // fills the form
    void clear();
    // The form as a drill file; validated like any file. On failure returns
    // nullopt and shows (and sets) the error naming the field.
    std::optional<DrillScript> drill(QString* error = nullptr);
    QByteArray json() const;  // the form as written, before validation

    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* titleEdit() const { return m_title; }
    QPlainTextEdit* faultsEdit() const { return m_faults; }
    QLabel* errorLabel() const { return m_error; }
    QPushButton* saveButton() const { return m_save; }

signals:
    void saveRequested();

private:
    DrillContext m_context;
    QJsonObject m_inlineScenario;  // kept as loaded: the form edits shipped names only
    QLineEdit* m_name = nullptr;
    QLineEdit* m_title = nullptr;
    QComboBox* m_scenario = nullptr;
    QSpinBox* m_greenWeight = nullptr;  // -1 = leave traffic as it is
    QPlainTextEdit* m_briefing = nullptr;
    QPlainTextEdit* m_notes = nullptr;
    QPlainTextEdit* m_faults = nullptr;
    QListWidget* m_alerts = nullptr;
    QLineEdit* m_actions = nullptr;  // "rollback, drain:green, shed_region:asia-east"
    QLineEdit* m_wrong = nullptr;    // "drain:blue=cost; restart_matcher=cost"
    QCheckBox* m_escalate = nullptr;
    QLineEdit* m_healthy = nullptr;
    QPlainTextEdit* m_response = nullptr;
    QDoubleSpinBox* m_mttd = nullptr;
    QDoubleSpinBox* m_mttr = nullptr;
    QDoubleSpinBox* m_limit = nullptr;
    QLineEdit* m_runbook = nullptr;
    QLabel* m_error = nullptr;
    QPushButton* m_save = nullptr;
};

}  // namespace pulsco
