// The trainee's screen keeps the drill's secret (issue 23, item 6): while a
// drill runs, the source bar says faults are hidden, fault lines are held
// back from the event log, and the Drills page keeps to the Trainee tab;
// the trainer view (its own window) shows the faults in force, the script
// with the hidden cause and the whole timeline. When the drill ends,
// everything comes back and the held lines follow in the log.
#include "FullConsoleHarness.h"

#include "drills/DrillRunner.h"
#include "ui/DashboardPage.h"
#include "ui/EventLogModel.h"
#include "ui/EventLogView.h"
#include "ui/SourceBar.h"
#include "ui/drills/DrillsConsole.h"
#include "ui/drills/DrillsPage.h"
#include "ui/drills/TrainerWindow.h"

#include <QCheckBox>
#include <QDir>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QTextBrowser>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

int faultRows(EventLogModel* model) {
    int n = 0;
    for (int r = 0; r < model->rowCount(); ++r) {
        const QString kind = model->index(r, EventLogModel::Kind).data().toString();
        n += kind.startsWith(u"Fault"_s) ? 1 : 0;
    }
    return n;
}

QStringList visibleTabs(QTabWidget* tabs) {
    QStringList out;
    for (int i = 0; i < tabs->count(); ++i)
        if (tabs->isTabVisible(i))
            out << tabs->tabText(i);
    return out;
}

}  // namespace

class TestTraineeView : public QObject {
    Q_OBJECT
private slots:
    void theTraineeSeesSymptomsTheTrainerTheCause() {
        test::FullConsole c;
        QCOMPARE(c.open(QSize(1280, 800), Theme::Light, 30.0, u"drills"_s), QString());
        DrillsPage* page = c.pages.drills->page();
        DrillRunner* runner = c.pages.drills->runner();
        page->setSpeed(30);  // the first fault 60 s in: 2 s of wall time
        page->traineeName()->setText(u"ann"_s);
        page->trainerName()->setText(u"tom"_s);
        QVERIFY(page->traineeScreenBox()->isChecked());  // the default
        QString error;
        QVERIFY2(page->startDrill(&error), qPrintable(error));
        QCOMPARE(visibleTabs(page->tabs()), QStringList{u"Trainee"_s});
        // Drill titles name causes: neither the list nor the trainee's
        // timeline shows the title.
        QVERIFY(!page->drillList()->isVisibleTo(page));
        const QString title = runner->session()->drill().title;
        QTRY_VERIFY(page->traineeTimeline()->count() > 0);
        for (int i = 0; i < page->traineeTimeline()->count(); ++i)
            QVERIFY2(!page->traineeTimeline()->item(i)->text().contains(title),
                     qPrintable(page->traineeTimeline()->item(i)->text()));

        TrainerWindow* trainer = c.pages.drills->showTrainerWindow();
        QVERIFY(trainer->isWindow() && trainer->isVisible());
        QVERIFY(trainer->scriptView()->toPlainText().contains(u"Hidden cause"_s));
        // The drill's fault begins: the trainer sees it, the trainee does not.
        QTRY_VERIFY_WITH_TIMEOUT(trainer->faultsText().startsWith(u"Faults in force: "_s) &&
                                     !trainer->faultsText().endsWith(u"none"_s),
                                 20000);
        SourceBar* bar = c.window->sourceBar();
        QCOMPARE(bar->faultsText(),
                 u"Faults: hidden during the drill (trainer view: Ctrl+Shift+T)"_s);
        EventLogView* log = c.window->dashboard()->eventLog();
        QTRY_VERIFY(log->heldFaultEvents() > 0);
        QCOMPARE(faultRows(log->model()), 0);
        QVERIFY(trainer->timeline()->count() > 0);
        // For a person to look at: what the trainee's screen and the
        // trainer view show at the same moment.
        QDir().mkpath(QStringLiteral(PULSCO_BINARY_DIR "/screenshots"));
        c.window->showPage(u"dashboard"_s);
        QVERIFY(c.window->grab().save(
            QStringLiteral(PULSCO_BINARY_DIR "/screenshots/drill-trainee-dashboard.png")));
        c.window->showPage(u"drills"_s);
        QVERIFY(c.window->grab().save(
            QStringLiteral(PULSCO_BINARY_DIR "/screenshots/drill-trainee-drills.png")));
        QVERIFY(trainer->grab().save(
            QStringLiteral(PULSCO_BINARY_DIR "/screenshots/drill-trainer-view.png")));

        QSignalSpy finished(runner, &DrillRunner::finished);
        runner->session()->emergencyStop();
        QTRY_COMPARE(finished.size(), 1);
        // Everything comes back: the tabs, the fault list, the held lines.
        QCOMPARE(visibleTabs(page->tabs()).size(), page->tabs()->count());
        QVERIFY(page->drillList()->isVisibleTo(page));
        QVERIFY(!bar->faultsText().contains(u"hidden"_s));
        QCOMPARE(log->heldFaultEvents(), std::size_t(0));
        QVERIFY(faultRows(log->model()) > 0);
    }

    void aTrainerAloneKeepsEverything() {
        test::FullConsole c;
        QCOMPARE(c.open(QSize(1280, 800), Theme::Light, 30.0, u"drills"_s), QString());
        DrillsPage* page = c.pages.drills->page();
        page->setSpeed(30);  // the first fault 60 s in: 2 s of wall time
        page->traineeScreenBox()->setChecked(false);
        QString error;
        QVERIFY2(page->startDrill(&error), qPrintable(error));
        QCOMPARE(visibleTabs(page->tabs()).size(), page->tabs()->count());
        QTRY_VERIFY_WITH_TIMEOUT(c.window->sourceBar()->faultsText().startsWith(u"⚠ Faults"_s),
                                 20000);
        QCOMPARE(c.window->dashboard()->eventLog()->heldFaultEvents(), std::size_t(0));
    }
};

QTEST_MAIN(TestTraineeView)
#include "tst_trainee_view.moc"
