#include "ui/drills/DrillsPage.h"

#include "drills/DrillLibrary.h"
#include "drills/DrillSessionStore.h"
#include "ui/Format.h"
#include "ui/KpiStatus.h"
#include "ui/Theme.h"
#include "ui/drills/DrillEditor.h"
#include "ui/drills/DrillPdfExport.h"
#include "ui/drills/DrillText.h"
#include "ui/drills/DrillTimelineChart.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

DrillsPage::DrillsPage(DrillLibrary& library, DrillRunner& runner, QWidget* parent)
    : QWidget(parent)
    , m_library(library)
    , m_runner(runner) {
    setObjectName(u"drillsPage"_s);
    m_list = new QListWidget(this);
    m_list->setObjectName(u"drillList"_s);
    m_list->setAccessibleName(tr("Drills"));
    m_new = new QPushButton(tr("&New"), this);
    m_new->setAccessibleName(tr("New drill"));
    m_duplicate = new QPushButton(tr("&Duplicate"), this);
    m_duplicate->setAccessibleName(tr("Duplicate the selected drill"));
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(new QLabel(tr("Drills"), left));
    leftLayout->addWidget(m_list, 1);
    auto* leftButtons = new QHBoxLayout;
    leftButtons->addWidget(m_new);
    leftButtons->addWidget(m_duplicate);
    leftLayout->addLayout(leftButtons);

    m_editor = new DrillEditor(this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(u"drillTabs"_s);
    m_tabs->setAccessibleName(tr("Drill views"));
    m_tabs->addTab(buildTrainerTab(), tr("Trainer"));
    m_traineeTab = buildTraineeTab();
    m_tabs->addTab(m_traineeTab, tr("Trainee"));
    m_tabs->addTab(m_editor, tr("Editor"));
    m_tabs->addTab(buildHistoryTab(), tr("History"));

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(m_tabs);
    split->setStretchFactor(1, 1);
    split->setSizes({220, 900});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(split);

    m_scoreTimer = new QTimer(this);
    m_scoreTimer->setInterval(500);
    connect(m_scoreTimer, &QTimer::timeout, this, &DrillsPage::updateScore);
    connect(m_list, &QListWidget::currentRowChanged, this, &DrillsPage::showScript);
    connect(m_new, &QPushButton::clicked, this, [this] {
        m_editor->clear();
        m_tabs->setCurrentWidget(m_editor);
    });
    connect(m_duplicate, &QPushButton::clicked, this, &DrillsPage::duplicateSelected);
    connect(m_editor, &DrillEditor::saveRequested, this, [this] { saveEditedDrill(); });
    connect(&m_runner, &DrillRunner::started, this, &DrillsPage::onStarted);
    connect(&m_runner, &DrillRunner::eventRecorded, this, &DrillsPage::onEvent);
    connect(&m_runner, &DrillRunner::phaseChanged, this, &DrillsPage::updateControls);
    connect(&m_runner, &DrillRunner::saveFailed, this, [this](const QString& error) {
        m_trainerTimeline->addItem(tr("Not saved: %1").arg(error));
    });
    connect(&m_runner, &DrillRunner::finished, this, &DrillsPage::onFinished);
    updateScore();
    updateControls();
    refreshHistory();
}

DrillsPage::~DrillsPage() = default;

QWidget* DrillsPage::buildTrainerTab() {
    auto* tab = new QWidget(this);
    m_script = new QTextBrowser(tab);
    m_script->setObjectName(u"drillScript"_s);
    m_script->setAccessibleName(tr("Drill script"));
    m_trainee = new QLineEdit(tab);
    m_trainee->setObjectName(u"drillTrainee"_s);
    m_trainee->setAccessibleName(tr("Trainee name"));
    m_trainee->setPlaceholderText(tr("trainee"));
    // Reports and the history name who ran the drill, not "Trainer —".
    m_trainer = new QLineEdit(tab);
    m_trainer->setObjectName(u"drillTrainer"_s);
    m_trainer->setAccessibleName(tr("Trainer name"));
    m_trainer->setPlaceholderText(tr("trainer"));
    m_speedBox = new QComboBox(tab);
    m_speedBox->setAccessibleName(tr("Drill speed"));
    for (double s : {1.0, 10.0, 100.0, 0.0})
        m_speedBox->addItem(formatSpeed(s), s);
    m_speedBox->setCurrentIndex(std::max(0, m_speedBox->findData(m_runner.speed())));
    m_start = new QPushButton(tr("&Start"), tab);
    m_start->setAccessibleName(tr("Start the drill"));
    m_pause = new QPushButton(tr("&Pause"), tab);
    m_pause->setAccessibleName(tr("Pause or resume the drill"));
    m_stop = new QPushButton(tr("Emergency &stop"), tab);
    m_stop->setAccessibleName(tr("Emergency stop: clear every injected fault"));
    m_stop->setStyleSheet(u"QPushButton:enabled { color: white; background: #c62828; }"_s);
    m_finish = new QPushButton(tr("&Finish"), tab);
    m_finish->setAccessibleName(tr("Finish and score the drill"));
    m_score = new QLabel(tab);
    m_score->setObjectName(u"drillScore"_s);
    m_score->setAccessibleName(tr("Live score"));
    m_score->setTextFormat(Qt::RichText);
    m_trainerTimeline = new QListWidget(tab);
    m_trainerTimeline->setAccessibleName(tr("Drill timeline (trainer)"));

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Trainee:"), tab));
    controls->addWidget(m_trainee, 1);
    controls->addWidget(new QLabel(tr("Trainer:"), tab));
    controls->addWidget(m_trainer, 1);
    controls->addWidget(new QLabel(tr("Speed:"), tab));
    controls->addWidget(m_speedBox);
    controls->addWidget(m_start);
    controls->addWidget(m_pause);
    controls->addWidget(m_finish);
    controls->addWidget(m_stop);
    m_traineeScreen = new QCheckBox(
        tr("This screen is the trainee's: hide the cause while the drill runs (follow it in the "
           "trainer view, Ctrl+Shift+T)"),
        tab);
    m_traineeScreen->setObjectName(u"drillTraineeScreen"_s);
    m_traineeScreen->setChecked(true);
    auto* split = new QSplitter(Qt::Vertical, tab);
    split->addWidget(m_script);
    auto* live = new QGroupBox(tr("Live"), tab);
    live->setObjectName(u"drillLive"_s);
    auto* liveLayout = new QVBoxLayout(live);
    m_score->setWordWrap(true);
    liveLayout->addWidget(m_score);
    liveLayout->addWidget(m_trainerTimeline, 1);
    split->addWidget(live);
    split->setStretchFactor(0, 1);
    split->setChildrenCollapsible(false);
    m_live = live;
    m_trainerSplit = split;
    auto* layout = new QVBoxLayout(tab);
    layout->addLayout(controls);
    layout->addWidget(m_traineeScreen);
    layout->addWidget(split, 1);

    connect(m_start, &QPushButton::clicked, this, [this] { startDrill(); });
    connect(m_pause, &QPushButton::clicked, this, [this] {
        DrillSession* session = m_runner.session();
        if (!session)
            return;
        if (session->phase() == DrillSession::Phase::Paused)
            session->resume();
        else
            session->pause();
    });
    connect(m_stop, &QPushButton::clicked, this, [this] {
        if (DrillSession* session = m_runner.session())
            session->emergencyStop();
    });
    connect(m_finish, &QPushButton::clicked, this, [this] {
        if (DrillSession* session = m_runner.session())
            session->finish();
    });
    connect(m_speedBox, &QComboBox::activated, this,
            [this](int index) { setSpeed(m_speedBox->itemData(index).toDouble()); });
    return tab;
}

QWidget* DrillsPage::buildTraineeTab() {
    auto* tab = new QWidget(this);
    m_briefing = new QLabel(tab);
    m_briefing->setObjectName(u"drillBriefing"_s);
    m_briefing->setWordWrap(true);
    m_briefing->setAccessibleName(tr("Briefing"));
    m_region = new QComboBox(tab);
    m_region->setAccessibleName(tr("Region to shed"));
    m_note = new QLineEdit(tab);
    m_note->setAccessibleName(tr("Diagnosis note"));
    m_note->setPlaceholderText(tr("what you see, what you think, what you do"));
    m_traineeTimeline = new QListWidget(tab);
    m_traineeTimeline->setAccessibleName(tr("Drill timeline (trainee)"));

    auto* grid = new QGridLayout;
    auto addAction = [&](int row, int col, const QString& text, DrillAction action) {
        auto* b = new QPushButton(text, tab);
        b->setAccessibleName(text);
        grid->addWidget(b, row, col);
        m_actionButtons.push_back(b);
        connect(b, &QPushButton::clicked, this, [this, action] {
            DrillAction a = action;
            if (a.kind == DrillActionKind::ShedRegion)
                a.region = m_region->currentText();
            act(a);
        });
    };
    addAction(0, 0, tr("Roll back green"), {DrillActionKind::Rollback, {}, {}});
    addAction(0, 1, tr("Drain blue"), {DrillActionKind::Drain, u"blue"_s, {}});
    addAction(0, 2, tr("Drain green"), {DrillActionKind::Drain, u"green"_s, {}});
    addAction(1, 0, tr("Restart the matcher"), {DrillActionKind::RestartMatcher, {}, {}});
    addAction(1, 1, tr("Scale out + admission control"), {DrillActionKind::ScaleOut, {}, {}});
    addAction(1, 2, tr("Fail over the database"), {DrillActionKind::FailoverStore, {}, {}});
    addAction(2, 0, tr("Shed region"), {DrillActionKind::ShedRegion, {}, {}});
    grid->addWidget(m_region, 2, 1);
    addAction(2, 2, tr("Escalate"), {DrillActionKind::Escalate, {}, {}});
    auto* noteButton = new QPushButton(tr("Add &note"), tab);
    noteButton->setAccessibleName(tr("Add the diagnosis note"));
    m_actionButtons.push_back(noteButton);
    connect(noteButton, &QPushButton::clicked, this, [this] {
        DrillSession* session = m_runner.session();
        if (session && !m_note->text().trimmed().isEmpty() && session->addNote(m_note->text()))
            m_note->clear();
    });
    auto* noteRow = new QHBoxLayout;
    noteRow->addWidget(m_note, 1);
    noteRow->addWidget(noteButton);

    auto* layout = new QVBoxLayout(tab);
    auto* brief = new QGroupBox(tr("Briefing"), tab);
    auto* briefLayout = new QVBoxLayout(brief);
    briefLayout->addWidget(m_briefing);
    layout->addWidget(brief);
    auto* actions =
        new QGroupBox(tr("Actions (acknowledge and resolve alerts in the Alerts panel)"), tab);
    actions->setLayout(grid);
    layout->addWidget(actions);
    layout->addLayout(noteRow);
    layout->addWidget(m_traineeTimeline, 1);
    return tab;
}

QWidget* DrillsPage::buildHistoryTab() {
    auto* tab = new QWidget(this);
    m_historyTrainee = new QComboBox(tab);
    m_historyTrainee->setAccessibleName(tr("Trainee filter"));
    m_history = new QTableWidget(0, 6, tab);
    m_history->setObjectName(u"drillHistory"_s);
    m_history->setAccessibleName(tr("Drill history"));
    m_history->setHorizontalHeaderLabels(
        {tr("Started (UTC)"), tr("Trainee"), tr("Drill"), tr("MTTD"), tr("MTTR"), tr("Result")});
    m_history->horizontalHeader()->setStretchLastSection(true);
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_history->setSelectionMode(QAbstractItemView::SingleSelection);
    m_history->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_history->verticalHeader()->hide();
    m_historyReport = new QTextBrowser(tab);
    m_historyReport->setAccessibleName(tr("Session report"));
    auto* exportMd = new QPushButton(tr("Export &Markdown…"), tab);
    exportMd->setAccessibleName(tr("Export the session as Markdown"));
    auto* exportPdf = new QPushButton(tr("Export &PDF…"), tab);
    exportPdf->setAccessibleName(tr("Export the session as PDF"));
    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Trainee:"), tab));
    top->addWidget(m_historyTrainee, 1);
    top->addWidget(exportMd);
    top->addWidget(exportPdf);
    auto* split = new QSplitter(Qt::Vertical, tab);
    split->addWidget(m_history);
    split->addWidget(m_historyReport);
    // Says what an export wrote and where, or why it could not: the file
    // dialog closes either way, and the report above stays as it was.
    m_exportStatus = new QLabel(tab);
    m_exportStatus->setObjectName(u"drillExportStatus"_s);
    m_exportStatus->setAccessibleName(tr("Export status"));
    m_exportStatus->setWordWrap(true);
    m_exportStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_exportStatus->hide();
    auto* layout = new QVBoxLayout(tab);
    layout->addLayout(top);
    layout->addWidget(m_exportStatus);
    layout->addWidget(split, 1);

    connect(m_historyTrainee, &QComboBox::activated, this, [this] { refreshHistory(); });
    connect(m_history, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (row < 0 || row >= static_cast<int>(m_historyRecords.size()))
            return;
        const DrillRecord& record = m_historyRecords[static_cast<std::size_t>(row)];
        // The report's chart, as wide as the view shows it. After the
        // Markdown: setting it clears the document's resources.
        m_historyReport->setMarkdown(drillReportMarkdownWithChart(record));
        QTextDocument* document = m_historyReport->document();
        const int width = std::max(480, m_historyReport->viewport()->width() - 24);
        document->addResource(
            QTextDocument::ImageResource, QUrl(kDrillTimelineImage),
            drillTimelineImage(drillTimeline(record), QSize(width, width * 56 / 180)));
        document->markContentsDirty(0, document->characterCount());
    });
    auto exportAs = [this](const QString& filter, const QString& suffix) {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export drill report"),
                                                          u"drill-report."_s + suffix, filter);
        if (!path.isEmpty())
            exportSelectedSession(path);
    };
    connect(exportMd, &QPushButton::clicked, this,
            [exportAs, this] { exportAs(tr("Markdown (*.md)"), u"md"_s); });
    connect(exportPdf, &QPushButton::clicked, this,
            [exportAs, this] { exportAs(tr("PDF (*.pdf)"), u"pdf"_s); });
    return tab;
}

