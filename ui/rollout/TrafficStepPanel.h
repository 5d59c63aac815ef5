// The blue-green part of the Rollout page: the rollout's state and step
// list (editable before a start, as JSON validated like the plan file),
// the operator's commands (start, pause, resume, promote, abort, roll back,
// confirm a traffic switch) behind confirmations, the webhook, and blue vs
// green side by side (latency histograms, error rates).
#pragma once

#include "rollout/RolloutPlan.h"

#include <QWidget>

#include <functional>

class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableView;

namespace pulsco {

class CanaryJudgementModel;
class EnvironmentComparisonModel;
class HistogramChart;
class RolloutSession;

class TrafficStepPanel : public QWidget {
    Q_OBJECT
public:
    // Asks "are you sure"; the page swaps it for tests.
    using Confirm = std::function<bool(const QString& title, const QString& text)>;

    // Picks the analysis file to import ("" = cancelled); tests swap it.
    using PickFile = std::function<QString()>;

    explicit TrafficStepPanel(RolloutSession& session, QWidget* parent = nullptr);
    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }
    void setPickFile(PickFile pick) { m_pickFile = std::move(pick); }

    void refresh();        // state, buttons, step list
    void refreshCharts();  // comparison (once per frame at most)

    QLabel* stateLabel() const { return m_state; }
    QListWidget* stepList() const { return m_steps; }
    QPlainTextEdit* stepEditor() const { return m_editor; }
    QPushButton* button(const QString& name) const;  // "start", "pause", ...
    QWidget* judgeBox() const { return m_judgeBox; }
    QTabWidget* bottomTabs() const { return m_bottomTabs; }  // blue vs green, the judge
    QLabel* judgeLabel() const { return m_judgeLabel; }
    QTableView* judgeTable() const { return m_judgeTable; }
    bool applyEditedSteps(QString* error);
    // Appends the analysis step a Kayenta canary config or an Argo
    // AnalysisTemplate maps to (rollout/AnalysisImport) to the edited list,
    // for the operator to read and apply; the status line says what was
    // imported and what had nothing to do here.
    bool importAnalysis(const QString& path, QString* error);
    QLabel* editorStatus() const { return m_editorStatus; }

signals:
    void failed(const QString& message);

private:
    QPushButton* addButton(const QString& key, const QString& text, const QString& accessible);
    QString trafficText() const;
    // "detects api_latency_ms +20 % in ~2 min 21 s at this traffic" for the
    // judged step at `index` before it runs; each metric in `tooltip`;
    // `tooShort` when the step ends before its judge could detect it.
    QString detectionText(const std::vector<TrafficStep>& steps, std::size_t index,
                          QString* tooltip, bool* tooShort) const;
    void run(const QString& title, const QString& question,
             const std::function<bool(QString*)>& action);

    RolloutSession& m_session;
    Confirm m_confirm;
    PickFile m_pickFile;
    QLabel* m_state = nullptr;
    QLabel* m_detail = nullptr;
    QListWidget* m_steps = nullptr;
    QPlainTextEdit* m_editor = nullptr;
    QLabel* m_editorStatus = nullptr;
    QLabel* m_traffic = nullptr;
    QList<QPushButton*> m_buttons;
    HistogramChart* m_blueChart = nullptr;
    HistogramChart* m_greenChart = nullptr;
    EnvironmentComparisonModel* m_comparison = nullptr;
    QTableView* m_comparisonTable = nullptr;
    // The canary judge of the current (or failed) analysis step.
    QTabWidget* m_bottomTabs = nullptr;
    bool m_judgeFailureShown = false;
    QWidget* m_judgeBox = nullptr;
    QLabel* m_judgeLabel = nullptr;
    CanaryJudgementModel* m_judge = nullptr;
    QTableView* m_judgeTable = nullptr;
};

}  // namespace pulsco
