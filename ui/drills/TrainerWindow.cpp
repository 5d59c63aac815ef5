#include "ui/drills/TrainerWindow.h"

#include "drills/DrillRunner.h"
#include "drills/DrillSession.h"
#include "ui/drills/DrillText.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pulsco {

TrainerWindow::TrainerWindow(DrillRunner& runner, QWidget* parent)
    : QWidget(parent, Qt::Window)
    , m_runner(runner) {
    setObjectName(u"trainerWindow"_s);
    setWindowTitle(tr("Trainer view (not for the trainee's screen)"));
    m_faults = new QLabel(tr("No drill running"), this);
    m_faults->setObjectName(u"trainerFaults"_s);
    m_faults->setAccessibleName(tr("Faults in force"));
    m_faults->setWordWrap(true);
    m_faults->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_timeline = new QListWidget(this);
    m_timeline->setAccessibleName(tr("Drill timeline (trainer)"));
    m_script = new QTextBrowser(this);
    m_script->setAccessibleName(tr("Drill script with the hidden cause"));
    // The trainer's controls come along: the Drills page's Trainer tab is
    // hidden on the trainee's screen while the drill runs.
    auto* pause = new QPushButton(tr("&Pause / resume"), this);
    auto* finish = new QPushButton(tr("&Finish and score"), this);
    auto* stop = new QPushButton(tr("Emergency &stop"), this);
    stop->setAccessibleName(tr("Emergency stop: clear every injected fault"));
    stop->setStyleSheet(u"QPushButton:enabled { color: white; background: #c62828; }"_s);
    connect(pause, &QPushButton::clicked, this, [this] {
        if (DrillSession* s = m_runner.isRunning() ? m_runner.session() : nullptr)
            s->phase() == DrillSession::Phase::Paused ? s->resume() : s->pause();
    });
    connect(finish, &QPushButton::clicked, this, [this] {
        if (DrillSession* s = m_runner.isRunning() ? m_runner.session() : nullptr)
            s->finish();
    });
    connect(stop, &QPushButton::clicked, this, [this] {
        if (DrillSession* s = m_runner.isRunning() ? m_runner.session() : nullptr)
            s->emergencyStop();
    });
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(pause);
    buttons->addWidget(finish);
    buttons->addStretch(1);
    buttons->addWidget(stop);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_script);
    split->addWidget(m_timeline);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_faults);
    layout->addLayout(buttons);
    layout->addWidget(split, 1);
    resize(720, 640);

    connect(&m_runner, &DrillRunner::started, this, &TrainerWindow::onStarted);
    connect(&m_runner, &DrillRunner::eventRecorded, this, &TrainerWindow::onEvent);
    connect(&m_runner, &DrillRunner::finished, this, [this](const DrillRecord& record) {
        m_faults->setText(
            tr("Drill ended: %1").arg(record.score.passed ? tr("passed") : tr("not passed")));
    });
    if (m_runner.isRunning() && m_runner.session()) {
        onStarted(m_runner.session());
        for (const DrillEvent& e : m_runner.session()->record().events)
            onEvent(e);
    }
    setSource(m_runner.source());
}

void TrainerWindow::setSource(Source* source) {
    if (m_snapshots)
        disconnect(m_snapshots);
    m_source = source;
    if (source) {
        m_snapshots = connect(source, &Source::snapshotReady, this, &TrainerWindow::onSnapshot);
        if (const SnapshotPtr latest = source->latestSnapshot())
            onSnapshot(latest);
    }
}

QString TrainerWindow::faultsText() const {
    return m_faults->text();
}

void TrainerWindow::onStarted(DrillSession* session) {
    setSource(m_runner.source());  // a drill may bring a source of its own
    m_timeline->clear();
    m_script->setMarkdown(drillScriptMarkdown(session->drill()));
    setWindowTitle(
        tr("Trainer view: %1 (not for the trainee's screen)").arg(session->drill().title));
}

void TrainerWindow::onEvent(const DrillEvent& e) {
    m_timeline->addItem((e.hidden ? u"[script] "_s : QString()) + drillEventLine(e));
    m_timeline->scrollToBottom();
}

void TrainerWindow::onSnapshot(const SnapshotPtr& snapshot) {
    if (!snapshot || !m_runner.isRunning())
        return;
    QStringList faults;
    for (const std::string& f : snapshot->activeFaults)
        faults << QString::fromStdString(f);
    m_faults->setText(faults.isEmpty() ? tr("Faults in force: none")
                                       : tr("Faults in force: %1").arg(faults.join(u", "_s)));
}

}  // namespace pulsco