void DrillsPage::setContext(const DrillContext& context) {
    m_library.setContext(context);
    m_editor->setContext(context);
    m_region->clear();
    m_region->addItems(context.regions);
    reloadDrills();
}

void DrillsPage::reloadDrills() {
    const QString current = selectedDrill() ? selectedDrill()->name : QString();
    m_list->clear();
    m_entries = m_library.list();
    for (const DrillEntry& entry : m_entries) {
        auto* item = new QListWidgetItem(m_list);
        if (entry.drill) {
            item->setText(entry.drill->title + (entry.user ? tr(" (yours)") : QString()));
            item->setToolTip(item->text() + u"\n"_s + entry.drill->name);
        } else {
            // A broken file is listed with its error, never half-used.
            item->setText(QFileInfo(entry.path).fileName() + tr(" — refused"));
            item->setToolTip(entry.error);
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
        }
    }
    if (!current.isEmpty())
        selectDrill(current);
    if (m_list->currentRow() < 0 && m_list->count() > 0)
        m_list->setCurrentRow(0);
    fitDrillList();
}

void DrillsPage::fitDrillList() {
    // Wide enough for every title (up to a limit, beyond which the tooltip
    // has it): the splitter never squeezes the list below this.
    static constexpr int kMaxListWidth = 420;
    int widest = 0;
    for (int i = 0; i < m_list->count(); ++i)
        widest = std::max(widest, m_list->fontMetrics().horizontalAdvance(m_list->item(i)->text()));
    const int chrome = 2 * m_list->frameWidth() +
                       m_list->style()->pixelMetric(QStyle::PM_ScrollBarExtent) +
                       2 * m_list->style()->pixelMetric(QStyle::PM_FocusFrameHMargin) + 16;
    m_list->setMinimumWidth(std::min(kMaxListWidth, std::max(160, widest + chrome)));
}

