// The checklist part of the Rollout page: filter and search, the tree with
// progress, and the selected item's detail: its gate (live value, bar, hold,
// evidence) or check/uncheck with a note.
#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTreeView;

namespace pulsco {

class ChecklistFilter;
class ChecklistModel;
class RolloutSession;

class ChecklistView : public QWidget {
    Q_OBJECT
public:
    explicit ChecklistView(RolloutSession& session, QWidget* parent = nullptr);

    ChecklistModel* model() const { return m_model; }
    ChecklistFilter* filter() const { return m_filter; }
    QTreeView* tree() const { return m_tree; }
    QComboBox* filterBox() const { return m_filterBox; }
    QLineEdit* searchField() const { return m_search; }
    QLineEdit* noteField() const { return m_note; }
    QPushButton* checkButton() const { return m_check; }
    QPushButton* uncheckButton() const { return m_uncheck; }
    QLabel* titleLabel() const { return m_title; }  // the selected item's text
    QString selectedItemId() const;
    bool selectItem(const QString& itemId);
    // Selects the first item not done yet (else the first item).
    void selectCurrentItem();
    void refresh();  // live values changed

signals:
    void failed(const QString& message);

private:
    void showDetail();
    void setChecked(bool checked);

    RolloutSession& m_session;
    ChecklistModel* m_model = nullptr;
    ChecklistFilter* m_filter = nullptr;
    QTreeView* m_tree = nullptr;
    QComboBox* m_filterBox = nullptr;
    QLineEdit* m_search = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_gate = nullptr;
    QPlainTextEdit* m_evidence = nullptr;
    QLineEdit* m_note = nullptr;
    QPushButton* m_check = nullptr;
    QPushButton* m_uncheck = nullptr;
};

}  // namespace pulsco
