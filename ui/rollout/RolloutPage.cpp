#include "ui/rollout/RolloutPage.h"

#include "rollout/OperationalMetrics.h"
#include "rollout/RolloutSession.h"
#include "ui/Theme.h"
#include "ui/rollout/ChecklistView.h"
#include "ui/rollout/ReportExport.h"
#include "ui/rollout/RollbackBanner.h"
#include "ui/rollout/TrafficStepPanel.h"

#include <QApplication>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pulsco {

RolloutPage::RolloutPage(RolloutSession* session, Source* source, QWidget* parent)
    : QWidget(parent)
    , m_session(session) {
    // The composition root makes the session; the page keeps it for as long
    // as the page lives. A page without a session is a wiring bug.
    Q_ASSERT(m_session);
    m_session->setParent(this);

    m_operator = new QLineEdit(this);
    m_operator->setPlaceholderText(tr("Your name (recorded with every action)"));
    // The whole hint is readable, not "Your name (recor…".
    m_operator->setMinimumWidth(
        m_operator->fontMetrics().horizontalAdvance(m_operator->placeholderText()) + 24);
    m_operator->setAccessibleName(tr("Operator name"));
    m_operator->setText(QSettings().value(u"rollout/operator"_s).toString());
    m_session->setOperatorName(m_operator->text());
    auto* operatorLabel = new QLabel(tr("&Operator:"), this);
    operatorLabel->setBuddy(m_operator);
    m_progress = new QProgressBar(this);
    m_progress->setAccessibleName(tr("Overall checklist progress"));
    m_progress->setFormat(tr("%v of %m items done (%p%)"));
    auto* load = new QPushButton(tr("&Load plan…"), this);
    load->setAccessibleName(tr("Load another plan file"));
    auto* exportMd = new QPushButton(tr("Export &Markdown…"), this);
    exportMd->setAccessibleName(tr("Export report as Markdown"));
    auto* exportPdfButton = new QPushButton(tr("Export P&DF…"), this);
    exportPdfButton->setAccessibleName(tr("Export report as PDF"));
    m_evidence = new QLabel(this);
    m_evidence->setAccessibleName(tr("Where the evidence comes from"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(operatorLabel);
    bar->addWidget(m_operator);
    bar->addWidget(m_evidence);
    bar->addWidget(m_progress, 1);
    bar->addWidget(load);
    bar->addWidget(exportMd);
    bar->addWidget(exportPdfButton);

    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setAccessibleName(tr("Rollout messages"));
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_banner = new RollbackBanner(*m_session, this);
    m_banner->suggestName(m_operator->text());

    m_checklist = new ChecklistView(*m_session, this);
    m_steps = new TrafficStepPanel(*m_session, this);

    auto* metricsPage = new QWidget(this);
    m_metricsSummary = new QLabel(metricsPage);
    m_metricsSummary->setWordWrap(true);
    m_metricsSummary->setAccessibleName(tr("Operational metrics"));
    m_metrics = new QTableWidget(0, 5, metricsPage);
    m_metrics->setHorizontalHeaderLabels(
        {tr("Rollout"), tr("Outcome"), tr("Cause"), tr("Time to detect"), tr("Time to roll back")});
    m_metrics->setAccessibleName(tr("Rollouts and their outcomes"));
    m_metrics->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_metrics->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    auto* metricsLayout = new QVBoxLayout(metricsPage);
    metricsLayout->addWidget(m_metricsSummary);
    metricsLayout->addWidget(m_metrics, 1);

    m_audit = new QTableWidget(0, 7, this);
    m_audit->setHorizontalHeaderLabels({tr("When"), tr("Who"), tr("What"), tr("Subject"),
                                        tr("Note"), tr("Where"), tr("Source time")});
    m_audit->setAccessibleName(tr("Audit trail"));
    m_audit->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // At 1280 px What and Subject were cut ("gate_me…", "p1.code-qual…"):
    // each column gets room for what it usually holds, Note takes the rest,
    // and every cell's tooltip has its whole text.
    const QFontMetrics metrics = m_audit->fontMetrics();
    const auto room = [&metrics](const QString& sample) {
        return metrics.horizontalAdvance(sample) + 20;
    };
    m_audit->setColumnWidth(0, room(u"2026-12-31 23:59:59"_s));
    m_audit->setColumnWidth(1, room(u"Maximilian M."_s));
    m_audit->setColumnWidth(2, room(u"rollback_acknowledged"_s));
    m_audit->setColumnWidth(3, room(u"p2.infrastructure-provisioning.backup-and"_s));
    m_audit->setColumnWidth(5, room(u"production"_s));
    m_audit->setColumnWidth(6, room(u"Source time"_s));
    m_audit->horizontalHeader()->setSectionResizeMode(4, QHeaderView::Stretch);
    m_audit->horizontalHeader()->setMinimumSectionSize(room(u"Note"_s));
    // One line per row, elided in the middle (ids differ at their ends):
    // wrapped, a long item id broke at its dashes and was still cut.
    m_audit->setWordWrap(false);
    m_audit->setTextElideMode(Qt::ElideMiddle);
    m_audit->verticalHeader()->hide();

    m_tabs = new QTabWidget(this);
    m_tabs->setAccessibleName(tr("Rollout views"));
    m_tabs->addTab(m_checklist, tr("&Checklist"));
    m_tabs->addTab(m_steps, tr("Blue-&green"));
    m_tabs->addTab(metricsPage, tr("Opera&tional metrics"));
    m_tabs->addTab(m_audit, tr("A&udit trail"));

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_banner);  // MainWindow lifts it under its top bar
    layout->addWidget(m_message);
    layout->addWidget(m_tabs, 1);

    m_frame = new QTimer(this);
    m_frame->setSingleShot(true);
    m_frame->setInterval(kFrameMs);
    connect(m_frame, &QTimer::timeout, this, &RolloutPage::renderFrame);

    connect(m_operator, &QLineEdit::textChanged, this, [this](const QString& name) {
        m_session->setOperatorName(name);
        m_banner->suggestName(name);
        QSettings().setValue(u"rollout/operator"_s, name.trimmed());
    });
    connect(m_banner, &RollbackBanner::failed, this,
            [this](const QString& e) { showMessage(e, true); });
    connect(m_banner, &RollbackBanner::showStepsRequested, this, [this] {
        // The banner shows on every page: bring this page forward first.
        for (QWidget* up = parentWidget(); up; up = up->parentWidget())
            if (auto* tabs = qobject_cast<QTabWidget*>(up))
                for (int i = 0; i < tabs->count(); ++i)
                    if (tabs->widget(i) == this || tabs->widget(i)->isAncestorOf(this))
                        tabs->setCurrentIndex(i);
        m_tabs->setCurrentWidget(m_steps);
    });
    connect(m_session, &RolloutSession::noticeChanged, this, [this] {
        if (m_session->notice())
            notifyDesktop();
        else
            showMessage(tr("Acknowledged: recorded in the audit trail."), false);
    });
    auto* find = new QShortcut(QKeySequence::Find, this);
    connect(find, &QShortcut::activated, this, [this] {
        m_tabs->setCurrentWidget(m_checklist);
        m_checklist->searchField()->setFocus();
    });
    connect(load, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Load rollout plan"), {}, tr("Plan (*.json)"));
        QString error;
        if (!path.isEmpty() && !loadPlan(path, &error))
            showMessage(error, true);
    });
    connect(exportMd, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export report"), u"rollout-report.md"_s, tr("Markdown (*.md)"));
        QString error;
        if (!path.isEmpty() && !exportMarkdown(path, &error))
            showMessage(error, true);
    });
    connect(exportPdfButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export report"), u"rollout-report.pdf"_s, tr("PDF (*.pdf)"));
        QString error;
        if (!path.isEmpty() && !exportPdf(path, &error))
            showMessage(error, true);
    });
    connect(m_checklist, &ChecklistView::failed, this,
            [this](const QString& e) { showMessage(e, true); });
    connect(m_steps, &TrafficStepPanel::failed, this,
            [this](const QString& e) { showMessage(e, true); });
    connect(m_session, &RolloutSession::errorOccurred, this,
            [this](const QString& e) { showMessage(e, true); });
    connect(m_session, &RolloutSession::alertRaised, this,
            [this](const QString& e) { showMessage(e, true); });
    connect(m_session, &RolloutSession::gatesUpdated, this, &RolloutPage::scheduleFrame);
    connect(m_session, &RolloutSession::auditAppended, this, [this] {
        m_auditDirty = true;
        scheduleFrame();
    });
    connect(m_session, &RolloutSession::itemChanged, this, [this] {
        refreshProgress();
        showMessage({}, false);  // an action went through: old errors no longer apply
    });
    connect(m_session, &RolloutSession::planChanged, this, &RolloutPage::refreshProgress);

    setSource(source);
    renderFrame();
}