QStringList DrillsPage::drillNames() const {
    QStringList names;
    for (const DrillEntry& entry : m_entries)
        names.append(entry.name);
    return names;
}

bool DrillsPage::selectDrill(const QString& name) {
    // The trainer's own copy wins over a shipped drill of the same name.
    for (int i = static_cast<int>(m_entries.size()) - 1; i >= 0; --i)
        if (m_entries[static_cast<std::size_t>(i)].name == name) {
            m_list->setCurrentRow(i);
            return true;
        }
    return false;
}

const DrillScript* DrillsPage::selectedDrill() const {
    const int row = m_list->currentRow();
    if (row < 0 || row >= static_cast<int>(m_entries.size()))
        return nullptr;
    const std::optional<DrillScript>& drill = m_entries[static_cast<std::size_t>(row)].drill;
    return drill && !drill->faults.empty() ? &*drill : nullptr;
}

void DrillsPage::showScript() {
    const DrillScript* d = selectedDrill();
    if (!d) {
        const int row = m_list->currentRow();
        m_script->setPlainText(row >= 0 ? m_list->item(row)->toolTip() : QString());
        updateControls();
        return;
    }
    m_script->setMarkdown(drillScriptMarkdown(*d));
    if (!m_runner.isRunning())
        m_briefing->setText(d->briefing);
    updateControls();
}

