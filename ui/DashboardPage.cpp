#include "ui/DashboardPage.h"

#include "ui/EnvironmentComparisonModel.h"
#include "ui/EventLogView.h"
#include "ui/Format.h"
#include "ui/HistogramChart.h"
#include "ui/KpiTile.h"
#include "ui/QueueDepthChart.h"
#include "ui/RegionTableModel.h"

#include <QDateTime>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace pulsco {

using namespace Qt::StringLiterals;

namespace {

// One redraw per display frame at most; snapshots come <= 10 per second.
constexpr int kFrameIntervalMs = 16;
// Charts and the log table are the costly part of a frame (text layout and
// raster fills); a distribution, a 10-minute trend or a scrolling log read
// the same at 4 redraws a second, and the UI thread stays free for input.
constexpr int kChartIntervalMs = 250;

// Below this a chart's axis labels and legend no longer fit.
constexpr int kCellMinWidth = 360;
constexpr int kGridSpacing = 8;

QString waitBarName(double seconds) {
    return DashboardPage::tr("bar %1 s").arg(QLocale().toString(seconds, 'g', 4));
}

QTableView* makeCompactTable(QAbstractItemModel* model, const QString& name, QWidget* parent) {
    auto* table = new QTableView(parent);
    table->setModel(model);
    table->setAccessibleName(name);
    table->verticalHeader()->hide();
    table->setShowGrid(false);
    table->setAlternatingRowColors(true);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setWordWrap(false);
    const int rowHeight = table->fontMetrics().height() + 6;
    table->verticalHeader()->setDefaultSectionSize(rowHeight);
    table->verticalHeader()->setMinimumSectionSize(rowHeight);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table->horizontalHeader()->setHighlightSections(false);
    return table;
}

}  // namespace

DashboardPage::DashboardPage(QWidget* parent)
    : QWidget(parent) {
    setAccessibleName(tr("Dashboard"));
    m_frameTimer = new QTimer(this);
    m_frameTimer->setSingleShot(true);
    m_frameTimer->setInterval(kFrameIntervalMs);
    connect(m_frameTimer, &QTimer::timeout, this, &DashboardPage::renderFrame);
    m_chartTimer = new QTimer(this);
    m_chartTimer->setSingleShot(true);
    connect(m_chartTimer, &QTimer::timeout, this, &DashboardPage::renderCharts);

    auto* content = new QWidget;
    auto* tiles = new QHBoxLayout;
    tiles->setSpacing(8);
    const std::array<QString, static_cast<std::size_t>(Kpi::Count)> titles{
        tr("Players online"), tr("In queue"), tr("In match"),
        tr("Matches / min"),  tr("API p95"),  tr("Error rate")};
    for (std::size_t i = 0; i < titles.size(); ++i) {
        m_tiles[i] = new KpiTile(titles[i], content);
        tiles->addWidget(m_tiles[i]);
    }

    m_queueChart = new QueueDepthChart(content);
    m_queueChart->setAccessibleName(tr("Queue depth chart"));

    HistogramChartSpec wait;
    wait.title = tr("Ticket wait (last 60 s)");
    wait.axisTitle = tr("wait (s)");
    wait.valueTitle = tr("% of tickets");
    wait.unit = u"s"_s;
    wait.bar = kTicketWaitP95Bar.bound;
    wait.barName = waitBarName(kTicketWaitP95Bar.bound);
    wait.decimals = 1;
    m_waitChart = new HistogramChart(wait, content);
    m_waitChart->setAccessibleName(tr("Ticket wait histogram"));

    HistogramChartSpec latency;
    latency.title = tr("API latency (last 60 s)");
    latency.axisTitle = tr("latency (ms)");
    latency.valueTitle = tr("% of requests");
    latency.unit = u"ms"_s;
    latency.bar = kApiP95Bar.bound;
    latency.barName = tr("bar %1").arg(formatMs(kApiP95Bar.bound));
    latency.decimals = 0;
    m_latencyChart = new HistogramChart(latency, content);
    m_latencyChart->setAccessibleName(tr("API latency histogram"));

    HistogramChartSpec quality;
    quality.title = tr("Match quality (since start)");
    quality.axisTitle = tr("quality (0 = poor, 1 = perfect)");
    quality.valueTitle = tr("% of matches");
    quality.fixedUpper = 1.0;
    quality.binCount = 20;
    quality.decimals = 2;
    m_qualityChart = new HistogramChart(quality, content);
    m_qualityChart->setAccessibleName(tr("Match quality histogram"));

    m_regionModel = new RegionTableModel(this);
    m_comparisonModel = new EnvironmentComparisonModel(this);
    m_breakdown = new QTabWidget(content);
    m_breakdown->setAccessibleName(tr("Breakdown"));
    m_breakdown->tabBar()->setAccessibleName(tr("Breakdown views"));
    m_comparisonTable =
        makeCompactTable(m_comparisonModel, tr("Blue and green comparison"), m_breakdown);
    m_comparisonTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_regionTable = makeCompactTable(m_regionModel, tr("Regions table"), m_breakdown);
    m_breakdown->addTab(m_comparisonTable, tr("&Blue / green"));
    m_breakdown->addTab(m_regionTable, tr("R&egions"));

    m_eventLog = new EventLogView(content);

    auto* logPanel = new QWidget(content);
    auto* logLayout = new QVBoxLayout(logPanel);
    logLayout->setContentsMargins(0, 0, 0, 0);
    logLayout->setSpacing(2);
    auto* logTitle = new QLabel(tr("Event log"), logPanel);
    QFont bold = logTitle->font();
    bold.setBold(true);
    logTitle->setFont(bold);
    logLayout->addWidget(logTitle);
    logLayout->addWidget(m_eventLog, 1);

    m_grid = new QGridLayout;
    m_grid->setSpacing(kGridSpacing);
    m_cells = {m_queueChart, m_waitChart, m_latencyChart, m_qualityChart, m_breakdown, logPanel};
    for (QWidget* cell : m_cells)
        cell->setMinimumSize(kCellMinWidth, 230);
    arrangeCells(3);

    auto* contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(kGridSpacing, kGridSpacing, kGridSpacing, kGridSpacing);
    contentLayout->setSpacing(kGridSpacing);
    contentLayout->addLayout(tiles);
    contentLayout->addLayout(m_grid, 1);

    m_scroll = new QScrollArea(this);
    m_scroll->setWidget(content);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setAccessibleName(tr("Dashboard"));
    m_scroll->setFocusPolicy(Qt::NoFocus);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_scroll);

    m_queueChart->viewport()->installEventFilter(this);
    m_scroll->viewport()->installEventFilter(this);
    resetViews();
}

