// The alerts panel that sits beside every page (as AlertsDock): the firing
// and recent alerts of the current source, acknowledge, resolve with a note,
// and the runbook of the selected alert shown beside it.
#pragma once

#include "drills/AlertEngine.h"

#include <QDockWidget>
#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTextBrowser;

namespace pulsco {

class AlertListModel;

class AlertsPanel : public QWidget {
    Q_OBJECT
public:
    explicit AlertsPanel(AlertEngine* engine, QWidget* parent = nullptr);

    // Who acknowledges and resolves; blank refuses both (the buttons are
    // disabled and the hint under them says why).
    void setOperatorName(const QString& name);
    QString operatorName() const;
    // Selects `rule` in the list (and shows its runbook); false if not listed.
    bool select(const QString& rule);
    QString selectedRule() const;

    // Commands on the selected alert, as the buttons do them.
    bool acknowledgeSelected();
    bool resolveSelected(const QString& note);

    AlertListModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QTextBrowser* runbookView() const { return m_runbook; }
    QLabel* summaryLabel() const { return m_summary; }
    QPushButton* acknowledgeButton() const { return m_ack; }
    QLabel* hintLabel() const { return m_hint; }

    // Columns that fit the panel's width: Severity, Alert and State always,
    // then Since, Value and Acknowledged while there is room (each row's
    // tooltip has them all). No column is cut and nothing scrolls sideways.
    void fitColumns();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void updateSelection();
    void updateSummary();
    void scheduleFit();

    QPointer<AlertEngine> m_engine;
    AlertListModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_summary = nullptr;
    QLineEdit* m_operator = nullptr;
    QLineEdit* m_note = nullptr;
    QPushButton* m_ack = nullptr;
    QPushButton* m_resolve = nullptr;
    QLabel* m_hint = nullptr;  // why Acknowledge / Resolve are disabled
    QTextBrowser* m_runbook = nullptr;
    QString m_keep;          // selection across model resets
    QString m_shownRunbook;  // avoid re-rendering the same Markdown
    bool m_fitPending = false;
};

class AlertsDock : public QDockWidget {
    Q_OBJECT
public:
    explicit AlertsDock(AlertEngine* engine, QWidget* parent = nullptr);
    AlertsPanel* panel() const { return m_panel; }

private:
    AlertsPanel* m_panel = nullptr;
};

}  // namespace pulsco