bool DrillsPage::startDrill(QString* error) {
    const DrillScript* d = selectedDrill();
    auto fail = [&](const QString& why) {
        if (error)
            *error = why;
        m_score->setText(u"<span style='color:#c62828'>%1</span>"_s.arg(why.toHtmlEscaped()));
        return false;
    };
    if (!d)
        return fail(tr("Pick a drill first."));
    QString why;
    if (!m_runner.start(*d, m_trainee->text().trimmed(), m_trainer->text().trimmed(), &why))
        return fail(why);
    return true;  // onStarted has shown it
}

void DrillsPage::onStarted(DrillSession* session) {
    m_trainerTimeline->clear();
    m_traineeTimeline->clear();
    m_briefing->setText(session->drill().briefing);
    m_scoreTimer->start();
    lockToTrainee(hidesCauseWhileRunning());
    updateControls();
    updateScore();
    emit drillStarted(session);
}

bool DrillsPage::hidesCauseWhileRunning() const {
    return m_traineeScreen->isChecked();
}

void DrillsPage::lockToTrainee(bool locked) {
    const int trainee = m_tabs->indexOf(m_traineeTab);
    for (int i = 0; i < m_tabs->count(); ++i)
        if (i != trainee)
            m_tabs->setTabVisible(i, !locked);
    if (locked)
        m_tabs->setCurrentIndex(trainee);
    // The list's titles often name the cause ("Error surge on green ...").
    m_list->parentWidget()->setVisible(!locked);
}

