#include "ui/MainWindow.h"

#include "ui/DashboardPage.h"
#include "ui/EventLogView.h"
#include "ui/FaultDialog.h"
#include "ui/Format.h"
#include "ui/QueueDepthChart.h"
#include "ui/SourceBar.h"
#include "ui/SourceControls.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

namespace pulsco {

using namespace Qt::StringLiterals;

namespace {

QSettings consoleSettings() {
    return QSettings(u"Pulsco"_s, u"Ops Console"_s);
}

}  // namespace

MainWindow::MainWindow(SourceFactory& factory, QWidget* parent)
    : QMainWindow(parent)
    , m_factory(factory) {
    setWindowTitle(tr("Pulsco Ops Console"));
    setObjectName(u"pulscoMainWindow"_s);
    setAccessibleName(tr("Pulsco Ops Console"));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

    m_controls = new SourceControls(this);
    addToolBar(Qt::TopToolBarArea, m_controls);
    m_controls->setScenarioNames(m_factory.scenarioNames());

    auto* central = new QWidget(this);
    m_sourceBar = new SourceBar(central);
    m_pages = new QTabWidget(central);
    m_pages->setDocumentMode(true);
    m_pages->setAccessibleName(tr("Pages"));
    m_pages->tabBar()->setAccessibleName(tr("Page switcher"));
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_sourceBar);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    m_ageLabel = new QLabel(this);
    m_rateLabel = new QLabel(this);
    // Room for the widest figure, so "events/s" is never cut as the rate changes.
    m_rateLabel->setMinimumWidth(
        m_rateLabel->fontMetrics().horizontalAdvance(tr("%1 events/s").arg(u"99,999"_s)) + 4);
    m_rateLabel->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    statusBar()->addPermanentWidget(m_rateLabel);
    statusBar()->addPermanentWidget(m_ageLabel);
    statusBar()->setAccessibleName(tr("Status bar"));

    buildMenus();

    m_dashboard = new DashboardPage(m_pages);
    addPage(u"dashboard"_s, m_dashboard, tr("Dashboard"), QIcon(u":/pulsco/icons/dashboard.svg"_s));
    connect(this, &MainWindow::sourceChanged, m_dashboard, &DashboardPage::setSource);

    connect(m_controls, &SourceControls::restartRequested, this, &MainWindow::restartWith);
    connect(m_controls, &SourceControls::faultDialogRequested, this, &MainWindow::showFaultDialog);
    connect(m_controls, &SourceControls::speedChosen, this,
            [this](double speed) { m_preferredSpeed = speed; });

    m_statusTimer = new QTimer(this);
    m_statusTimer->setInterval(500);
    connect(m_statusTimer, &QTimer::timeout, this, &MainWindow::refreshStatus);
    m_statusTimer->start();
    m_sinceTick.start();
    refreshStatus();
    resize(1280, 800);
}

MainWindow::~MainWindow() {
    // Stop (and join) the source while every page is still alive.
    if (m_source) {
        m_source->stop();
        emit sourceChanged(nullptr);
        m_source.reset();
    }
}

int MainWindow::addPage(const QString& key, QWidget* page, const QString& title,
                        const QIcon& icon) {
    // A page's banner (object name "pageBanner", e.g. the Rollout page's
    // rollback banner) goes under the window's top bar: seen on every page.
    if (auto* banner = page->findChild<QWidget*>(u"pageBanner"_s, Qt::FindDirectChildrenOnly)) {
        if (page->layout())
            page->layout()->removeWidget(banner);
        auto* column = static_cast<QVBoxLayout*>(centralWidget()->layout());
        column->insertWidget(column->indexOf(m_pages), banner);
    }
    const int index = m_pages->addTab(page, icon, title);
    m_pageKeys.insert(index, key);
    auto* action = m_pagesMenu->addAction(icon, title);
    if (index < 9)
        action->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + index)));
    connect(action, &QAction::triggered, this, [this, key] { showPage(key); });
    m_pages->setTabToolTip(
        index, tr("%1 (%2)").arg(title, action->shortcut().toString(QKeySequence::NativeText)));
    return index;
}

