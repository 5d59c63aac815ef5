// The first screens as a newcomer sees them (issue #14, item 9): the whole
// console on the shipped scenarios, each screen saying one consistent thing.
#include "FullConsoleHarness.h"
#include "support/IdleLiveSource.h"

#include "ui/DashboardPage.h"
#include "ui/EventLogModel.h"
#include "ui/EventLogView.h"
#include "ui/KpiTile.h"
#include "ui/SourceBar.h"
#include "ui/SourceControls.h"
#include "ui/drills/AlertListModel.h"
#include "ui/drills/AlertsPanel.h"
#include "ui/drills/DrillsConsole.h"
#include "ui/drills/DrillsPage.h"
#include "ui/rollout/ChecklistModel.h"
#include "ui/rollout/ChecklistView.h"
#include "ui/rollout/RolloutPage.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QRegularExpression>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>
#include <QTreeView>

using namespace pulsco;
using namespace Qt::StringLiterals;
using Kpi = DashboardPage::Kpi;

namespace {

constexpr int kTimeoutMs = 30000;

// What a live server with an admin token offers: faults, nothing else.
Source::Capabilities liveCapabilities() {
    Source::Capabilities c;
    c.faults = true;
    return c;
}

// The highest "match N" in the event log, and how many match rows it has.
std::pair<std::uint64_t, int> newestMatch(const EventLogModel* model) {
    static const QRegularExpression number(u"^match (\\d+) "_s);
    std::uint64_t newest = 0;
    int rows = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        const LogEvent& e = model->eventAt(row);
        if (e.kind != LogEventKind::Match)
            continue;
        ++rows;
        const QRegularExpressionMatch m = number.match(QString::fromStdString(e.text));
        if (m.hasMatch())
            newest = std::max<std::uint64_t>(newest, m.captured(1).toULongLong());
    }
    return {newest, rows};
}

// Every item row of the checklist (depth first).
QList<QModelIndex> checklistItems(const QAbstractItemModel* model, const QModelIndex& parent = {}) {
    QList<QModelIndex> out;
    for (int r = 0; r < model->rowCount(parent); ++r) {
        const QModelIndex index = model->index(r, 0, parent);
        if (index.data(ChecklistModel::KindRole).toString() == u"item"_s)
            out << index;
        out << checklistItems(model, index);
    }
    return out;
}

}  // namespace