void DrillsPage::setSpeed(double speed) {
    const int index = m_speedBox->findData(speed);
    if (index >= 0)
        m_speedBox->setCurrentIndex(index);
    m_runner.setSpeed(speed);
}

void DrillsPage::showTraineeView(bool trainee) {
    m_tabs->setCurrentIndex(trainee ? 1 : 0);
}

void DrillsPage::act(const DrillAction& action) {
    DrillSession* session = m_runner.session();
    if (!session)
        return;
    session->act(action, m_note->text());
    m_note->clear();
}

void DrillsPage::onEvent(const DrillEvent& e) {
    auto* item = new QListWidgetItem(drillEventLine(e));
    if (e.hidden)
        item->setText(u"[script] "_s + item->text());
    m_trainerTimeline->addItem(item);
    m_trainerTimeline->scrollToBottom();
    if (!e.hidden) {
        // The drill's title often names its cause ("Error surge on green
        // ..."): the trainee's timeline says only that it started.
        DrillEvent shown = e;
        if (e.kind == DrillEventKind::Started)
            shown.text = tr("drill started");
        m_traineeTimeline->addItem(drillEventLine(shown));
        m_traineeTimeline->scrollToBottom();
    }
    updateScore();
}

void DrillsPage::onFinished(const DrillRecord& record) {
    m_scoreTimer->stop();
    lockToTrainee(false);
    updateScore();
    refreshHistory();
    updateControls();
    emit sessionFinished(record);
}

