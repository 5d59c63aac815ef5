// The Dashboard: KPI tiles, queue depth over time, wait / latency / match
// quality distributions, regions, blue vs green, and the event log. It binds
// to whatever Source the window hands it and redraws at most once per frame.
#pragma once

#include "bridge/Source.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QWidget>

#include <array>
#include <vector>

class QTabWidget;
class QTableView;
class QTimer;

class QGridLayout;
class QScrollArea;

namespace pulsco {

class EnvironmentComparisonModel;
class EventLogView;
class HistogramChart;
class KpiTile;
class QueueDepthChart;
class RegionTableModel;

class DashboardPage : public QWidget {
    Q_OBJECT
public:
    enum class Kpi { PlayersOnline, InQueue, InMatch, MatchesPerMinute, ApiP95, ErrorRate, Count };

    explicit DashboardPage(QWidget* parent = nullptr);

    void setSource(Source* source);
    // An event the console itself produced (a refused command, a restart).
    void addConsoleEvent(LogEventKind kind, const QString& text);

    KpiTile* tile(Kpi kpi) const { return m_tiles[static_cast<std::size_t>(kpi)]; }
    QueueDepthChart* queueChart() const { return m_queueChart; }
    HistogramChart* waitChart() const { return m_waitChart; }
    HistogramChart* latencyChart() const { return m_latencyChart; }
    HistogramChart* qualityChart() const { return m_qualityChart; }
    EventLogView* eventLog() const { return m_eventLog; }
    RegionTableModel* regionModel() const { return m_regionModel; }
    EnvironmentComparisonModel* comparisonModel() const { return m_comparisonModel; }
    QTabWidget* breakdownTabs() const { return m_breakdown; }
    SnapshotPtr lastRendered() const { return m_rendered; }
    int framesRendered() const { return m_frames; }
    // Charts and panels in 3 columns (2 rows), or in 2 columns (3 rows) when
    // the page is too narrow for three, e.g. beside the Alerts dock at
    // 1280 px: the page then scrolls down instead of clipping a column.
    int gridColumns() const { return m_columns; }

signals:
    // Once per source: the first frame with data has been painted.
    void firstDataFramePainted();
    void frameRendered();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void onSnapshot(SnapshotPtr snapshot);
    void onEvents(LogEventBatch events);
    void scheduleFrame();
    void renderFrame();
    void renderCharts();
    void renderTiles(const MetricsSnapshot& snapshot);
    void resetViews();
    void arrangeCells(int columns);

    QPointer<Source> m_source;
    quint64 m_generation = 0;
    SnapshotPtr m_pending;
    SnapshotPtr m_rendered;
    SnapshotPtr m_chartsPending;  // newest snapshot the charts have not drawn yet
    QElapsedTimer m_sinceCharts;
    QTimer* m_chartTimer = nullptr;
    std::vector<LogEventBatch> m_pendingEvents;
    QTimer* m_frameTimer = nullptr;
    int m_frames = 0;
    bool m_firstPaintReported = false;

    std::array<KpiTile*, static_cast<std::size_t>(Kpi::Count)> m_tiles{};
    QueueDepthChart* m_queueChart = nullptr;
    HistogramChart* m_waitChart = nullptr;
    HistogramChart* m_latencyChart = nullptr;
    HistogramChart* m_qualityChart = nullptr;
    QTabWidget* m_breakdown = nullptr;
    QTableView* m_regionTable = nullptr;
    QTableView* m_comparisonTable = nullptr;
    RegionTableModel* m_regionModel = nullptr;
    EnvironmentComparisonModel* m_comparisonModel = nullptr;
    EventLogView* m_eventLog = nullptr;
    QScrollArea* m_scroll = nullptr;
    QGridLayout* m_grid = nullptr;
    std::array<QWidget*, 6> m_cells{};  // in reading order
    int m_columns = 0;
};

}  // namespace pulsco
