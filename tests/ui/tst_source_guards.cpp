// Nothing replaces the running source without asking (issue 23, item 3):
// the scenario picker, Restart and a drill's own source ask first, naming
// what would end (the rollout's measurements, the drill); "keep running"
// keeps the very same source; a confirmed switch stops the drill and saves
// it; and the status bar's alert count agrees with the (reset) dock after it.
#include "FullConsoleHarness.h"

#include "drills/DrillRunner.h"
#include "rollout/RolloutSession.h"
#include "ui/SourceControls.h"
#include "ui/drills/DrillsConsole.h"
#include "ui/drills/DrillsPage.h"
#include "ui/rollout/RolloutPage.h"

#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

using namespace Qt::StringLiterals;
using namespace pulsco;

class TestSourceGuards : public QObject {
    Q_OBJECT
private slots:
    void nothingInProgressNeedsNoQuestion() {
        test::FullConsole c;
        QCOMPARE(c.open(QSize(1280, 800), Theme::Light, 0.0), QString());
        int asked = 0;
        c.window->setConfirmHandler([&](const QString&, const QString&) { return ++asked, false; });
        Source* before = c.window->source();
        emit c.window->findChild<SourceControls*>()->restartRequested(SourceRequest{});
        QCOMPARE(asked, 0);
        QVERIFY(c.window->source() != before);  // replaced straight away
    }

    void aRolloutInProgressIsNamedAndCanBeKept_data() {
        QTest::addColumn<bool>("confirm");
        QTest::addRow("keep running") << false;
        QTest::addRow("replace") << true;
    }
    void aRolloutInProgressIsNamedAndCanBeKept() {
        QFETCH(bool, confirm);
        test::FullConsole c;
        QCOMPARE(c.open(QSize(1280, 800), Theme::Light, 0.0, u"rollout"_s), QString());
        QString error;
        c.pages.rollout->session().setOperatorName(u"ops"_s);
        QVERIFY2(c.pages.rollout->session().startRollout(&error), qPrintable(error));
        QString title, text;
        c.window->setConfirmHandler([&](const QString& t, const QString& x) {
            title = t;
            text = x;
            return confirm;
        });
        Source* before = c.window->source();
        SourceRequest other;
        other.scenario = u"surge-5x"_s;
        emit c.window->findChild<SourceControls*>()->restartRequested(other);
        QCOMPARE(title, u"Replace the running source?"_s);
        QVERIFY2(text.contains(u"Starting surge-5x"_s) &&
                     text.contains(u"rollout #1 in progress"_s),
                 qPrintable(text));
        QCOMPARE(c.window->source() == before, !confirm);
        QCOMPARE(c.window->sourceRequest().scenario, confirm ? u"surge-5x"_s : u"baseline-1000"_s);
        // The rollout itself goes on either way (its step on the new clock).
        QVERIFY(c.pages.rollout->session().rolloutActive());
    }

    void aDrillAsksFirstAndASwitchStopsIt() {
        test::FullConsole c;
        QCOMPARE(c.open(QSize(1280, 800), Theme::Light, 0.0, u"drills"_s), QString());
        QString error;
        c.pages.rollout->session().setOperatorName(u"ops"_s);
        QVERIFY2(c.pages.rollout->session().startRollout(&error), qPrintable(error));
        QStringList asked;
        bool answer = false;
        c.window->setConfirmHandler([&](const QString&, const QString& text) {
            asked << text;
            return answer;
        });
        DrillsPage* page = c.pages.drills->page();
        // Refused: the drill does not start, the rollout's source stays.
        Source* before = c.window->source();
        QVERIFY(!page->startDrill(&error));
        QCOMPARE(error, u"Not started: the running source was kept."_s);
        QCOMPARE(asked.size(), 1);
        QVERIFY2(asked[0].contains(u"Starting the drill"_s), qPrintable(asked[0]));
        QCOMPARE(c.window->source(), before);
        QVERIFY(!c.pages.drills->runner()->isRunning());

        answer = true;
        QVERIFY2(page->startDrill(&error), qPrintable(error));
        DrillRunner* runner = c.pages.drills->runner();
        QVERIFY(runner->isRunning());
        QSignalSpy finished(runner, &DrillRunner::finished);
        // Now the drill is what a switch would end, and says so.
        emit c.window->findChild<SourceControls*>()->restartRequested(SourceRequest{});
        QCOMPARE(asked.size(), 3);
        QVERIFY2(asked[2].contains(u"the drill"_s) && asked[2].contains(u"emergency-stopped"_s),
                 qPrintable(asked[2]));
        QTRY_COMPARE(finished.size(), 1);
        QVERIFY(!runner->isRunning());
        QVERIFY(runner->session() && runner->session()->record().score.emergencyStopped);

        // The status bar's alert count is the new source's (none yet).
        QToolButton* alerts = nullptr;
        for (QToolButton* b : c.window->findChildren<QToolButton*>())
            if (b->accessibleName() == u"Alerts panel"_s)
                alerts = b;
        QVERIFY(alerts);
        QCOMPARE(alerts->text(), u"Alerts: none firing"_s);
    }
};

QTEST_MAIN(TestSourceGuards)
#include "tst_source_guards.moc"
