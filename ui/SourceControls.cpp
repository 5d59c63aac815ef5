#include "ui/SourceControls.h"

#include "ui/FaultDialog.h"
#include "ui/Format.h"

#include <QAbstractItemView>
#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QMenu>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

namespace pulsco {

using namespace Qt::StringLiterals;

namespace {

QLabel* buddyLabel(const QString& text, QWidget* buddy, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    label->setBuddy(buddy);
    label->setContentsMargins(8, 0, 2, 0);
    return label;
}

void setEnabledWithReason(QWidget* widget, bool enabled, const QString& reason,
                          const QString& normalTip) {
    widget->setEnabled(enabled);
    widget->setToolTip(enabled ? normalTip : reason);
}

}  // namespace

QList<double> SourceControls::speedPresets() {
    return {1, 10, 100, 0};
}

SourceControls::SourceControls(QWidget* parent)
    : QToolBar(tr("Source controls"), parent) {
    setObjectName(u"sourceControls"_s);
    setAccessibleName(tr("Source controls"));
    setMovable(false);
    setFloatable(false);
    setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    setIconSize(QSize(16, 16));

    m_playPause = new QAction(this);
    m_playPause->setShortcut(QKeySequence(Qt::Key_Space));
    m_playPause->setShortcutContext(Qt::WindowShortcut);
    connect(m_playPause, &QAction::triggered, this, &SourceControls::togglePlay);
    updatePlayAction(false);
    addAction(m_playPause);
    m_simulatorOnly.push_back(m_playPause);
    m_playButton = qobject_cast<QToolButton*>(widgetForAction(m_playPause));
    if (m_playButton)
        m_playButton->setAccessibleName(tr("Play or pause"));

    m_step = new QAction(style()->standardIcon(QStyle::SP_MediaSeekForward), tr("S&tep"), this);
    m_step->setShortcut(QKeySequence(Qt::Key_Period));
    m_step->setToolTip(tr("Advance one tick while paused (.)"));
    connect(m_step, &QAction::triggered, this, [this] {
        if (m_source)
            m_source->step();
    });
    addAction(m_step);
    m_simulatorOnly.push_back(m_step);
    if (auto* button = widgetForAction(m_step))
        button->setAccessibleName(tr("Step"));

    m_speed = new QComboBox(this);
    for (const double speed : speedPresets())
        m_speed->addItem(formatSpeed(speed), speed);
    m_speed->setAccessibleName(tr("Simulation speed"));
    m_speed->setCurrentIndex(0);
    auto* speedLabel = buddyLabel(tr("S&peed"), m_speed, this);
    m_simulatorOnly.push_back(addWidget(speedLabel));
    m_simulatorOnly.push_back(addWidget(m_speed));
    connect(m_speed, &QComboBox::activated, this, [this] {
        const double speed = selectedSpeed();
        if (m_source)
            m_source->setSpeed(speed);
        emit speedChosen(speed);
    });
    m_faster = new QAction(tr("&Faster"), this);
    m_faster->setShortcut(QKeySequence(Qt::Key_BracketRight));
    connect(m_faster, &QAction::triggered, this, [this] { stepSpeed(+1); });
    m_slower = new QAction(tr("S&lower"), this);
    m_slower->setShortcut(QKeySequence(Qt::Key_BracketLeft));
    connect(m_slower, &QAction::triggered, this, [this] { stepSpeed(-1); });
    m_speedWidgets = {m_speed, speedLabel};
    m_simulatorOnly.push_back(addSeparator());

    m_scenario = new QComboBox(this);
    m_scenario->setAccessibleName(tr("Scenario"));
    m_scenario->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_scenario->setMinimumContentsLength(14);
    auto* scenarioLabel = buddyLabel(tr("Sce&nario"), m_scenario, this);
    m_simulatorOnly.push_back(addWidget(scenarioLabel));
    m_simulatorOnly.push_back(addWidget(m_scenario));
    connect(m_scenario, &QComboBox::activated, this, [this] {
        SourceRequest request = m_request;
        request.kind = SourceRequest::Kind::Simulator;
        request.scenario = m_scenario->currentData().toString();
        request.players = 0;  // a new scenario starts with its own population
        emit restartRequested(request);
    });

    m_players = new QSpinBox(this);
    m_players->setRange(1, 1000000);
    m_players->setSingleStep(100);
    m_players->setValue(1000);
    m_players->setGroupSeparatorShown(true);
    m_players->setAccessibleName(tr("Population size"));
    m_players->setKeyboardTracking(false);
    auto* playersLabel = buddyLabel(tr("Pla&yers"), m_players, this);
    m_simulatorOnly.push_back(addWidget(playersLabel));
    m_simulatorOnly.push_back(addWidget(m_players));

    m_restart = new QAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("&Restart"), this);
    m_restart->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    connect(m_restart, &QAction::triggered, this, [this] {
        SourceRequest request = m_request;
        request.kind = SourceRequest::Kind::Simulator;
        if (m_scenario->currentIndex() >= 0)
            request.scenario = m_scenario->currentData().toString();
        request.players = m_players->value();
        emit restartRequested(request);
    });
    connect(m_players, &QSpinBox::editingFinished, this, [this] {
        if (m_players->hasFocus() && m_players->value() != m_request.players)
            m_restart->trigger();
    });
    addAction(m_restart);
    m_simulatorOnly.push_back(m_restart);
    if (auto* button = widgetForAction(m_restart))
        button->setAccessibleName(tr("Restart with this scenario and population"));
    m_scenarioWidgets = {m_scenario, scenarioLabel, m_players, playersLabel};
    m_simulatorOnly.push_back(addSeparator());
    // From the scenario label to here: what a replay has no use for.
    m_scenarioOnly.assign(m_simulatorOnly.end() - 6, m_simulatorOnly.end());

