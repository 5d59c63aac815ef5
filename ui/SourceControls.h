// The controls of the current source: play/pause, step, speed, scenario and
// population, faults, traffic weight. They call the Source directly; a
// scenario or population change asks the window for a new source. Controls
// the source cannot honour are disabled with a tooltip saying why.
#pragma once

#include "bridge/Source.h"
#include "bridge/SourceFactory.h"

#include <QToolBar>

class QAction;
class QComboBox;
class QLabel;
class QMenu;
class QSlider;
class QSpinBox;
class QTimer;
class QToolButton;

namespace pulsco {

class SourceControls : public QToolBar {
    Q_OBJECT
public:
    explicit SourceControls(QWidget* parent = nullptr);

    void setSource(Source* source);
    void setScenarioNames(const QStringList& names);
    // The request the current source was built from (scenario, players).
    void setCurrentRequest(const SourceRequest& request);
    void showSnapshot(const MetricsSnapshot& snapshot);

    // Speed presets in simulated seconds per wall second; 0 = max.
    static QList<double> speedPresets();
    void selectSpeed(double speed);  // also sends it to the source

    QAction* playPauseAction() const { return m_playPause; }
    QAction* stepAction() const { return m_step; }
    QAction* restartAction() const { return m_restart; }
    QAction* clearFaultsAction() const { return m_clearFaults; }
    QAction* fasterAction() const { return m_faster; }
    QAction* slowerAction() const { return m_slower; }
    QMenu* faultMenu() const { return m_faultMenu; }
    QComboBox* speedCombo() const { return m_speed; }
    QComboBox* scenarioCombo() const { return m_scenario; }
    QSpinBox* playersBox() const { return m_players; }
    QSlider* trafficSlider() const { return m_traffic; }
    // True when the toolbar shows the simulator's controls (false on live servers).
    bool simulatorControlsShown() const;
    double selectedSpeed() const;

signals:
    // The user asked for another scenario or population: the window builds it.
    void restartRequested(const pulsco::SourceRequest& request);
    // The user picked a fault kind: the window shows the dialog.
    void faultDialogRequested(pulsco::FaultKind kind);
    void speedChosen(double speed);

private:
    void togglePlay();
    void applyCapabilities();
    void sendTrafficWeight();
    void updatePlayAction(bool paused);
    void stepSpeed(int direction);
    // The combo index of `speed` (0 = max), adding an entry in order for a
    // speed that is not a preset (e.g. --speed 60).
    int speedIndex(double speed);

    Source* m_source = nullptr;
    SourceRequest m_request;
    bool m_paused = false;
    QAction* m_playPause = nullptr;
    QAction* m_step = nullptr;
    QAction* m_restart = nullptr;
    QAction* m_clearFaults = nullptr;
    QAction* m_faster = nullptr;
    QAction* m_slower = nullptr;
    QMenu* m_faultMenu = nullptr;
    QToolButton* m_faultButton = nullptr;
    QToolButton* m_playButton = nullptr;
    QComboBox* m_speed = nullptr;
    QComboBox* m_scenario = nullptr;
    QSpinBox* m_players = nullptr;
    QSlider* m_traffic = nullptr;
    QLabel* m_trafficValue = nullptr;
    QTimer* m_trafficDebounce = nullptr;
    std::vector<QWidget*> m_speedWidgets;
    std::vector<QWidget*> m_scenarioWidgets;
    // Toolbar entries that only a simulator can honour: hidden on live
    // servers rather than showing the last scenario or a stale weight.
    std::vector<QAction*> m_simulatorOnly;
    std::vector<QAction*> m_scenarioOnly;  // hidden for a replay too
    QAction* m_liveNote = nullptr;
};

}  // namespace pulsco
