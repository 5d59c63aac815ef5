// The banner a rollback raises (automatic, by an operator, or an abort), and
// a rollout found Degraded or Paused when the console starts: what happened,
// at which step, why (the trigger) and on which figures. It stays until an
// operator acknowledges it by name; the acknowledgement is an audit row.
//
// The Rollout page owns it; MainWindow lifts it (object name "pageBanner")
// under the window's top bar, so it shows whichever page is open.
#pragma once

#include <QFrame>

class QLabel;
class QLineEdit;
class QPushButton;

namespace pulsco {

class RolloutSession;

class RollbackBanner : public QFrame {
    Q_OBJECT
public:
    explicit RollbackBanner(RolloutSession& session, QWidget* parent = nullptr);

    // Shows the session's notice, or hides when there is none.
    void refresh();
    // Prefills the name field (the page's Operator), when the operator has
    // not typed another name yet.
    void suggestName(const QString& name);

    QLabel* headline() const { return m_headline; }
    QLabel* details() const { return m_details; }
    QLineEdit* nameField() const { return m_name; }
    QPushButton* acknowledgeButton() const { return m_acknowledge; }
    QPushButton* showStepsButton() const { return m_showSteps; }

signals:
    void showStepsRequested();
    void failed(const QString& message);

protected:
    void changeEvent(QEvent* event) override;

private:
    void acknowledge();
    void applyColours();

    RolloutSession& m_session;
    QLabel* m_headline = nullptr;
    QLabel* m_details = nullptr;
    QLineEdit* m_name = nullptr;
    QPushButton* m_acknowledge = nullptr;
    QPushButton* m_showSteps = nullptr;
    QString m_suggested;
    bool m_paused = false;  // amber for a paused rollout, red for a rollback
};

}  // namespace pulsco