void RolloutPage::setSource(Source* source) {
    m_session->setSource(source);
    m_auditDirty = true;  // the operational metrics follow the new source's environment
    scheduleFrame();
}

void RolloutPage::scheduleFrame() {
    if (!m_frame->isActive())
        m_frame->start();
}

void RolloutPage::renderFrame() {
    m_checklist->refresh();
    m_steps->refresh();
    if (m_tabs->currentWidget() == m_steps)
        m_steps->refreshCharts();
    refreshProgress();
    refreshEvidence();
    if (m_auditDirty) {  // the trail is read only when it grew
        m_auditDirty = false;
        refreshAudit();
        refreshMetrics();
    }
}

void RolloutPage::refreshProgress() {
    const auto p = m_session->progress();
    m_progress->setRange(0, p.total);
    m_progress->setValue(p.done);
}

void RolloutPage::refreshEvidence() {
    const QString environment = m_session->environment();
    if (environment == m_shownEnvironment)
        return;
    m_shownEnvironment = environment;
    // Rehearsal figures are shown everywhere on the page; this says, once,
    // that they tick nothing.
    if (environment.isEmpty()) {
        m_evidence->setText(tr("Evidence: —"));
        m_evidence->setToolTip(tr("No snapshot yet: no evidence."));
    } else if (environment == u"rehearsal"_s) {
        m_evidence->setText(tr("Evidence: <b style=\"color:%1\">rehearsal</b>")
                                .arg(isDarkPalette(palette()) ? u"#ce93d8"_s : u"#6a1b9a"_s));
        m_evidence->setToolTip(
            tr("The simulator rehearses: its figures are shown, labelled, and never tick a "
               "staging or production item."));
    } else {
        m_evidence->setText(tr("Evidence: <b>%1</b>").arg(environment.toHtmlEscaped()));
        m_evidence->setToolTip(tr("Gates tick the items that count %1 evidence.").arg(environment));
    }
}

