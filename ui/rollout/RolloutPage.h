// The Rollout page: the plan as a living checklist, the blue-green steps,
// operational metrics and the audit trail, with report export. It binds to
// whatever Source the window hands it (setSource), like the Dashboard.
//
// Wiring in the console (app/pulsco-console composes the session):
//   auto* page = new RolloutPage(new RolloutSession(*store), window->source(), window);
//   window->addPage(u"rollout"_s, page, tr("Rollout"));
//   connect(window, &MainWindow::sourceChanged, page, &RolloutPage::setSource);
#pragma once

#include "bridge/Source.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QSystemTrayIcon;
class QTimer;

namespace pulsco {

class ChecklistView;
class RollbackBanner;
class RolloutSession;
class TrafficStepPanel;

class RolloutPage : public QWidget {
    Q_OBJECT
public:
    static constexpr int kFrameMs = 200;  // live values redraw at most 5 times a second
    static constexpr int kAuditRowsShown = 500;

    // Takes ownership of `session` (it becomes the page's child) and binds
    // it to `source`.
    RolloutPage(RolloutSession* session, Source* source, QWidget* parent = nullptr);

    void setSource(pulsco::Source* source);
    RolloutSession& session() const { return *m_session; }
    ChecklistView* checklist() const { return m_checklist; }
    TrafficStepPanel* steps() const { return m_steps; }
    QLineEdit* operatorField() const { return m_operator; }
    QTabWidget* tabs() const { return m_tabs; }
    QTableWidget* auditTable() const { return m_audit; }
    QTableWidget* metricsTable() const { return m_metrics; }
    QLabel* messageLabel() const { return m_message; }
    QLabel* evidenceLabel() const { return m_evidence; }
    RollbackBanner* banner() const { return m_banner; }
    // How the last rollback reached the desktop while the window was not in
    // front: "tray" (a system-tray message), "alert" (QApplication::alert),
    // "" when the window was in front (the banner is enough) or none yet.
    const QString& lastNotification() const { return m_lastNotification; }

    bool loadPlan(const QString& path, QString* error);
    bool exportMarkdown(const QString& path, QString* error);
    bool exportPdf(const QString& path, QString* error);

private:
    void scheduleFrame();
    void renderFrame();
    void refreshProgress();
    void refreshAudit();
    void refreshEvidence();
    void refreshMetrics();
    void showMessage(const QString& text, bool error);
    void notifyDesktop();

    RolloutSession* m_session = nullptr;
    QLineEdit* m_operator = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_message = nullptr;
    QLabel* m_evidence = nullptr;  // where the current evidence comes from
    QTabWidget* m_tabs = nullptr;
    ChecklistView* m_checklist = nullptr;
    TrafficStepPanel* m_steps = nullptr;
    QTableWidget* m_metrics = nullptr;
    QLabel* m_metricsSummary = nullptr;
    QTableWidget* m_audit = nullptr;
    QTimer* m_frame = nullptr;
    RollbackBanner* m_banner = nullptr;
    QString m_lastNotification;
    QSystemTrayIcon* m_tray = nullptr;  // made on the first notification that can use one
    bool m_auditDirty = true;
    QString m_shownEnvironment = QStringLiteral("-");  // forces the first refresh
};

}  // namespace pulsco