void DrillsPage::updateControls() {
    const bool running = m_runner.isRunning();
    const DrillSession* session = m_runner.session();
    m_start->setEnabled(!running && selectedDrill());
    m_pause->setEnabled(running);
    m_pause->setText(session && session->phase() == DrillSession::Phase::Paused ? tr("&Resume")
                                                                                : tr("&Pause"));
    m_stop->setEnabled(running);
    m_finish->setEnabled(running);
    m_list->setEnabled(!running);
    // The names went into the journal at Start: a later edit would not count.
    m_trainee->setEnabled(!running);
    m_trainer->setEnabled(!running);
    for (QPushButton* b : m_actionButtons)
        b->setEnabled(running);
    m_duplicate->setEnabled(selectedDrill() != nullptr);
    updateLiveBox();
}

void DrillsPage::updateLiveBox() {
    // Before the first drill there is no timeline to show: the box keeps
    // only its one line (what to do) and the script gets the room.
    const bool collapse = !m_runner.session();
    if (collapse == m_liveCollapsed)
        return;
    m_liveCollapsed = collapse;
    m_trainerTimeline->setVisible(!collapse);
    if (collapse) {
        m_live->layout()->activate();
        m_live->setMaximumHeight(m_live->sizeHint().height());
    } else {
        m_live->setMaximumHeight(QWIDGETSIZE_MAX);
        const int total = m_trainerSplit->height();
        m_trainerSplit->setSizes({total * 11 / 20, total - total * 11 / 20});
    }
}

void DrillsPage::updateScore() {
    const DrillSession* session = m_runner.session();
    if (!session) {
        m_score->setText(tr("Not started. Brief the trainee, then press Start: the live score "
                            "and the drill's timeline appear here."));
        return;
    }
    const DrillScript& d = session->drill();
    const DrillScore s = session->phase() == DrillSession::Phase::Finished ? session->record().score
                                                                           : session->score();
    auto judged = [](double value, double target) {
        if (std::isnan(value))
            return u"—"_s;
        const bool ok = value <= target;
        return u"<b style='color:%1'>%2</b>"_s.arg(ok ? u"#2e7d32"_s : u"#c62828"_s,
                                                   formatDrillTime(value));
    };
    const double now = session->drillTime();
    const DrillFacts& f = session->facts();
    // While running, show the clock against the target for what is still open.
    const double mttd = !std::isnan(s.mttdSeconds) || !f.faultStart ? s.mttdSeconds : std::nan("");
    QString text =
        tr("Drill time <b>%1</b> · faults injected %2/%3 · MTTD %4 (target %5) · "
           "MTTR %6 (target %7) · wrong actions %8")
            .arg(formatDrillTime(now))
            .arg(session->faultsInjected())
            .arg(d.faults.size())
            .arg(judged(mttd, d.mttdTargetSeconds), formatDrillTime(d.mttdTargetSeconds),
                 judged(s.mttrSeconds, d.mttrTargetSeconds), formatDrillTime(d.mttrTargetSeconds))
            .arg(s.wrongActions.size());
    if (session->phase() == DrillSession::Phase::Finished)
        text += s.passed ? tr("<br><b style='color:#2e7d32'>PASSED</b>")
                         : tr("<br><b style='color:#c62828'>FAILED</b>: %1")
                               .arg(s.reasons.join(u"; "_s).toHtmlEscaped());
    else if (session->phase() == DrillSession::Phase::Paused)
        text += tr(" · <b>paused</b>");
    m_score->setText(text);
}