bool MainWindow::showPage(const QString& key) {
    const int index = static_cast<int>(m_pageKeys.indexOf(key));
    if (index < 0)
        return false;
    m_pages->setCurrentIndex(index);
    return true;
}

QStringList MainWindow::pageKeys() const {
    return m_pageKeys;
}

QString MainWindow::currentPageKey() const {
    return m_pageKeys.value(m_pages->currentIndex());
}

void MainWindow::addPanel(QDockWidget* panel, Qt::DockWidgetArea area) {
    addDockWidget(area, panel);
    m_panelsMenu->addAction(panel->toggleViewAction());
    m_panelsMenu->menuAction()->setVisible(true);
}

bool MainWindow::openSource(const SourceRequest& request, QString* error) {
    QString why;
    std::unique_ptr<Source> source = m_factory.create(request, &why);
    if (!source) {
        if (error)
            *error = why;
        return false;
    }
    setSource(std::move(source), request);
    return true;
}

void MainWindow::addSourceGuard(SourceGuard guard) {
    m_sourceGuards.push_back(std::move(guard));
}

bool MainWindow::confirmReplaceSource(const QString& action) {
    QStringList losses;
    for (const SourceGuard& guard : m_sourceGuards)
        if (const QString loss = guard(); !loss.isEmpty())
            losses << loss;
    if (losses.isEmpty() || !m_source)
        return true;
    const QString title = tr("Replace the running source?");
    QString text =
        tr("%1 stops %2 and replaces it. That ends:").arg(action, m_source->displayName());
    for (const QString& loss : losses)
        text += u"\n• "_s + loss;
    if (m_confirm)
        return m_confirm(title, text);
    QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::NoButton, this);
    QPushButton* replace = box.addButton(tr("Replace source"), QMessageBox::DestructiveRole);
    QPushButton* keep = box.addButton(tr("Keep running"), QMessageBox::RejectRole);
    box.setDefaultButton(keep);  // Enter keeps what runs; replacing takes a deliberate click
    box.setEscapeButton(keep);
    box.exec();
    return box.clickedButton() == replace;
}

void MainWindow::setSource(std::unique_ptr<Source> source, const SourceRequest& request) {
    ++m_generation;
    if (m_source) {
        m_source->stop();
        disconnect(m_source.get(), nullptr, this, nullptr);
    }
    // Pages let go of the old source before it is destroyed.
    emit sourceChanged(nullptr);
    m_source = std::move(source);
    m_request = request;
    m_lastSnapshot.reset();
    m_sinceSnapshot.invalidate();
    m_eventsSinceTick = 0;
    m_eventsPerSecond = 0;
    m_sourceBar->clearSnapshot();
    m_controls->setCurrentRequest(request);
    m_controls->setSource(m_source.get());
    if (!m_source) {
        m_sourceBar->setSourceName(tr("No source"));
        m_sourceBar->setState(Source::State::Stopped, false, false);
        return;
    }
    Source* src = m_source.get();
    m_sourceBar->setSourceName(src->displayName());
    const quint64 generation = m_generation;
    connect(src, &Source::snapshotReady, this, [this, generation](SnapshotPtr snapshot) {
        if (generation == m_generation)
            onSnapshot(snapshot);
    });
    connect(src, &Source::eventsReady, this, [this, generation](LogEventBatch events) {
        if (generation == m_generation && events)
            m_eventsSinceTick += events->size();
    });
    connect(src, &Source::stateChanged, this, [this, generation] {
        if (generation == m_generation)
            refreshStatus();
    });
    connect(src, &Source::commandFailed, this, &MainWindow::onCommandFailed);
    emit sourceChanged(src);
    src->start();
    if (m_preferredSpeed && src->capabilities().speedControl)
        m_controls->selectSpeed(*m_preferredSpeed);
    m_dashboard->addConsoleEvent(LogEventKind::Info,
                                 tr("Source started: %1").arg(src->displayName()));
    refreshStatus();
}