void DashboardPage::setSource(Source* source) {
    ++m_generation;
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_source = source;
    m_pending.reset();
    m_rendered.reset();
    m_chartsPending.reset();
    m_sinceCharts.invalidate();
    m_chartTimer->stop();
    m_pendingEvents.clear();
    m_firstPaintReported = false;
    // A scenario's own threshold wins over the default, so the chart and
    // the scenario's Breach rows in the event log judge by the same bar.
    const double waitBar =
        (source ? source->upperBound(QString::fromLatin1(kTicketWaitP95Bar.figure)) : std::nullopt)
            .value_or(kTicketWaitP95Bar.bound);
    m_waitChart->setBar(waitBar, waitBarName(waitBar));
    resetViews();
    if (!source)
        return;
    // The generation check drops snapshots of a replaced source that were
    // already queued when it was swapped out.
    const quint64 generation = m_generation;
    connect(source, &Source::snapshotReady, this, [this, generation](SnapshotPtr snapshot) {
        if (generation == m_generation)
            onSnapshot(std::move(snapshot));
    });
    connect(source, &Source::eventsReady, this, [this, generation](LogEventBatch events) {
        if (generation == m_generation)
            onEvents(std::move(events));
    });
    if (SnapshotPtr latest = source->latestSnapshot())
        onSnapshot(latest);
}

void DashboardPage::addConsoleEvent(LogEventKind kind, const QString& text) {
    LogEvent event;
    event.kind = kind;
    event.timeSeconds = m_rendered ? m_rendered->timeSeconds : 0;
    event.wallTimeUnixMs = static_cast<double>(QDateTime::currentMSecsSinceEpoch());
    event.text = text.toStdString();
    m_eventLog->append({event});
}

void DashboardPage::onSnapshot(SnapshotPtr snapshot) {
    if (!snapshot)
        return;
    m_pending = std::move(snapshot);
    // Every snapshot feeds the time series, even when frames coalesce.
    m_queueChart->addSample(*m_pending);
    scheduleFrame();
}

void DashboardPage::onEvents(LogEventBatch events) {
    if (!events || events->empty())
        return;
    m_pendingEvents.push_back(std::move(events));
    scheduleFrame();
}

void DashboardPage::scheduleFrame() {
    if (!m_frameTimer->isActive())
        m_frameTimer->start();
}

void DashboardPage::renderFrame() {
    if (m_pending) {
        const MetricsSnapshot& s = *m_pending;
        renderTiles(s);
        m_regionModel->setSnapshot(s);
        m_comparisonModel->setSnapshot(s);
        m_chartsPending = m_pending;
        m_rendered = std::move(m_pending);
        m_pending.reset();
        ++m_frames;
    }
    const qint64 sinceCharts = m_sinceCharts.isValid() ? m_sinceCharts.elapsed() : kChartIntervalMs;
    if (sinceCharts >= kChartIntervalMs)
        renderCharts();
    else if (!m_chartTimer->isActive())
        m_chartTimer->start(static_cast<int>(kChartIntervalMs - sinceCharts));
    emit frameRendered();
}

void DashboardPage::renderCharts() {
    m_chartTimer->stop();
    // The log's table repaints every visible row on an insert at the top, so
    // it keeps the charts' pace too.
    for (const LogEventBatch& batch : m_pendingEvents)
        m_eventLog->append(*batch);
    m_pendingEvents.clear();
    if (m_chartsPending) {
        const MetricsSnapshot& s = *m_chartsPending;
        m_queueChart->render();
        m_waitChart->setHistogram(s.total.recentTicketWaitSeconds);
        m_latencyChart->setHistogram(s.total.recentApiLatencyMs);
        m_qualityChart->setHistogram(s.total.matchQuality);
        m_chartsPending.reset();
    }
    m_sinceCharts.start();
}