void DrillsPage::refreshHistory() {
    const DrillSessionStore* store = m_runner.store();
    if (!store)
        return;
    const QString who = m_historyTrainee->currentData().toString();
    m_historyTrainee->clear();
    m_historyTrainee->addItem(tr("everyone"), QString());
    for (const QString& t : store->trainees())
        m_historyTrainee->addItem(t, t);
    m_historyTrainee->setCurrentIndex(std::max(0, m_historyTrainee->findData(who)));
    m_historyRecords = store->history(who);
    m_history->setRowCount(static_cast<int>(m_historyRecords.size()));
    for (int row = 0; row < static_cast<int>(m_historyRecords.size()); ++row) {
        const DrillRecord& r = m_historyRecords[static_cast<std::size_t>(row)];
        const QStringList cells = {r.startedAt.toUTC().toString(u"yyyy-MM-dd HH:mm"_s),
                                   r.trainee,
                                   r.drillTitle,
                                   formatDrillTime(r.score.mttdSeconds),
                                   formatDrillTime(r.score.mttrSeconds),
                                   r.score.passed ? tr("passed") : tr("failed")};
        for (int c = 0; c < cells.size(); ++c)
            m_history->setItem(row, c, new QTableWidgetItem(cells[c]));
    }
    m_history->resizeColumnsToContents();
    if (!m_historyRecords.empty())
        m_history->selectRow(0);
}

bool DrillsPage::exportSelectedSession(const QString& path, QString* error) {
    const auto show = [this](const QString& text, bool failed) {
        m_exportStatus->setText(text);
        m_exportStatus->setStyleSheet(
            failed ? u"color: %1;"_s.arg(levelColor(KpiLevel::Breach, palette()).name())
                   : QString());
        m_exportStatus->show();
    };
    QString why;
    const int row = m_history->currentRow();
    if (row < 0 || row >= static_cast<int>(m_historyRecords.size())) {
        why = tr("Select a session in the history first.");
    } else {
        const DrillRecord& r = m_historyRecords[static_cast<std::size_t>(row)];
        QString written;
        const bool ok = path.endsWith(u".pdf"_s, Qt::CaseInsensitive)
                            ? exportDrillPdf(r, path, &why, &written)
                            : exportDrillMarkdown(r, path, &why, &written);
        if (ok) {
            show(tr("Drill report written: %1").arg(written), false);
            return true;
        }
    }
    show(tr("Not exported: %1").arg(why), true);
    if (error)
        *error = why;
    return false;
}

bool DrillsPage::saveEditedDrill(QString* error) {
    const std::optional<DrillScript> d = m_editor->drill(error);
    if (!d)
        return false;
    QString why;
    const std::optional<QString> saved = m_library.save(*d, &why);
    if (!saved) {
        m_editor->errorLabel()->setText(why);
        if (error)
            *error = why;
        return false;
    }
    m_editor->errorLabel()->setText(tr("Saved as %1").arg(*saved));
    reloadDrills();
    selectDrill(d->name);
    return true;
}

void DrillsPage::duplicateSelected() {
    const DrillScript* d = selectedDrill();
    if (!d)
        return;
    DrillScript copy = *d;
    copy.name = DrillLibrary::copyName(d->name, drillNames());
    copy.title = d->title + tr(" (copy)");
    m_editor->load(copy);
    m_tabs->setCurrentWidget(m_editor);
}

}  // namespace pulsco