void MainWindow::setPreferredSpeed(std::optional<double> speed) {
    m_preferredSpeed = speed;
    if (speed && m_source && m_source->capabilities().speedControl)
        m_controls->selectSpeed(*speed);
}

void MainWindow::onSnapshot(const SnapshotPtr& snapshot) {
    if (!snapshot)
        return;
    m_lastSnapshot = snapshot;
    m_sinceSnapshot.start();
    m_sourceBar->showSnapshot(*snapshot);
    m_controls->showSnapshot(*snapshot);
    refreshStatus();
}

void MainWindow::onCommandFailed(const QString& command, const QString& reason) {
    const QString text = tr("%1 refused: %2").arg(command, reason);
    statusBar()->showMessage(text, 10000);
    m_dashboard->addConsoleEvent(LogEventKind::Error, text);
}

void MainWindow::restartWith(const SourceRequest& request) {
    const QString what =
        request.scenario.isEmpty()
            ? tr("Restarting")
            : tr("Starting %1").arg(QFileInfo(request.scenario).completeBaseName());
    if (!confirmReplaceSource(what)) {
        m_controls->setCurrentRequest(m_request);  // the picker shows what still runs
        return;
    }
    QString error;
    if (!openSource(request, &error)) {
        QMessageBox::warning(this, tr("Cannot start the simulation"), error);
        m_controls->setCurrentRequest(m_request);
    }
}

void MainWindow::refreshStatus() {
    const double elapsed = std::max(0.001, m_sinceTick.restart() / 1000.0);
    const double instant = static_cast<double>(m_eventsSinceTick) / elapsed;
    m_eventsSinceTick = 0;
    // Smoothed over a few seconds so the figure is readable.
    m_eventsPerSecond = m_eventsPerSecond * 0.7 + instant * 0.3;
    m_rateLabel->setText(tr("%1 events/s").arg(QLocale().toString(m_eventsPerSecond, 'f', 0)));

    if (!m_source) {
        m_ageLabel->setText(tr("No source"));
        return;
    }
    const bool paused =
        (m_lastSnapshot && m_lastSnapshot->paused) || m_source->state() == Source::State::Paused;
    bool stale = false;
    if (m_sinceSnapshot.isValid()) {
        const qint64 age = m_sinceSnapshot.elapsed();
        // A paused simulator has nothing new to say; silence is stale only
        // while the source claims to be running.
        stale = age > kStaleAfterMs && !paused;
        m_ageLabel->setText(tr("Last snapshot %1 ago").arg(formatSeconds(age / 1000.0)));
    } else {
        m_ageLabel->setText(tr("No snapshot yet"));
    }
    m_sourceBar->setState(m_source->state(), paused, stale);
}