void RolloutPage::refreshAudit() {
    const auto rows = m_session->recentAudit(kAuditRowsShown);
    const int count = int(rows.size());
    m_audit->setRowCount(count);
    for (int i = 0; i < count; ++i) {
        const AuditEntry& e = rows[std::size_t(rows.size() - 1 - std::size_t(i))];  // newest first
        const QStringList cells{
            QDateTime::fromMSecsSinceEpoch(e.atMs).toString(u"yyyy-MM-dd HH:mm:ss"_s),
            e.actor,
            e.kind,
            e.subject,
            e.note,
            e.environment,
            QString::number(e.sourceTimeSeconds, 'f', 0) + u" s"_s};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);  // owned by the table
            item->setToolTip(cells[c]);
            if (c == 0)
                item->setData(Qt::UserRole, e.id);
            m_audit->setItem(i, c, item);
        }
    }
}

void RolloutPage::refreshMetrics() {
    // A rehearsal's rollbacks are not production's change failures: the
    // figures are those of the environment the evidence comes from now.
    const QString environment = m_session->environment();
    const OperationalMetrics m = m_session->operationalMetrics(environment);
    m_metricsSummary->setText(
        (environment.isEmpty() ? tr("<b>All environments</b> · ")
                               : tr("<b>%1 rollouts</b> · ").arg(environment.toHtmlEscaped())) +
        tr("<b>Deployment frequency</b> %1 per week (target: weekly) · <b>Change failure rate</b> "
           "%2 "
           "(target &lt; 5 %) · <b>Time to detect</b> %3 (MTTD target 5 min) · <b>Time to roll "
           "back</b> %4 "
           "(MTTR target 15 min) · %5 rollouts, %6 promoted, %7 failed")
            .arg(m.deploymentsPerWeek ? QString::number(*m.deploymentsPerWeek, 'f', 1) : u"—"_s,
                 m.changeFailureRate ? QString::number(*m.changeFailureRate * 100, 'f', 1) + u" %"_s
                                     : u"—"_s,
                 formatMetricSeconds(m.meanTimeToDetectSeconds),
                 formatMetricSeconds(m.meanTimeToRollBackSeconds))
            .arg(m.started)
            .arg(m.promoted)
            .arg(m.failed));
    m_metrics->setRowCount(int(m.rollouts.size()));
    for (int i = 0; i < int(m.rollouts.size()); ++i) {
        const RolloutOutcome& r = m.rollouts[std::size_t(i)];
        const QString detect =
            r.detectSeconds && !r.detectFrom.isEmpty()
                ? u"%1 (from %2)"_s.arg(formatMetricSeconds(r.detectSeconds), r.detectFrom)
                : formatMetricSeconds(r.detectSeconds);
        const QStringList cells{QString::number(r.rollout), r.outcome, r.cause, detect,
                                formatMetricSeconds(r.rollbackSeconds)};
        for (int c = 0; c < cells.size(); ++c)
            m_metrics->setItem(i, c, new QTableWidgetItem(cells[c]));
    }
}