    m_faultMenu = new QMenu(tr("Inject fa&ult"), this);
    for (const FaultKind kind : kAllFaultKinds) {
        QAction* action = m_faultMenu->addAction(FaultDialog::kindTitle(kind) + u"…"_s);
        action->setToolTip(FaultDialog::kindDescription(kind));
        action->setData(static_cast<int>(kind));
        connect(action, &QAction::triggered, this,
                [this, kind] { emit faultDialogRequested(kind); });
    }
    m_faultButton = new QToolButton(this);
    m_faultButton->setText(tr("Inject fa&ult"));
    m_faultButton->setIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning));
    m_faultButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_faultButton->setIconSize(QSize(16, 16));
    m_faultButton->setMenu(m_faultMenu);
    m_faultButton->setPopupMode(QToolButton::InstantPopup);
    m_faultButton->setAccessibleName(tr("Inject fault"));
    addWidget(m_faultButton);

    m_clearFaults = new QAction(tr("&Clear faults"), this);
    m_clearFaults->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
    connect(m_clearFaults, &QAction::triggered, this, [this] {
        if (m_source)
            m_source->clearFaults();
    });
    addAction(m_clearFaults);
    if (auto* button = widgetForAction(m_clearFaults))
        button->setAccessibleName(tr("Clear faults"));
    m_simulatorOnly.push_back(addSeparator());

    m_traffic = new QSlider(Qt::Horizontal, this);
    m_traffic->setRange(0, 100);
    m_traffic->setSingleStep(5);
    m_traffic->setPageStep(10);
    m_traffic->setTickInterval(10);
    m_traffic->setTickPosition(QSlider::NoTicks);
    m_traffic->setFixedWidth(110);
    m_traffic->setAccessibleName(tr("Green traffic weight, percent"));
    auto* trafficLabel = buddyLabel(tr("&Green traffic"), m_traffic, this);
    m_trafficValue = new QLabel(u"0 %"_s, this);
    m_trafficValue->setMinimumWidth(m_trafficValue->fontMetrics().horizontalAdvance(u"100 %0"_s));
    m_simulatorOnly.push_back(addWidget(trafficLabel));
    m_simulatorOnly.push_back(addWidget(m_traffic));
    m_simulatorOnly.push_back(addWidget(m_trafficValue));
    m_scenarioOnly.insert(m_scenarioOnly.end(), m_simulatorOnly.end() - 3, m_simulatorOnly.end());

    // On live servers, instead of the simulator's controls: why they are gone.
    auto* liveNote =
        new QLabel(tr("Live servers: real time; traffic shifts from the Rollout page"), this);
    liveNote->setObjectName(u"liveControlsNote"_s);
    liveNote->setContentsMargins(8, 0, 8, 0);
    liveNote->setToolTip(
        tr("Speed, pause, scenarios, population and the green traffic slider are simulator "
           "controls. On live servers traffic between blue and green is shifted by the rollout "
           "webhook (Rollout page)."));
    m_liveNote = addWidget(liveNote);
    m_liveNote->setVisible(false);
    m_trafficDebounce = new QTimer(this);
    m_trafficDebounce->setSingleShot(true);
    m_trafficDebounce->setInterval(250);
    connect(m_trafficDebounce, &QTimer::timeout, this, &SourceControls::sendTrafficWeight);
    connect(m_traffic, &QSlider::valueChanged, this, [this](int value) {
        m_trafficValue->setText(u"%1 %"_s.arg(value));
        if (!m_traffic->isSliderDown())
            m_trafficDebounce->start();
    });
    connect(m_traffic, &QSlider::sliderReleased, this, &SourceControls::sendTrafficWeight);

    applyCapabilities();
}