QString MainWindow::statusText() const {
    return m_rateLabel->text() + u" · "_s + m_ageLabel->text();
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open scenario…"), this, &MainWindow::openScenarioFile);
    open->setShortcut(QKeySequence::Open);
    m_reopenLast = file->addAction(tr("&Reopen last scenario on start"));
    m_reopenLast->setCheckable(true);
    file->addSeparator();
    QAction* shot = file->addAction(tr("Save &screenshot…"), this, &MainWindow::saveScreenshot);
    shot->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));

    QMenu* sim = menuBar()->addMenu(tr("&Simulation"));
    sim->addAction(m_controls->playPauseAction());
    sim->addAction(m_controls->stepAction());
    sim->addAction(m_controls->fasterAction());
    sim->addAction(m_controls->slowerAction());
    sim->addSeparator();
    sim->addAction(m_controls->restartAction());
    sim->addSeparator();
    sim->addMenu(m_controls->faultMenu());
    sim->addAction(m_controls->clearFaultsAction());

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_pagesMenu = m_viewMenu->addMenu(tr("&Pages"));
    m_panelsMenu = m_viewMenu->addMenu(tr("Pa&nels"));
    m_panelsMenu->menuAction()->setVisible(false);
    QMenu* window = m_viewMenu->addMenu(tr("Queue chart &window"));
    auto* windowGroup = new QActionGroup(this);
    for (const int minutes : {10, 30, 60}) {
        QAction* a = window->addAction(tr("Last %1 minutes").arg(minutes));
        a->setCheckable(true);
        a->setChecked(minutes == 10);
        windowGroup->addAction(a);
        connect(a, &QAction::triggered, this,
                [this, minutes] { m_dashboard->queueChart()->setWindowMinutes(minutes); });
    }
    QAction* search = m_viewMenu->addAction(tr("&Search event log"), this, [this] {
        showPage(u"dashboard"_s);
        m_dashboard->eventLog()->focusSearch();
    });
    search->setShortcut(QKeySequence::Find);
    m_viewMenu->addSeparator();
    m_themeGroup = new QActionGroup(this);
    QAction* light =
        m_viewMenu->addAction(tr("&Light palette"), this, [this] { setTheme(Theme::Light); });
    QAction* dark =
        m_viewMenu->addAction(tr("&Dark palette"), this, [this] { setTheme(Theme::Dark); });
    light->setCheckable(true);
    dark->setCheckable(true);
    light->setData(themeKey(Theme::Light));
    dark->setData(themeKey(Theme::Dark));
    light->setChecked(true);
    m_themeGroup->addAction(light);
    m_themeGroup->addAction(dark);
    QAction* toggle = m_viewMenu->addAction(tr("&Toggle light/dark"), this, [this] {
        setTheme(m_theme == Theme::Light ? Theme::Dark : Theme::Light);
    });
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    QAction* fullScreen = m_viewMenu->addAction(
        tr("&Full screen"), this, [this] { setWindowState(windowState() ^ Qt::WindowFullScreen); });
    fullScreen->setShortcut(QKeySequence::FullScreen);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* keys = help->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::showShortcuts);
    keys->setShortcut(QKeySequence(Qt::Key_F1));
    help->addAction(tr("&About Pulsco Ops Console"), this, &MainWindow::showAbout);
}

void MainWindow::setTheme(Theme theme) {
    m_theme = theme;
    applyTheme(theme);
    for (QAction* action : m_themeGroup->actions())
        action->setChecked(action->data().toString() == themeKey(theme));
}

void MainWindow::openScenarioFile() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open scenario"), {},
                                                      tr("Scenario files (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    SourceRequest request;
    request.kind = SourceRequest::Kind::Simulator;
    request.scenario = path;
    if (!confirmReplaceSource(tr("Opening %1").arg(QFileInfo(path).fileName())))
        return;
    QString error;
    if (!openSource(request, &error))
        QMessageBox::warning(this, tr("Cannot open scenario"), error);
}

void MainWindow::saveScreenshot() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save screenshot"), u"pulsco-console.png"_s, tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    if (!grab().save(path, "PNG"))
        QMessageBox::warning(this, tr("Cannot save screenshot"),
                             tr("%1: could not be written").arg(path));
}