// A rollback while the operator looks at another window must reach them.
// QSystemTrayIcon::showMessage is preferred where a tray exists: its
// message carries the cause and figures, and the desktop's notification
// server keeps it. Without a tray (offscreen, minimal, desktops without a
// status notifier: isSystemTrayAvailable() is false) QApplication::alert
// flashes the window's taskbar entry until it is activated; it is a no-op
// where there is no taskbar, so it never fails offscreen.
void RolloutPage::notifyDesktop() {
    const std::optional<RolloutNotice>& notice = m_session->notice();
    QWidget* top = window();
    if (!notice || !top || top->isActiveWindow()) {
        m_lastNotification.clear();
        return;
    }
    const QString text =
        notice->cause + (notice->figures.isEmpty() ? QString() : u"\n"_s + notice->figures);
    if (QSystemTrayIcon::isSystemTrayAvailable() && QSystemTrayIcon::supportsMessages()) {
        if (!m_tray) {
            m_tray = new QSystemTrayIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning), this);
            m_tray->setToolTip(tr("Pulsco Ops Console"));
        }
        m_tray->show();
        m_tray->showMessage(notice->headline, text, QSystemTrayIcon::Critical, 0);
        m_lastNotification = u"tray"_s;
    } else {
        QApplication::alert(top, 0);  // 0: until the window is activated
        m_lastNotification = u"alert"_s;
    }
}

void RolloutPage::showMessage(const QString& text, bool error) {
    m_message->setText(text);
    m_message->setStyleSheet(error ? u"color: #c62828;"_s : QString());
}

bool RolloutPage::loadPlan(const QString& path, QString* error) {
    if (!m_session->loadPlanFile(path, error))
        return false;  // nothing changed
    showMessage(tr("Plan loaded: %1 (%2 items)")
                    .arg(m_session->plan().title)
                    .arg(m_session->plan().itemCount()),
                false);
    renderFrame();
    return true;
}

// Success is confirmed on the page with what was written and where (path,
// size, charts), so an operator knows the evidence is where they expect.
bool RolloutPage::exportMarkdown(const QString& path, QString* error) {
    QString written;
    if (!exportRolloutMarkdown(*m_session, path, error, &written))
        return false;
    showMessage(tr("Report written: %1").arg(written), false);
    return true;
}

bool RolloutPage::exportPdf(const QString& path, QString* error) {
    QString written;
    if (!exportRolloutPdf(*m_session, path, error, &written))
        return false;
    showMessage(tr("Report written: %1").arg(written), false);
    return true;
}

}  // namespace pulsco