void DashboardPage::renderTiles(const MetricsSnapshot& s) {
    auto set = [this](Kpi kpi, const QString& value, KpiLevel level, const QString& detail) {
        tile(kpi)->setValue(value, level, detail);
    };
    set(Kpi::PlayersOnline, formatCount(s.playersOnline), KpiLevel::Neutral,
        tr("peak %1").arg(formatCount(s.concurrentPlayersPeak)));
    set(Kpi::InQueue, formatCount(s.playersInQueue), KpiLevel::Neutral,
        s.total.tickets.searching == 1
            ? tr("1 ticket searching")
            : tr("%1 tickets searching").arg(formatCount(s.total.tickets.searching)));
    const double inMatchShare = s.playersOnline ? static_cast<double>(s.playersInMatch) /
                                                      static_cast<double>(s.playersOnline)
                                                : 0.0;
    set(Kpi::InMatch, formatCount(s.playersInMatch), KpiLevel::Neutral,
        tr("%1 of online").arg(formatPercent(inMatchShare)));
    set(Kpi::MatchesPerMinute, QLocale().toString(s.total.matchesPerMinute, 'f', 1),
        KpiLevel::Neutral,
        s.total.matchesTotal == 1
            ? tr("1 match in total")
            : tr("%1 matches in total").arg(formatCount(s.total.matchesTotal)));

    const QString latencyBar = tr("bar < %1").arg(formatMs(kApiP95Bar.bound));
    if (const auto p95 = kpiValue(kApiP95Bar, s)) {
        set(Kpi::ApiP95, formatMs(*p95), classifyAgainstUpperBar(*p95, kApiP95Bar.bound),
            tr("%1 · p99 %2").arg(latencyBar, formatMs(s.total.recentApiLatencyMs.quantile(0.99))));
    } else {
        set(Kpi::ApiP95, u"–"_s, KpiLevel::Unknown, tr("%1 · no requests in 60 s").arg(latencyBar));
    }
    const QString errorBar =
        tr("bar < %1 %").arg(QLocale().toString(kErrorRateBar.bound * 100, 'g', 3));
    if (const auto rate = kpiValue(kErrorRateBar, s)) {
        set(Kpi::ErrorRate, formatPercent(*rate),
            classifyAgainstUpperBar(*rate, kErrorRateBar.bound),
            tr("%1 · %2 of %3 in 60 s")
                .arg(errorBar, formatCount(s.total.recentErrors),
                     formatCount(s.total.recentRequests)));
    } else {
        set(Kpi::ErrorRate, u"–"_s, KpiLevel::Unknown,
            tr("%1 · no requests in 60 s").arg(errorBar));
    }
}

void DashboardPage::resetViews() {
    for (KpiTile* t : m_tiles) {
        if (t)
            t->setValue(u"–"_s, KpiLevel::Unknown, tr("waiting for data"));
    }
    m_frames = 0;
    m_queueChart->clear();
    m_queueChart->render();
    m_waitChart->setHistogram(Histogram{});
    m_latencyChart->setHistogram(Histogram{});
    m_qualityChart->setHistogram(Histogram{});
    m_regionModel->clear();
    m_comparisonModel->setSnapshot(MetricsSnapshot{});
    m_eventLog->clear();
}

void DashboardPage::arrangeCells(int columns) {
    if (columns == m_columns)
        return;
    m_columns = columns;
    for (QWidget* cell : m_cells)
        m_grid->removeWidget(cell);
    for (int i = 0; i < m_grid->columnCount(); ++i)
        m_grid->setColumnStretch(i, 0);
    for (int i = 0; i < m_grid->rowCount(); ++i)
        m_grid->setRowStretch(i, 0);
    for (std::size_t i = 0; i < m_cells.size(); ++i)
        m_grid->addWidget(m_cells[i], int(i) / columns, int(i) % columns);
    for (int row = 0; row < int(m_cells.size()) / columns; ++row)
        m_grid->setRowStretch(row, 1);
    for (int column = 0; column < columns; ++column)
        m_grid->setColumnStretch(column, 4);
    // The event log's column gets a little more room for its text.
    m_grid->setColumnStretch(columns - 1, 5);
}

bool DashboardPage::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::Resize && watched == m_scroll->viewport()) {
        const int threeColumns = 3 * kCellMinWidth + 4 * kGridSpacing;
        arrangeCells(m_scroll->viewport()->width() >= threeColumns ? 3 : 2);
    }
    if (event->type() == QEvent::Paint && !m_firstPaintReported && m_frames > 0) {
        m_firstPaintReported = true;
        // Emit after the paint completes, not from inside it.
        QTimer::singleShot(0, this, &DashboardPage::firstDataFramePainted);
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace pulsco