void MainWindow::showFaultDialog(FaultKind kind) {
    if (!m_source)
        return;
    QStringList regions;
    if (m_lastSnapshot) {
        for (const auto& [name, metrics] : m_lastSnapshot->regions)
            regions << QString::fromStdString(name);
    }
    auto* dialog = new FaultDialog(kind, regions, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QPointer<Source> target = m_source.get();
    connect(dialog, &QDialog::accepted, this, [this, dialog, target] {
        // The source may have been replaced while the dialog was open.
        if (target && target == m_source.get())
            target->injectFault(dialog->fault());
    });
    dialog->open();
}

QString MainWindow::shortcutsText() const {
    QString rows;
    const auto addRow = [&rows](const QString& keys, const QString& what) {
        rows += u"<tr><td><b>%1</b></td><td>%2</td></tr>"_s.arg(keys.toHtmlEscaped(),
                                                                what.toHtmlEscaped());
    };
    QList<QAction*> actions = findChildren<QAction*>();
    for (QAction* action : actions) {
        if (action->shortcut().isEmpty())
            continue;
        QString text = action->text();
        text.remove(u'&');
        if (text.endsWith(u"…"_s))
            text.chop(1);
        addRow(action->shortcut().toString(QKeySequence::NativeText), text);
    }
    addRow(tr("Alt+underlined letter"), tr("Focus the control with that label (e.g. Alt+P speed)"));
    addRow(tr("Tab / Shift+Tab"), tr("Move between controls"));
    return u"<table cellspacing=6>%1</table>"_s.arg(rows);
}

void MainWindow::showShortcuts() {
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Keyboard shortcuts"));
    auto* text = new QTextBrowser(&dialog);
    text->setHtml(shortcutsText());
    text->setAccessibleName(tr("Keyboard shortcuts"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(text);
    layout->addWidget(buttons);
    dialog.resize(480, 520);
    dialog.exec();
}

QString MainWindow::aboutText() {
    return tr("<h3>Pulsco Ops Console %1</h3>"
              "<p>Watches the Pulsco matchmaking service, rehearses load and drills on the "
              "embedded "
              "simulator, and carries out the rollout plan.</p>"
              "<p>Copyright © the Pulsco Ops Console authors.</p>"
              "<p>This program is free software: you can redistribute it and/or modify it under "
              "the "
              "terms of the GNU General Public License as published by the Free Software "
              "Foundation, "
              "either version 3 of the License, or (at your option) any later version.</p>"
              "<p>This program is distributed in the hope that it will be useful, but WITHOUT ANY "
              "WARRANTY; without even the implied warranty of MERCHANTABILITY or FITNESS FOR A "
              "PARTICULAR PURPOSE. See the GNU General Public License for more details.</p>"
              "<p>You should have received a copy of the GNU General Public License along with "
              "this "
              "program. If not, see <a href=\"https://www.gnu.org/licenses/\">"
              "https://www.gnu.org/licenses/</a>.</p>"
              "<p>SPDX-License-Identifier: GPL-3.0-or-later. Built with Qt %2 (Qt Charts under "
              "GPL-3.0). Press F1 for keyboard shortcuts.</p>")
        .arg(QApplication::applicationVersion(), QLatin1StringView(qVersion()));
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About Pulsco Ops Console"), aboutText());
}

void MainWindow::restoreSettings(bool restoreGeometryToo) {
    QSettings settings = consoleSettings();
    if (restoreGeometryToo) {
        restoreGeometry(settings.value(u"window/geometry"_s).toByteArray());
        restoreState(settings.value(u"window/state"_s).toByteArray());
    }
    if (const auto theme = themeFromKey(settings.value(u"view/theme"_s).toString()))
        setTheme(*theme);
    bool ok = false;
    const double speed = settings.value(u"source/speed"_s).toDouble(&ok);
    if (ok && settings.contains(u"source/speed"_s) && speed >= 0)
        m_preferredSpeed = speed;
    m_reopenLast->setChecked(settings.value(u"source/reopenLast"_s, false).toBool());
}

bool MainWindow::reopenLastScenario() const {
    return m_reopenLast->isChecked();
}

SourceRequest MainWindow::lastSavedRequest() const {
    QSettings settings = consoleSettings();
    SourceRequest request;
    request.kind = SourceRequest::Kind::Simulator;
    request.scenario = settings.value(u"source/lastScenario"_s).toString();
    request.players = settings.value(u"source/players"_s, 0).toInt();
    return request;
}

void MainWindow::saveSettings() const {
    QSettings settings = consoleSettings();
    settings.setValue(u"window/geometry"_s, saveGeometry());
    settings.setValue(u"window/state"_s, saveState());
    settings.setValue(u"view/theme"_s, themeKey(m_theme));
    if (m_preferredSpeed)
        settings.setValue(u"source/speed"_s, *m_preferredSpeed);
    if (m_request.kind == SourceRequest::Kind::Simulator && !m_request.scenario.isEmpty()) {
        settings.setValue(u"source/lastScenario"_s, m_request.scenario);
        settings.setValue(u"source/players"_s, m_request.players);
    }
    settings.setValue(u"source/reopenLast"_s, m_reopenLast->isChecked());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveSettings();
    QMainWindow::closeEvent(event);
}

}  // namespace pulsco
