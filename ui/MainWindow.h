// The console window: menus, source controls and source bar, the page
// switcher, panels (docks) and the status bar. It owns the current Source,
// builds new ones through the SourceFactory, and hands them to every page.
//
// Extension points for later pages and panels:
//   addPage("rollout", page, tr("Rollout"), icon)  -> a tab, Ctrl+<n>, --page key
//   addPanel(alertsDock)                           -> a dock, listed in View > Panels
//   sourceChanged(Source*)                         -> bind a page to the new source
#pragma once

#include "bridge/Source.h"
#include "bridge/SourceFactory.h"
#include "ui/Theme.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QPointer>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QActionGroup;
class QDockWidget;
class QLabel;
class QMenu;
class QTabWidget;
class QTimer;

namespace pulsco {

class DashboardPage;
class SourceBar;
class SourceControls;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    static constexpr int kStaleAfterMs = 3000;

    explicit MainWindow(SourceFactory& factory, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Pages: `key` is what --page accepts ("dashboard", "rollout", ...).
    int addPage(const QString& key, QWidget* page, const QString& title, const QIcon& icon = {});
    bool showPage(const QString& key);
    QStringList pageKeys() const;
    QString currentPageKey() const;
    void addPanel(QDockWidget* panel, Qt::DockWidgetArea area = Qt::RightDockWidgetArea);

    // Builds a source with the factory, swaps it in and starts it. On bad
    // input returns false, sets *error and keeps the current source.
    bool openSource(const SourceRequest& request, QString* error);

    // What replacing the running source would lose, said by whoever holds
    // something on it ("the rollout in progress …", "the drill …"), "" when
    // nothing. The composition root registers one per holder.
    using SourceGuard = std::function<QString()>;
    void addSourceGuard(SourceGuard guard);
    // Asks before `action` ("Start baseline-1000") replaces the running
    // source, naming what would be lost; true when nothing would be or the
    // operator confirms. Every path an operator takes (scenario picker,
    // Restart, Open scenario, Connect, a drill's own source) asks; the
    // programmatic openSource() does not.
    bool confirmReplaceSource(const QString& action);
    // Answers the question instead of a message box (tests, scripted runs):
    // gets the title and text, returns whether to go on.
    using ConfirmHandler = std::function<bool(const QString& title, const QString& text)>;
    void setConfirmHandler(ConfirmHandler handler) { m_confirm = std::move(handler); }
    void setSource(std::unique_ptr<Source> source, const SourceRequest& request);
    Source* source() const { return m_source.get(); }
    const SourceRequest& sourceRequest() const { return m_request; }

    // A speed every new source starts at (nullopt = the scenario's own).
    void setPreferredSpeed(std::optional<double> speed);
    std::optional<double> preferredSpeed() const { return m_preferredSpeed; }

    void setTheme(Theme theme);
    Theme theme() const { return m_theme; }

    // QSettings ("Pulsco", "Ops Console"): geometry, theme, speed, last
    // scenario and population, and whether to reopen it on start.
    void restoreSettings(bool restoreGeometry);
    void saveSettings() const;
    bool reopenLastScenario() const;
    SourceRequest lastSavedRequest() const;

    DashboardPage* dashboard() const { return m_dashboard; }
    SourceControls* controls() const { return m_controls; }
    SourceBar* sourceBar() const { return m_sourceBar; }
    QTabWidget* pages() const { return m_pages; }
    QString statusText() const;

    static QString aboutText();
    QString shortcutsText() const;

signals:
    void sourceChanged(pulsco::Source* source);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    std::vector<SourceGuard> m_sourceGuards;
    ConfirmHandler m_confirm;
    void buildMenus();
    void openScenarioFile();
    void saveScreenshot();
    void showFaultDialog(FaultKind kind);
    void showShortcuts();
    void showAbout();
    void refreshStatus();
    void onSnapshot(const SnapshotPtr& snapshot);
    void onCommandFailed(const QString& command, const QString& reason);
    void restartWith(const SourceRequest& request);

    SourceFactory& m_factory;
    std::unique_ptr<Source> m_source;
    SourceRequest m_request;
    quint64 m_generation = 0;
    SnapshotPtr m_lastSnapshot;
    QElapsedTimer m_sinceSnapshot;
    std::uint64_t m_eventsSinceTick = 0;
    double m_eventsPerSecond = 0;
    QElapsedTimer m_sinceTick;
    std::optional<double> m_preferredSpeed;
    Theme m_theme = Theme::Light;

    SourceControls* m_controls = nullptr;
    SourceBar* m_sourceBar = nullptr;
    QTabWidget* m_pages = nullptr;
    DashboardPage* m_dashboard = nullptr;
    QStringList m_pageKeys;
    QMenu* m_viewMenu = nullptr;
    QMenu* m_pagesMenu = nullptr;
    QMenu* m_panelsMenu = nullptr;
    QAction* m_reopenLast = nullptr;
    QActionGroup* m_themeGroup = nullptr;
    QLabel* m_ageLabel = nullptr;
    QLabel* m_rateLabel = nullptr;
    QTimer* m_statusTimer = nullptr;
};

}  // namespace pulsco
