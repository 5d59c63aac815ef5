// The Dashboard on the real simulator: charts receive data, controls change
// the simulation, faults show up in tiles, source bar and log.
#include "ConsoleHarness.h"
#include "support/IdleLiveSource.h"
#include "support/ShippedFiles.h"

#include "ui/EnvironmentComparisonModel.h"
#include "ui/EventLogModel.h"
#include "ui/EventLogView.h"
#include "ui/FaultDialog.h"
#include "ui/HistogramChart.h"
#include "ui/KpiTile.h"
#include "ui/QueueDepthChart.h"
#include "ui/RegionTableModel.h"
#include "ui/SourceBar.h"
#include "ui/SourceControls.h"
#include "ui/Theme.h"

#include <QAction>
#include <QChart>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineSeries>
#include <QMenu>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace pulsco;
using namespace Qt::StringLiterals;
using Kpi = DashboardPage::Kpi;

namespace {

constexpr int kTimeoutMs = 20000;

bool logHas(EventLogModel* model, LogEventKind kind, const QString& text = {}) {
    for (int row = 0; row < model->rowCount(); ++row) {
        const LogEvent& e = model->eventAt(row);
        if (e.kind == kind && QString::fromStdString(e.text).contains(text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

// A live source that offers nothing: how the controls explain it.
std::unique_ptr<Source> bareSource() {
    Source::Capabilities c;
    c.faultsDisabledReason = u"no admin token configured for this server"_s;
    return std::make_unique<test::IdleLiveSource>(u"bare"_s, c);
}

}  // namespace

class TestDashboard : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void regionStatusSaysOutageAndShed_data() {
        QTest::addColumn<bool>("reachable");
        QTest::addColumn<bool>("shed");
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("tip");
        QTest::addRow("reachable") << true << false << u"✔ reachable"_s << QString();
        QTest::addRow("outage") << false << false << u"✖ OUTAGE"_s << u"cannot reach"_s;
        QTest::addRow("shed while out") << false << true << u"⊘ shed"_s << u"not mended"_s;
        QTest::addRow("shed healthy") << true << true << u"⊘ shed"_s << u"nearest other"_s;
    }
    void regionStatusSaysOutageAndShed() {
        QFETCH(bool, reachable);
        QFETCH(bool, shed);
        QFETCH(QString, status);
        QFETCH(QString, tip);
        MetricsSnapshot s;
        s.regions["asia-east"].reachable = reachable;
        s.regions["asia-east"].shed = shed;
        RegionTableModel model;
        model.setSnapshot(s);
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex cell = model.index(0, RegionTableModel::Status);
        QCOMPARE(model.data(cell).toString(), status);
        const QString tooltip = model.data(cell, Qt::ToolTipRole).toString();
        QVERIFY2(tip.isEmpty() ? tooltip.isEmpty() : tooltip.contains(tip), qPrintable(tooltip));
    }

    void chartsReceiveData() {
        test::ConsoleHarness h;
        QCOMPARE(h.open(100), QString());
        DashboardPage* d = h.dashboard();
        QTRY_VERIFY_WITH_TIMEOUT(d->framesRendered() >= 3, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(
            d->queueChart()->seriesCount() >= 1 && d->queueChart()->pointCount(0) >= 3, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(d->latencyChart()->bins().total > 0, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(d->qualityChart()->bins().total > 0, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(d->waitChart()->bins().total > 0, kTimeoutMs);
        // The bars reach the series and the markers sit where the figures are.
        QVERIFY(d->latencyChart()->barsOutline()->count() > 0);
        QVERIFY(d->latencyChart()->markerPosition(1).has_value());
        QVERIFY(*d->latencyChart()->markerPosition(0) <= *d->latencyChart()->markerPosition(2));
        QCOMPARE(d->latencyChart()->barSeries()->at(0).x(), kApiP95Bar.bound);
        // Bounded points per series.
        for (int i = 0; i < d->queueChart()->seriesCount(); ++i)
            QVERIFY(d->queueChart()->pointCount(i) <= QueueDepthChart::kMaxPointsPerSeries);
        QVERIFY(d->tile(Kpi::PlayersOnline)->valueText() != u"–"_s);
        QVERIFY(d->tile(Kpi::ApiP95)->level() != KpiLevel::Unknown);
        QVERIFY(!d->tile(Kpi::ApiP95)->stateText().isEmpty());
        QVERIFY(d->regionModel()->rowCount() > 0);
        QVERIFY(d->eventLog()->model()->rowCount() > 0);
        QVERIFY(logHas(d->eventLog()->model(), LogEventKind::Match));
        QCOMPARE(h.window->sourceBar()->stateText(), u"RUNNING"_s);
    }

    // The wait chart's bar is the running scenario's own ticket_wait_p95_s
    // threshold (the bound of its Breach rows), else the default.
    void waitBarFollowsTheScenario() {
        test::ConsoleHarness h;
        QCOMPARE(h.open(100), QString());
        const auto barOf = [&h] {
            const HistogramChart* wait = h.dashboard()->waitChart();
            return std::pair(wait->barSeries()->at(0).x(), wait->barSeries()->name());
        };
        QCOMPARE(barOf(), std::pair(90.0, u"bar 90 s"_s));  // baseline-1000: "<90"
        QComboBox* scenarios = h.window->controls()->scenarioCombo();
        const int surge = scenarios->findData(u"surge-5x"_s);
        QVERIFY(surge >= 0);
        scenarios->setCurrentIndex(surge);
        emit scenarios->activated(surge);
        QTRY_VERIFY(h.window->source()->displayName().contains(u"surge-5x"_s));
        QCOMPARE(barOf(), std::pair(120.0, u"bar 120 s"_s));  // surge-5x: "<120"
        h.window->setSource(bareSource(), SourceRequest{});
        QCOMPARE(barOf(), std::pair(kTicketWaitP95Bar.bound, u"bar 60 s"_s));
    }

    // Too narrow for three columns (the Alerts dock beside it at 1280 px):
    // two columns and a vertical scroll, never a clipped column.
    void narrowPageReflowsInsteadOfClipping() {
        test::ConsoleHarness h;
        QCOMPARE(h.open(100), QString());
        DashboardPage* d = h.dashboard();
        auto* scroll = d->findChild<QScrollArea*>();
        QVERIFY(scroll);
        QTRY_COMPARE(d->gridColumns(), 3);
        QCOMPARE(scroll->horizontalScrollBar()->maximum(), 0);
        h.window->resize(1000, 800);
        QTRY_COMPARE(d->gridColumns(), 2);
        QTRY_COMPARE(scroll->horizontalScrollBar()->maximum(), 0);
        QVERIFY(scroll->verticalScrollBar()->maximum() > 0);
        // Every chart keeps its readable minimum.
        QVERIFY(d->waitChart()->width() >= 360 && d->eventLog()->width() >= 300);
        h.window->resize(1280, 800);
        QTRY_COMPARE(d->gridColumns(), 3);
        QTRY_COMPARE(scroll->horizontalScrollBar()->maximum(), 0);
    }

    void pauseStopsTheClockAndResumeRestartsIt() {
        test::ConsoleHarness h;
        QCOMPARE(h.open(10), QString());
        DashboardPage* d = h.dashboard();
        QTRY_VERIFY_WITH_TIMEOUT(d->lastRendered() && d->lastRendered()->timeSeconds > 0,
                                 kTimeoutMs);
        QApplication::setActiveWindow(h.window.get());
        QTest::keyClick(h.window.get(), Qt::Key_Space);  // the documented shortcut
        QTRY_VERIFY_WITH_TIMEOUT(d->lastRendered()->paused, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(h.window->sourceBar()->stateText(), u"PAUSED"_s, kTimeoutMs);
        QVERIFY(h.window->controls()->stepAction()->isEnabled());
        const double frozen = h.window->source()->latestSnapshot()->timeSeconds;
        // Longer than the stale limit: a paused source is paused, not stale.
        QTest::qWait(MainWindow::kStaleAfterMs + 700);
        QCOMPARE(h.window->source()->latestSnapshot()->timeSeconds, frozen);
        QCOMPARE(h.window->sourceBar()->stateText(), u"PAUSED"_s);
        h.window->controls()->playPauseAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(
            !d->lastRendered()->paused && d->lastRendered()->timeSeconds > frozen, kTimeoutMs);
        QCOMPARE(h.window->sourceBar()->stateText(), u"RUNNING"_s);
    }

    void speedChangesShowInTheSourceBar() {
        test::ConsoleHarness h;
        QCOMPARE(h.open(1), QString());
        QTRY_COMPARE_WITH_TIMEOUT(h.window->sourceBar()->speedText(), u"Speed 1×"_s, kTimeoutMs);
        QComboBox* speed = h.window->controls()->speedCombo();
        speed->setFocus();
        QTest::keyClick(speed, Qt::Key_Down);  // 1x -> 10x, as a keyboard user would
        QTRY_COMPARE_WITH_TIMEOUT(h.window->sourceBar()->speedText(), u"Speed 10×"_s, kTimeoutMs);
        h.window->controls()->fasterAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(h.window->sourceBar()->speedText(), u"Speed 100×"_s, kTimeoutMs);
        h.window->controls()->fasterAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(h.window->sourceBar()->speedText(), u"Speed max"_s, kTimeoutMs);
        QCOMPARE(h.window->preferredSpeed().value_or(-1), 0.0);
    }

    void injectedFaultShowsInTilesSourceBarAndLog() {
        test::ConsoleHarness h;
        QCOMPARE(h.open(100), QString());
        DashboardPage* d = h.dashboard();
        QTRY_VERIFY_WITH_TIMEOUT(d->tile(Kpi::ErrorRate)->level() == KpiLevel::Ok, kTimeoutMs);

        QAction* errorSurge = nullptr;
        for (QAction* action : h.window->controls()->faultMenu()->actions()) {
            if (action->data().toInt() == static_cast<int>(FaultKind::ErrorRate))
                errorSurge = action;
        }
        QVERIFY(errorSurge);
        errorSurge->trigger();
        auto* dialog = h.window->findChild<FaultDialog*>();
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        // Opened from the window, the dialog reads its source's traffic:
        // baseline-1000 gives green 0 %, so the surge aims at blue, where it
        // shows (issue #23), and no note is needed.
        QTRY_VERIFY(dialog->traffic().has_value());
        QCOMPARE(dialog->traffic()->green, 0);
        QVERIFY(dialog->fault().target == FaultTarget::Blue);
        QCOMPARE(dialog->trafficNote(), QString());
        dialog->targetCombo()->setCurrentIndex(
            dialog->targetCombo()->findData(static_cast<int>(FaultTarget::Both)));
        dialog->shareBox()->setValue(50);
        QVERIFY2(dialog->validationError().isEmpty(), qPrintable(dialog->validationError()));
        QCOMPARE(dialog->fault().kind, FaultKind::ErrorRate);
        QCOMPARE(dialog->fault().share, 0.5);
        dialog->accept();

        QTRY_COMPARE_WITH_TIMEOUT(d->tile(Kpi::ErrorRate)->level(), KpiLevel::Breach, kTimeoutMs);
        QVERIFY(d->tile(Kpi::ErrorRate)->stateText().contains(u"BREACH"_s));
        QTRY_VERIFY_WITH_TIMEOUT(logHas(d->eventLog()->model(), LogEventKind::FaultStart),
                                 kTimeoutMs);
        QVERIFY(h.window->sourceBar()->faultsText().contains(u"error"_s, Qt::CaseInsensitive));

        // The log's fault filter finds it.
        d->eventLog()->setKindFilter(EventLogView::KindFilter::Faults);
        QVERIFY(d->eventLog()->table()->model()->rowCount() >= 1);

        h.window->controls()->clearFaultsAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(h.window->sourceBar()->faultsText(), u"No active faults"_s,
                                  kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(logHas(d->eventLog()->model(), LogEventKind::FaultEnd),
                                 kTimeoutMs);
    }

    void refusedCommandIsExplainedInTheLog() {
        test::ConsoleHarness h;
        QCOMPARE(h.open(10), QString());
        QTRY_VERIFY_WITH_TIMEOUT(h.dashboard()->framesRendered() > 0, kTimeoutMs);
        FaultSpec outage = FaultDialog::defaults(FaultKind::RegionOutage, {});
        outage.region = "mars-north";
        h.window->source()->injectFault(outage);
        QTRY_VERIFY_WITH_TIMEOUT(
            logHas(h.dashboard()->eventLog()->model(), LogEventKind::Error, u"mars-north"_s),
            kTimeoutMs);
    }

    void trafficSliderMovesGreen() {
        test::ConsoleHarness h;
        QCOMPARE(h.open(100), QString());
        DashboardPage* d = h.dashboard();
        QTRY_VERIFY_WITH_TIMEOUT(d->framesRendered() > 0, kTimeoutMs);
        QSlider* slider = h.window->controls()->trafficSlider();
        slider->setFocus();
        slider->setValue(30);
        QTRY_VERIFY_WITH_TIMEOUT(
            d->lastRendered() && d->lastRendered()->green.requestedWeightPercent.value_or(-1) == 30,
            kTimeoutMs);
        const QModelIndex greenSet = d->comparisonModel()->index(
            EnvironmentComparisonModel::WeightSet, EnvironmentComparisonModel::Green);
        QTRY_COMPARE_WITH_TIMEOUT(greenSet.data().toString(), u"30 %"_s, kTimeoutMs);
        // What green really served is measured (the last 60 s still hold the
        // old weight's traffic), shown beside the weight set.
        const QModelIndex greenShare = d->comparisonModel()->index(
            EnvironmentComparisonModel::TrafficWeight, EnvironmentComparisonModel::Green);
        QTRY_VERIFY_WITH_TIMEOUT(greenShare.data().toString().endsWith(u" %"_s), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(d->lastRendered()->green.recentRequests > 0, kTimeoutMs);
    }

    void scenarioPickerRestartsTheSimulation() {
        test::ConsoleHarness h;
        QCOMPARE(h.open(100), QString());
        QTRY_VERIFY_WITH_TIMEOUT(h.dashboard()->framesRendered() > 0, kTimeoutMs);
        QComboBox* scenarios = h.window->controls()->scenarioCombo();
        QVERIFY(scenarios->count() >= 2);
        const int surge = scenarios->findData(u"surge-5x"_s);
        QVERIFY(surge >= 0);
        QSignalSpy changed(h.window.get(), &MainWindow::sourceChanged);
        scenarios->setCurrentIndex(surge);
        emit scenarios->activated(surge);
        QVERIFY(changed.count() >= 1);
        QVERIFY(h.window->source()->displayName().contains(u"surge-5x"_s));
        QTRY_VERIFY_WITH_TIMEOUT(h.dashboard()->framesRendered() > 0, kTimeoutMs);
        QCOMPARE(h.window->sourceRequest().scenario, u"surge-5x"_s);
    }

    void populationSizeRestartsWithThatMany() {
        test::ConsoleHarness h;
        QCOMPARE(h.open(100), QString());
        QTRY_VERIFY_WITH_TIMEOUT(h.dashboard()->framesRendered() > 0, kTimeoutMs);
        h.window->controls()->playersBox()->setValue(300);
        h.window->controls()->restartAction()->trigger();
        QCOMPARE(h.window->sourceRequest().players, 300);
        QTRY_VERIFY_WITH_TIMEOUT(h.dashboard()->lastRendered() &&
                                     h.dashboard()->lastRendered()->playersOnline > 0,
                                 kTimeoutMs);
        QVERIFY(h.dashboard()->lastRendered()->playersOnline <= 300);
    }

    void badScenarioFileKeepsTheRunningSource() {
        test::ConsoleHarness h;
        QCOMPARE(h.open(10), QString());
        Source* before = h.window->source();
        QTemporaryDir dir;
        const QString path = dir.filePath(u"broken.json"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(test::baselineWith(u"population"_s, u"players"_s, u"many"_s));
        file.close();
        SourceRequest request;
        request.scenario = path;
        QString error;
        QVERIFY(!h.window->openSource(request, &error));
        QVERIFY2(error.contains(path), qPrintable(error));
        QVERIFY2(error.contains(u"population.players"_s), qPrintable(error));
        QCOMPARE(h.window->source(), before);
        request.scenario = u"baseline-1000"_s;
        request.players = 5000000;
        QVERIFY(!h.window->openSource(request, &error));
        QVERIFY2(error.contains(u"population.players"_s), qPrintable(error));
        QCOMPARE(h.window->source(), before);
    }

    void controlsExplainWhatTheSourceCannotDo() {
        test::ConsoleHarness h;
        h.window = std::make_unique<MainWindow>(h.factory);
        h.window->setSource(bareSource(), SourceRequest{});
        SourceControls* c = h.window->controls();
        QVERIFY(!c->playPauseAction()->isEnabled());
        QVERIFY(!c->speedCombo()->isEnabled());
        QVERIFY(c->speedCombo()->toolTip().contains(u"real time"_s));
        QVERIFY(!c->trafficSlider()->isEnabled());
        QVERIFY(!c->trafficSlider()->toolTip().isEmpty());
        QVERIFY(!c->clearFaultsAction()->isEnabled());
        QCOMPARE(c->clearFaultsAction()->toolTip(), u"no admin token configured for this server"_s);
        QVERIFY(!c->scenarioCombo()->isEnabled());
        QVERIFY(c->scenarioCombo()->toolTip().contains(u"simulator"_s));
    }

    void silentSourceTurnsStale() {
        test::ConsoleHarness h;
        h.window = std::make_unique<MainWindow>(h.factory);
        h.window->setSource(bareSource(), SourceRequest{});
        auto snapshot = std::make_shared<MetricsSnapshot>();
        snapshot->timeSeconds = 42;
        emit h.window->source()->snapshotReady(snapshot);
        QTRY_COMPARE(h.window->sourceBar()->stateText(), u"RUNNING"_s);
        QCOMPARE(h.window->sourceBar()->clockText(), u"Clock 00:00:42"_s);
        QTRY_COMPARE_WITH_TIMEOUT(h.window->sourceBar()->stateText(), u"STALE"_s,
                                  MainWindow::kStaleAfterMs + 3000);
        QVERIFY(h.window->statusText().contains(u"ago"_s));
        emit h.window->source()->snapshotReady(snapshot);  // it speaks again
        QTRY_COMPARE(h.window->sourceBar()->stateText(), u"RUNNING"_s);
    }

    void darkPaletteReachesTheCharts() {
        test::ConsoleHarness h;
        QCOMPARE(h.open(10), QString());
        h.window->setTheme(Theme::Dark);
        const QColor darkBase = makePalette(Theme::Dark).color(QPalette::Base);
        QTRY_COMPARE(h.dashboard()->latencyChart()->chart()->backgroundBrush().color(), darkBase);
        QVERIFY(isDarkPalette(h.dashboard()->tile(Kpi::ApiP95)->palette()));
        h.window->setTheme(Theme::Light);
        QTRY_COMPARE(h.dashboard()->latencyChart()->chart()->backgroundBrush().color(),
                     makePalette(Theme::Light).color(QPalette::Base));
    }

    void disabledControlsLookDisabledInBothThemes_data() {
        QTest::addColumn<Theme>("theme");
        QTest::addRow("light") << Theme::Light;
        QTest::addRow("dark") << Theme::Dark;
    }

    // A live source disables the simulator controls; they must not look
    // enabled (a palette set role by role once gave disabled buttons the
    // enabled colours).
    void disabledControlsLookDisabledInBothThemes() {
        QFETCH(Theme, theme);
        const QPalette p = makePalette(theme);
        for (const auto role : {QPalette::ButtonText, QPalette::WindowText, QPalette::Text}) {
            const QColor enabled = p.color(QPalette::Active, role);
            const QColor disabled = p.color(QPalette::Disabled, role);
            QVERIFY2(std::abs(enabled.lightness() - disabled.lightness()) >= 40,
                     qPrintable(u"role %1: enabled %2, disabled %3"_s.arg(int(role)).arg(
                         enabled.name(), disabled.name())));
        }
    }

    void settingsAreRemembered() {
        {
            test::ConsoleHarness h;
            QCOMPARE(h.open(100, u"surge-5x"_s), QString());
            h.window->setTheme(Theme::Dark);
            h.window->resize(1111, 777);
            h.window->saveSettings();
        }
        test::ConsoleHarness h;
        h.window = std::make_unique<MainWindow>(h.factory);
        h.window->restoreSettings(true);
        QCOMPARE(h.window->theme(), Theme::Dark);
        QCOMPARE(h.window->preferredSpeed().value_or(-1), 100.0);
        QCOMPARE(h.window->lastSavedRequest().scenario, u"surge-5x"_s);
        QCOMPARE(h.window->size(), QSize(1111, 777));
        QVERIFY(!h.window->reopenLastScenario());  // off unless the user turns it on
        h.window->setTheme(Theme::Light);
    }

    void pagesAndPanelsCanBeAdded() {
        test::ConsoleHarness h;
        h.window = std::make_unique<MainWindow>(h.factory);
        QCOMPARE(h.window->pageKeys(), QStringList{u"dashboard"_s});
        QVERIFY(!h.window->showPage(u"rollout"_s));
        auto* page = new QWidget;
        QCOMPARE(h.window->addPage(u"rollout"_s, page, u"Rollout"_s), 1);
        QVERIFY(h.window->showPage(u"rollout"_s));
        QCOMPARE(h.window->currentPageKey(), u"rollout"_s);
    }
};

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