double SourceControls::selectedSpeed() const {
    return m_speed->currentData().toDouble();
}

int SourceControls::speedIndex(double speed) {
    const double key = speed > 0 ? speed : 0.0;
    const int found = m_speed->findData(key);
    if (found >= 0)
        return found;
    // Ascending, with max (0) last.
    int at = 0;
    while (at < m_speed->count()) {
        const double d = m_speed->itemData(at).toDouble();
        if (!(d > 0) || d > key)
            break;
        ++at;
    }
    const QSignalBlocker blocker(m_speed);
    m_speed->insertItem(at, formatSpeed(key), key);
    return at;
}

bool SourceControls::simulatorControlsShown() const {
    return m_speed && m_simulatorOnly.front()->isVisible();
}

void SourceControls::selectSpeed(double speed) {
    const int index = speedIndex(speed);
    if (index != m_speed->currentIndex()) {
        const QSignalBlocker blocker(m_speed);
        m_speed->setCurrentIndex(index);
    }
    if (m_source)
        m_source->setSpeed(speed);
    emit speedChosen(speed);
}

void SourceControls::stepSpeed(int direction) {
    if (!m_speed->isEnabled())
        return;
    const int next = std::clamp(m_speed->currentIndex() + direction, 0, m_speed->count() - 1);
    if (next != m_speed->currentIndex())
        selectSpeed(m_speed->itemData(next).toDouble());
}

void SourceControls::setSource(Source* source) {
    m_source = source;
    m_paused = false;
    updatePlayAction(false);
    applyCapabilities();
}

void SourceControls::setScenarioNames(const QStringList& names) {
    const QSignalBlocker blocker(m_scenario);
    const QString current = m_scenario->currentData().toString();
    m_scenario->clear();
    for (const QString& name : names)
        m_scenario->addItem(name, name);
    const int index = m_scenario->findData(current);
    m_scenario->setCurrentIndex(index >= 0 ? index : 0);
}

void SourceControls::setCurrentRequest(const SourceRequest& request) {
    m_request = request;
    const QSignalBlocker blocker(m_scenario);
    int index = m_scenario->findData(request.scenario);
    if (index < 0 && !request.scenario.isEmpty()) {
        // A scenario file outside the shipped set: show it by file name.
        m_scenario->addItem(request.scenario.section(u'/', -1), request.scenario);
        index = m_scenario->count() - 1;
    }
    if (index >= 0)
        m_scenario->setCurrentIndex(index);
    if (request.players > 0) {
        const QSignalBlocker playersBlocker(m_players);
        m_players->setValue(request.players);
    }
}