class TestFirstScreens : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // `--speed 60`: the toolbar's Speed box says what the source bar says.
    void speedFromTheCommandLineShowsInTheToolbar() {
        test::FullConsole c;
        QCOMPARE(c.open(QSize(1280, 800), Theme::Light, 60.0), QString());
        QTRY_COMPARE_WITH_TIMEOUT(c.window->sourceBar()->speedText(), u"Speed 60×"_s, kTimeoutMs);
        QComboBox* speed = c.window->controls()->speedCombo();
        QCOMPARE(speed->currentText(), u"60×"_s);
        QCOMPARE(speed->currentData().toDouble(), 60.0);
        // The presets stay in order around it: ] goes to the next faster one.
        c.window->controls()->fasterAction()->trigger();
        QCOMPARE(speed->currentText(), u"100×"_s);
        QTRY_COMPARE_WITH_TIMEOUT(c.window->sourceBar()->speedText(), u"Speed 100×"_s, kTimeoutMs);
        c.window->controls()->slowerAction()->trigger();
        QCOMPARE(speed->currentText(), u"60×"_s);
    }

    // The Matches tile and the event log count the same matches: the ones
    // formed during the scenario's warm-up are in neither.
    void matchesTileAgreesWithTheEventLog() {
        test::FullConsole c;
        QCOMPARE(c.open(QSize(1280, 800), Theme::Light, 100.0), QString());
        DashboardPage* d = c.window->dashboard();
        QTRY_VERIFY_WITH_TIMEOUT(d->lastRendered() && d->lastRendered()->total.matchesTotal >= 20,
                                 kTimeoutMs);
        c.window->source()->pause();
        QTRY_VERIFY_WITH_TIMEOUT(d->lastRendered()->paused, kTimeoutMs);
        const std::uint64_t total = d->lastRendered()->total.matchesTotal;
        const EventLogModel* log = d->eventLog()->model();
        QTRY_COMPARE_WITH_TIMEOUT(newestMatch(log).first, total, kTimeoutMs);
        QCOMPARE(std::uint64_t(newestMatch(log).second), total);  // one row per match, none before
        QVERIFY2(d->tile(Kpi::MatchesPerMinute)
                     ->detailText()
                     .contains(u"%1 matches in total"_s.arg(QLocale().toString(qulonglong(total)))),
                 qPrintable(d->tile(Kpi::MatchesPerMinute)->detailText()));
        for (int row = 0; row < log->rowCount(); ++row)
            QVERIFY2(log->eventAt(row).timeSeconds >= 0,
                     log->eventAt(row).text.c_str());  // nothing from before the run
    }

    // A threshold checked before the run has any data is no breach: the
    // log does not open with a red row at 00:00:00.
    void noBreachBeforeTheRunHasData() {
        test::FullConsole c;
        QCOMPARE(c.open(QSize(1280, 800), Theme::Light, 100.0), QString());
        DashboardPage* d = c.window->dashboard();
        QTRY_VERIFY_WITH_TIMEOUT(d->lastRendered() && d->lastRendered()->timeSeconds >= 60,
                                 kTimeoutMs);
        const EventLogModel* log = d->eventLog()->model();
        QTRY_VERIFY_WITH_TIMEOUT(newestMatch(log).second > 0, kTimeoutMs);
        // The first live check judges the run's first minute (checks run
        // every 10 s); nothing may be judged from before the run started.
        for (int row = 0; row < log->rowCount(); ++row) {
            const LogEvent& e = log->eventAt(row);
            QVERIFY2(e.timeSeconds >= 0, e.text.c_str());
            if (e.timeSeconds >= 60)
                continue;
            QVERIFY2(e.kind != LogEventKind::Breach, e.text.c_str());
            QVERIFY2(e.text.find("threshold") == std::string::npos, e.text.c_str());
        }
    }

    // On live servers the toolbar shows no simulator scenario, speed or
    // green-traffic slider, and says why.
    void liveServersHideTheSimulatorControls() {
        test::FullConsole c;
        QCOMPARE(c.open(QSize(1280, 800), Theme::Light, 10.0), QString());
        SourceControls* controls = c.window->controls();
        QVERIFY(controls->scenarioCombo()->isVisibleTo(c.window.get()));
        QVERIFY(controls->simulatorControlsShown());
        SourceRequest live;
        live.kind = SourceRequest::Kind::Live;
        live.urls = {u"http://127.0.0.1:9"_s};
        c.window->setSource(std::make_unique<test::IdleLiveSource>(u"Live · http://127.0.0.1:9"_s,
                                                                   liveCapabilities()),
                            live);
        QVERIFY(!controls->simulatorControlsShown());
        // The toolbar shows and hides its widgets on its next layout pass.
        for (QWidget* w :
             std::initializer_list<QWidget*>{controls->speedCombo(), controls->scenarioCombo(),
                                             controls->playersBox(), controls->trafficSlider()})
            QTRY_VERIFY2(!w->isVisibleTo(c.window.get()), qPrintable(w->accessibleName()));
        auto* note = controls->findChild<QLabel*>(u"liveControlsNote"_s);
        QVERIFY(note);
        QTRY_VERIFY(note->isVisibleTo(c.window.get()));
        QVERIFY(!note->toolTip().isEmpty());
        // Back on the simulator, they come back.
        QString error;
        QVERIFY2(c.window->openSource(SourceRequest{}, &error), qPrintable(error));
        QTRY_VERIFY(controls->scenarioCombo()->isVisibleTo(c.window.get()));
        QTRY_VERIFY(!note->isVisibleTo(c.window.get()));
    }

    // Drills page: every drill's name is readable, and the Live box holds
    // one line until a drill starts instead of a large empty box.
    void drillsPageShowsWholeNamesAndNoEmptyLiveBox() {
        test::FullConsole c;
        QCOMPARE(c.open(QSize(1920, 1080), Theme::Light, 10.0, u"drills"_s), QString());
        DrillsPage* page = c.pages.drills->page();
        QTRY_VERIFY(page->isVisible());
        QListWidget* list = page->drillList();
        QVERIFY(list->count() >= 6);
        for (int i = 0; i < list->count(); ++i) {
            const int text = list->fontMetrics().horizontalAdvance(list->item(i)->text());
            QVERIFY2(list->viewport()->width() >= text + 8,
                     qPrintable(u"%1: %2 px in %3 px"_s.arg(list->item(i)->text())
                                    .arg(text)
                                    .arg(list->viewport()->width())));
        }
        QWidget* live = page->liveBox();
        QVERIFY2(live->height() <= 3 * page->scriptView()->height() / 10,
                 qPrintable(u"live %1 px, script %2 px"_s.arg(live->height())
                                .arg(page->scriptView()->height())));
        QVERIFY(!page->trainerTimeline()->isVisibleTo(page));
        QVERIFY(page->scoreLabel()->text().contains(u"Start"_s));

        QString error;
        // A trainer rehearsing alone keeps the trainer tab on this screen.
        page->traineeScreenBox()->setChecked(false);
        QVERIFY2(page->startDrill(&error), qPrintable(error));
        QVERIFY(page->trainerTimeline()->isVisibleTo(page));
        QTRY_VERIFY(live->height() >= page->scriptView()->height() / 2);
    }

    // Rollout page: the detail pane opens on the item to work on, and a
    // gate's value is a figure (or "no data"), never "0  holds".
    void rolloutOpensOnTheCurrentItemWithFigures() {
        test::FullConsole c;
        QCOMPARE(c.open(QSize(1920, 1080), Theme::Light, 100.0, u"rollout"_s), QString());
        ChecklistView* checklist = c.pages.rollout->checklist();
        QVERIFY(!checklist->selectedItemId().isEmpty());
        const QString title = checklist->titleLabel()->text();
        QVERIFY2(!title.startsWith(u"Select"_s), qPrintable(title));

        const QAbstractItemModel* model = checklist->tree()->model();
        const QList<QModelIndex> items = checklistItems(model);
        QVERIFY(!items.isEmpty());
        // Wait until gates have seen data.
        QTRY_VERIFY_WITH_TIMEOUT(
            std::any_of(items.begin(), items.end(),
                        [](const QModelIndex& i) {
                            return i.data(ChecklistModel::GatedRole).toBool() &&
                                   !i.siblingAtColumn(ChecklistModel::Value)
                                        .data()
                                        .toString()
                                        .startsWith(u"no data"_s);
                        }),
            kTimeoutMs);
        int compound = 0;
        for (const QModelIndex& i : items) {
            if (!i.data(ChecklistModel::GatedRole).toBool())
                continue;
            const QString value = i.siblingAtColumn(ChecklistModel::Value).data().toString();
            QVERIFY2(!value.contains(u"holds"_s), qPrintable(value));
            QVERIFY2(!value.isEmpty(), qPrintable(i.data().toString()));
            compound += value.contains(u" · "_s) ? 1 : 0;
        }
        QVERIFY(compound > 0);  // "p95 < 150 and errors < 0.1%" shows both figures
    }

    // The Alerts dock at its size beside a 1280-pixel page: every column it
    // shows is whole, State among them, and nothing scrolls sideways.
    void alertsDockShowsWholeColumns() {
        test::FullConsole c;
        QCOMPARE(c.open(QSize(1280, 800), Theme::Light, 100.0), QString());
        AlertsDock* dock = c.pages.drills->dock();
        dock->show();
        QTRY_VERIFY(dock->isVisible());
        QTableView* table = dock->panel()->table();
        QTRY_VERIFY(table->viewport()->width() > 0);
        QTest::qWait(100);
        QHeaderView* header = table->horizontalHeader();
        QVERIFY(!header->isSectionHidden(AlertListModel::State));
        QVERIFY(!header->isSectionHidden(AlertListModel::Severity));
        int used = 0;
        for (int col = 0; col < header->count(); ++col) {
            if (header->isSectionHidden(col))
                continue;
            used += header->sectionSize(col);
            if (col == AlertListModel::Alert)
                continue;
            QVERIFY2(header->sectionSize(col) >= header->sectionSizeHint(col),
                     qPrintable(u"column %1: %2 < %3"_s.arg(col)
                                    .arg(header->sectionSize(col))
                                    .arg(header->sectionSizeHint(col))));
        }
        QVERIFY2(
            used <= table->viewport()->width(),
            qPrintable(u"%1 px of columns in %2 px"_s.arg(used).arg(table->viewport()->width())));
    }
};

QTEST_MAIN(TestFirstScreens)
#include "tst_first_screens.moc"
