// The Drills page. Trainer view: pick a drill (shipped or the trainer's own),
// read the script and hidden cause, brief, start at 1x or faster, pause,
// emergency stop, finish, watch the live score and the full timeline.
// Trainee view: the briefing, the action buttons and notes, and the timeline
// without the script; the symptoms are the normal console and alerts panel.
// Editor and history (per trainee, export as Markdown or PDF) on their tabs.
// Drills are started, journaled and saved by a DrillRunner (drills/): the
// page shows what it reports and never makes a session itself.
#pragma once

#include "drills/DrillJson.h"
#include "drills/DrillLibrary.h"
#include "drills/DrillRunner.h"
#include "drills/DrillSession.h"

#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSplitter;
class QTabWidget;
class QTableWidget;
class QTextBrowser;
class QTimer;

namespace pulsco {

class DrillEditor;

class DrillsPage : public QWidget {
    Q_OBJECT
public:
    // The drills come from `library`; `runner` starts them (on its source)
    // and saves them; the history lists the runner's store (none: drills
    // run, nothing is saved or listed). Both must outlive the page.
    DrillsPage(DrillLibrary& library, DrillRunner& runner, QWidget* parent = nullptr);
    ~DrillsPage() override;

    // What drills may refer to (the library checks files against it).
    void setContext(const DrillContext& context);

    void reloadDrills();
    QStringList drillNames() const;
    bool selectDrill(const QString& name);
    const DrillScript* selectedDrill() const;

    // The buttons' actions, callable from tests.
    bool startDrill(QString* error = nullptr);
    void setSpeed(double speed);  // 0 = max
    void showTraineeView(bool trainee);
    bool saveEditedDrill(QString* error = nullptr);
    void duplicateSelected();
    // .md or .pdf; the History tab's status line confirms the file written
    // (path, size) or shows why not.
    bool exportSelectedSession(const QString& path, QString* error = nullptr);

    DrillSession* session() const { return m_runner.session(); }
    QTabWidget* tabs() const { return m_tabs; }
    DrillEditor* editor() const { return m_editor; }
    QTableWidget* historyTable() const { return m_history; }
    QLabel* scoreLabel() const { return m_score; }
    QLabel* exportStatusLabel() const { return m_exportStatus; }
    QTextBrowser* scriptView() const { return m_script; }
    QListWidget* trainerTimeline() const { return m_trainerTimeline; }
    QListWidget* traineeTimeline() const { return m_traineeTimeline; }
    QLineEdit* traineeName() const { return m_trainee; }
    QLineEdit* trainerName() const { return m_trainer; }
    QListWidget* drillList() const { return m_list; }
    // The trainer tab's "Live" box: only the score line until a drill starts.
    QWidget* liveBox() const { return m_live; }
    // "This screen is the trainee's" (default on): while a drill runs the
    // page keeps to the Trainee tab (the Trainer, Editor and History tabs,
    // which show the cause, are hidden) and the console hides the fault
    // list; the trainer follows in the trainer view (TrainerWindow).
    QCheckBox* traineeScreenBox() const { return m_traineeScreen; }
    bool hidesCauseWhileRunning() const;

signals:
    void sessionFinished(const pulsco::DrillRecord& record);
    void drillStarted(pulsco::DrillSession* session);

private:
    QWidget* buildTrainerTab();
    QWidget* buildTraineeTab();
    QWidget* buildHistoryTab();
    void showScript();
    void onStarted(DrillSession* session);
    void onEvent(const DrillEvent& event);
    void onFinished(const DrillRecord& record);
    void updateControls();
    void updateScore();
    void updateLiveBox();
    void fitDrillList();
    void refreshHistory();
    void act(const DrillAction& action);

    DrillLibrary& m_library;
    DrillRunner& m_runner;
    std::vector<DrillEntry> m_entries;  // the list's rows, in order
    std::vector<DrillRecord> m_historyRecords;

    QListWidget* m_list = nullptr;
    QPushButton* m_new = nullptr;
    QPushButton* m_duplicate = nullptr;
    QTabWidget* m_tabs = nullptr;
    QTextBrowser* m_script = nullptr;
    QLineEdit* m_trainee = nullptr;
    QLineEdit* m_trainer = nullptr;
    QCheckBox* m_traineeScreen = nullptr;
    QWidget* m_traineeTab = nullptr;
    void lockToTrainee(bool locked);
    QComboBox* m_speedBox = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_pause = nullptr;
    QPushButton* m_stop = nullptr;
    QPushButton* m_finish = nullptr;
    QLabel* m_score = nullptr;
    QListWidget* m_trainerTimeline = nullptr;
    QWidget* m_live = nullptr;
    QSplitter* m_trainerSplit = nullptr;
    bool m_liveCollapsed = false;
    QLabel* m_briefing = nullptr;
    QComboBox* m_region = nullptr;
    QLineEdit* m_note = nullptr;
    std::vector<QPushButton*> m_actionButtons;
    QListWidget* m_traineeTimeline = nullptr;
    DrillEditor* m_editor = nullptr;
    QComboBox* m_historyTrainee = nullptr;
    QTableWidget* m_history = nullptr;
    QTextBrowser* m_historyReport = nullptr;
    QLabel* m_exportStatus = nullptr;
    QTimer* m_scoreTimer = nullptr;
};

}  // namespace pulsco