void SourceControls::showSnapshot(const MetricsSnapshot& snapshot) {
    if (snapshot.paused != m_paused)
        updatePlayAction(snapshot.paused);
    if (!m_speed->view()->isVisible()) {
        const int index = speedIndex(snapshot.speed);
        if (index != m_speed->currentIndex()) {
            const QSignalBlocker blocker(m_speed);
            m_speed->setCurrentIndex(index);
        }
    }
    if (m_request.players <= 0 && !m_players->hasFocus() && snapshot.playersOnline > 0) {
        // The population the scenario itself asked for, until the user picks one.
        const QSignalBlocker blocker(m_players);
        m_players->setValue(static_cast<int>(std::min<std::uint64_t>(
            std::max(snapshot.concurrentPlayersPeak, snapshot.playersOnline), 1000000)));
    }
    if (!m_traffic->isSliderDown() && !m_trafficDebounce->isActive() && !m_traffic->hasFocus()) {
        const QSignalBlocker blocker(m_traffic);
        // The slider is the weight set; the comparison table shows what the
        // traffic really did.
        const int set = snapshot.green.requestedWeightPercent.value_or(0);
        m_traffic->setValue(set);
        m_trafficValue->setText(u"%1 %"_s.arg(set));
    }
}

void SourceControls::togglePlay() {
    if (!m_source)
        return;
    if (m_paused)
        m_source->resume();
    else
        m_source->pause();
    updatePlayAction(!m_paused);
}

void SourceControls::updatePlayAction(bool paused) {
    m_paused = paused;
    m_playPause->setText(paused ? tr("&Resume") : tr("&Pause"));
    m_playPause->setIcon(
        style()->standardIcon(paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
    m_playPause->setToolTip(paused ? tr("Resume the simulation (Space)")
                                   : tr("Pause the simulation (Space)"));
    if (m_step)
        m_step->setEnabled(paused && m_source && m_source->capabilities().speedControl);
}

void SourceControls::sendTrafficWeight() {
    m_trafficDebounce->stop();
    if (m_source)
        m_source->setTrafficWeight(m_traffic->value());
}

void SourceControls::applyCapabilities() {
    const Source::Capabilities caps = m_source ? m_source->capabilities() : Source::Capabilities{};
    const QString noSource = tr("No source is running");
    const QString speedReason =
        m_source ? tr("This source runs in real time: speed and pause are simulator controls")
                 : noSource;
    m_playPause->setEnabled(caps.speedControl);
    if (!caps.speedControl)
        m_playPause->setToolTip(speedReason);
    m_step->setEnabled(caps.speedControl && m_paused);
    m_faster->setEnabled(caps.speedControl);
    m_slower->setEnabled(caps.speedControl);
    for (QWidget* w : m_speedWidgets)
        setEnabledWithReason(w, caps.speedControl, speedReason,
                             tr("Simulated seconds per wall second ([ slower, ] faster)"));

    const QString scenarioReason =
        m_source ? tr("Scenarios and population apply to the embedded simulator only") : noSource;
    for (QWidget* w : m_scenarioWidgets)
        setEnabledWithReason(w, caps.scenarios || !m_source, scenarioReason,
                             tr("Pick a scenario or population; the simulation restarts"));
    m_restart->setEnabled(caps.scenarios || !m_source);

    const QString faultReason = !m_source ? noSource
                                : caps.faultsDisabledReason.isEmpty()
                                    ? tr("This source does not accept faults")
                                    : caps.faultsDisabledReason;
    setEnabledWithReason(m_faultButton, caps.faults, faultReason,
                         tr("Inject a fault into the running source"));
    m_clearFaults->setEnabled(caps.faults);
    m_clearFaults->setToolTip(caps.faults ? tr("Clear every injected fault (Ctrl+Shift+X)")
                                          : faultReason);
    m_faultMenu->setEnabled(caps.faults);

    const QString trafficReason =
        m_source ? tr("This source cannot shift traffic between blue and green") : noSource;
    setEnabledWithReason(m_traffic, caps.trafficWeight, trafficReason,
                         tr("Share of new traffic sent to green"));

    // Live servers run in real time on their own traffic split: the
    // simulator's controls would only show the last scenario and a weight
    // that means nothing there.
    const bool live = m_source && m_source->kind() == Source::Kind::Live;
    for (QAction* action : m_simulatorOnly)
        action->setVisible(!live);
    // A replay has speed and pause but no scenario, population or weight:
    // those controls would show the last scenario's, greyed.
    const bool replay = m_source && !live && caps.speedControl && !caps.scenarios;
    for (QAction* action : m_scenarioOnly)
        action->setVisible(!live && !replay);
    m_liveNote->setVisible(live);
}

}  // namespace pulsco
