// The alerts panel and the Drills page offscreen, on the real simulator
// engine: alerts listed with their runbook, acknowledge and resolve from the
// panel, a drill run from the page's buttons, the trainee view without the
// script, the editor saving the same file format, history and export.
// Screenshots go to <build>/tests/drills-*.png for a person to look at.
#include "DrillFixture.h"
#include "drills/DrillLibrary.h"
#include "drills/DrillRunner.h"
#include "drills/DrillSessionStore.h"
#include "store/ConsoleStore.h"
#include "ui/QueueDepthChart.h"
#include "ui/drills/AlertChartAnnotator.h"
#include "ui/drills/AlertListModel.h"
#include "ui/drills/AlertsPanel.h"
#include "ui/drills/DrillEditor.h"
#include "ui/drills/DrillsPage.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTextDocument>
#include <QUrl>

using namespace pulsco;
using namespace pulsco::test;
using namespace Qt::StringLiterals;

namespace {

void saveShot(QWidget& w, const QString& name) {
    const QString path = QStringLiteral(PULSCO_BINARY_DIR "/tests/") + name + u".png"_s;
    QVERIFY(w.grab().save(path));
}

MetricsSnapshot failing(double t) {
    MetricsSnapshot s;
    s.timeSeconds = t;
    s.total.recentRequests = s.green.recentRequests = 1000;
    s.total.recentErrors = s.green.recentErrors = 200;
    s.regions["asia-east"].reachable = false;
    s.regions["eu-west"].reachable = true;
    return s;
}

QPushButton* button(QWidget& root, const QString& text) {
    for (QPushButton* b : root.findChildren<QPushButton*>())
        if (b->text().remove(u'&') == text)
            return b;
    return nullptr;
}

}  // namespace

class TestDrillsUi : public QObject {
    Q_OBJECT
private slots:
    void alertsPanelAcknowledgesAndResolves() {
        AlertEngine engine(defaultRules());
        AlertsPanel panel(&engine);
        QAbstractItemModelTester tester(panel.model());
        panel.resize(700, 640);
        panel.show();
        engine.evaluate(failing(0));
        engine.evaluate(failing(90));
        // Without a name, Acknowledge is refused and says why (issue 23).
        QVERIFY(panel.select(u"rollback-error-rate-green"_s));
        QVERIFY(!panel.acknowledgeButton()->isEnabled());
        QVERIFY(panel.acknowledgeButton()->toolTip().contains(u"Type your name"_s));
        QVERIFY(panel.hintLabel()->isVisible());
        QVERIFY(panel.hintLabel()->text().contains(u"Type your name"_s));
        QVERIFY(!panel.acknowledgeSelected());
        QVERIFY(!engine.status(u"rollback-error-rate-green"_s)->acknowledged);
        panel.setOperatorName(u"  "_s);
        QVERIFY(!panel.acknowledgeButton()->isEnabled());
        saveShot(panel, u"drills-alerts-panel-no-name"_s);
        panel.setOperatorName(u"ann"_s);
        QVERIFY(panel.acknowledgeButton()->isEnabled());
        QVERIFY(!panel.hintLabel()->isVisible());
        QVERIFY(panel.model()->rowCount() >= 3);
        // Firing, most severe first.
        QCOMPARE(panel.model()->index(0, AlertListModel::State).data().toString(), u"firing"_s);
        QCOMPARE(panel.model()->index(0, AlertListModel::Severity).data().toString(),
                 u"CRITICAL"_s);
        QVERIFY(panel.select(u"rollback-error-rate-green"_s));
        QVERIFY(panel.runbookView()->toPlainText().contains(u"What it means"_s));
        QVERIFY(panel.runbookView()->toPlainText().contains(u"How to roll back"_s));
        QVERIFY(panel.acknowledgeSelected());
        QVERIFY(engine.status(u"rollback-error-rate-green"_s)->acknowledged);
        QCOMPARE(engine.status(u"rollback-error-rate-green"_s)->acknowledgedBy, u"ann"_s);
        QVERIFY(!panel.acknowledgeSelected());    // once per occurrence
        QVERIFY(!panel.resolveSelected(u" "_s));  // a note is required
        QVERIFY(panel.select(u"region-unreachable"_s));
        QVERIFY(panel.resolveSelected(u"shed asia-east"_s));
        QCOMPARE(engine.status(u"region-unreachable"_s)->resolveNote, u"shed asia-east"_s);
        QVERIFY(panel.summaryLabel()->text().contains(u"firing"_s));
        saveShot(panel, u"drills-alerts-panel"_s);
        // Every interactive widget has an accessible name (and there are some).
        int interactive = 0;
        for (QWidget* w : panel.findChildren<QWidget*>())
            if (w->focusPolicy() != Qt::NoFocus && w->isVisible() &&
                (qobject_cast<QPushButton*>(w) || qobject_cast<QLineEdit*>(w) ||
                 qobject_cast<QTableView*>(w) || qobject_cast<QTextBrowser*>(w))) {
                ++interactive;
                QVERIFY2(!w->accessibleName().isEmpty(), w->metaObject()->className());
            }
        QVERIFY2(interactive >= 4, qPrintable(QString::number(interactive)));
    }

    void alertsAnnotateACharts() {
        AlertEngine engine(defaultRules());
        QueueDepthChart chart;
        AlertChartAnnotator annotator(&engine, &chart, 60);
        QCOMPARE(annotator.firedLines(), 0);
        engine.evaluate(failing(120));
        QVERIFY(annotator.firedLines() >= 2);  // error-rate green + region
        QCOMPARE(annotator.clearedLines(), 0);
        MetricsSnapshot ok;
        ok.timeSeconds = 240;
        ok.total.recentRequests = ok.green.recentRequests = 1000;
        engine.evaluate(ok);
        QCOMPARE(annotator.clearedLines(), 0);  // clear, but within the rules' hold
        ok.timeSeconds = 240 + kDefaultKeepFiringForSeconds;
        engine.evaluate(ok);
        QVERIFY(annotator.clearedLines() >= 2);
        chart.resize(600, 300);
        chart.show();
        saveShot(chart, u"drills-chart-annotations"_s);
    }

    // A rule without a hold that flaps every 10 s draws one fired and one
    // cleared line, not one per flap; a firing much later is a span of its own.
    void chartMergesFlaps() {
        AlertRule r = defaultRules().front();
        ExpressionError e;
        r.name = u"errors"_s;
        r.expression = MetricExpression::parse("rate(errors) > 5%", &e);
        r.forSeconds = 0;
        r.keepFiringForSeconds = 0;
        r.severity = AlertSeverity::Critical;
        AlertEngine engine({r});
        QueueDepthChart chart;
        AlertChartAnnotator annotator(&engine, &chart, 60);
        const auto at = [&](double t, int errors) {
            MetricsSnapshot s;
            s.timeSeconds = t;
            s.total.recentRequests = 1000;
            s.total.recentErrors = static_cast<std::uint64_t>(errors);
            engine.evaluate(s);
        };
        for (int t = 0; t <= 180; t += 10)
            at(t, t % 20 == 0 ? 55 : 45);  // 5.5 % / 4.5 %: fires and resolves 10 times
        at(190, 0);
        QCOMPARE(engine.markers().size(), std::size_t(10));
        QCOMPARE(annotator.spans().size(), std::size_t(1));
        QCOMPARE(annotator.spans()[0].firings, 10);
        QCOMPARE(annotator.spans()[0].firedAt, 0.0);
        QCOMPARE(annotator.spans()[0].clearedAt, 190.0);
        QCOMPARE(annotator.firedLines(), 1);
        QCOMPARE(annotator.clearedLines(), 1);
        at(600, 200);
        QCOMPARE(annotator.spans().size(), std::size_t(2));
        QCOMPARE(annotator.firedLines(), 2);
        QCOMPARE(annotator.clearedLines(), 1);
        // Seconds per unit 1 and no hold: 10 s apart is told apart, not merged.
        QCOMPARE(AlertChartAnnotator::mergedSpans(engine, 1).size(), std::size_t(11));
    }

    void drillRunsFromThePage() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::open(dir.filePath(u"console.sqlite"_s), &error);
        QVERIFY2(store, qPrintable(error));
        DrillSessionStore sessions(*store);
        AlertEngine alerts(defaultRules());
        AlertsPanel panel(&alerts);
        DrillLibrary library(dir.filePath(u"drills"_s));
        DrillRunner runner(&alerts, &sessions);
        DrillsPage page(library, runner);
        page.setContext(realDrillContext());
        QVERIFY(page.drillNames().size() >= 6);
        QVERIFY(page.selectDrill(u"matcher-stall"_s));
        QVERIFY(page.scriptView()->toPlainText().contains(u"Hidden cause"_s));
        const DrillScript script = *page.selectedDrill();
        EngineSource source(scenarioOf(script));
        connect(&source, &Source::snapshotReady, &alerts,
                [&](const SnapshotPtr& s) { alerts.evaluate(*s); });
        runner.setSource(&source);
        page.resize(1200, 800);
        page.show();
        page.traineeName()->setText(u"ann"_s);
        page.trainerName()->setText(u"tess"_s);
        source.start();
        QVERIFY2(page.startDrill(&error), qPrintable(error));
        QVERIFY(!page.startDrill());  // one drill at a time
        source.advanceBy(script.firstFaultAt() + 100, 2.0);
        QVERIFY(alerts.state(u"matcher-stalled"_s) == AlertState::Firing);
        panel.setOperatorName(u"ann"_s);
        QVERIFY(panel.select(u"matcher-stalled"_s));
        QVERIFY(panel.acknowledgeSelected());
        page.showTraineeView(true);
        // The trainee's timeline never shows the script (fault lines), and
        // is not empty (the drill started, an alert fired).
        QVERIFY(page.traineeTimeline()->count() > 0);
        for (int i = 0; i < page.traineeTimeline()->count(); ++i)
            QVERIFY(!page.traineeTimeline()->item(i)->text().contains(u"fault injected"_s));
        bool trainerSees = false;
        for (int i = 0; i < page.trainerTimeline()->count(); ++i)
            trainerSees = trainerSees ||
                          page.trainerTimeline()->item(i)->text().contains(u"fault injected"_s);
        QVERIFY(trainerSees);
        saveShot(page, u"drills-page-trainee"_s);
        QPushButton* restart = button(page, u"Restart the matcher"_s);
        QVERIFY(restart && restart->isEnabled());
        restart->click();
        source.advanceBy(300, 2.0,
                         [&] { return page.session()->phase() == DrillSession::Phase::Finished; });
        QVERIFY(page.session()->phase() == DrillSession::Phase::Finished);
        QVERIFY2(page.session()->record().score.passed,
                 qPrintable(page.session()->record().score.reasons.join(u"; "_s)));
        QVERIFY(page.scoreLabel()->text().contains(u"PASSED"_s));
        page.showTraineeView(false);
        saveShot(page, u"drills-page-trainer"_s);
        // Saved and listed in the history, exportable.
        QCOMPARE(sessions.history(u"ann"_s).size(), std::size_t(1));
        QCOMPARE(sessions.history(u"ann"_s).front().trainer, u"tess"_s);
        QCOMPARE(page.historyTable()->rowCount(), 1);
        page.tabs()->setCurrentIndex(3);
        page.historyTable()->selectRow(0);
        saveShot(page, u"drills-page-history"_s);
        QVERIFY(page.exportStatusLabel()->isHidden());
        QVERIFY2(page.exportSelectedSession(dir.filePath(u"r.md"_s), &error), qPrintable(error));
        // Confirmed where the trainer looks: the file, where, and its size.
        QVERIFY(!page.exportStatusLabel()->isHidden());
        QVERIFY2(page.exportStatusLabel()->text().startsWith(
                     u"Drill report written: "_s +
                     QFileInfo(dir.filePath(u"r.md"_s)).absoluteFilePath() + u" ("_s) &&
                     page.exportStatusLabel()->text().endsWith(u" KB)"_s),
                 qPrintable(page.exportStatusLabel()->text()));
        {
            QFile md(dir.filePath(u"r.md"_s));
            QVERIFY(md.open(QIODevice::ReadOnly));
            const QString report = QString::fromUtf8(md.readAll());
            QVERIFY2(report.contains(u"| Trainer | tess |"_s), qPrintable(report.left(600)));
            QVERIFY(report.contains(u"acknowledged matcher-stalled | ann |"_s));
        }
        QVERIFY2(page.exportSelectedSession(dir.filePath(u"r.pdf"_s), &error), qPrintable(error));
        QFile pdf(dir.filePath(u"r.pdf"_s));
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.read(5) == "%PDF-");
        QVERIFY2(page.exportStatusLabel()->text().startsWith(u"Drill report written: "_s +
                                                             QFileInfo(pdf).absoluteFilePath() +
                                                             u" (1 page, "_s),
                 qPrintable(page.exportStatusLabel()->text()));
        saveShot(page, u"drills-page-history-exported"_s);
        // A file that cannot be written says so there, and the report shown
        // above stays the report (it used to be replaced by the error).
        QTextBrowser* report = nullptr;
        for (auto* b : page.findChildren<QTextBrowser*>())
            if (b->accessibleName() == u"Session report"_s)
                report = b;
        QVERIFY(report && !report->toPlainText().isEmpty());
        // The timeline's chart is shown with the report, and printed in the PDF.
        QVERIFY(!report->document()
                     ->resource(QTextDocument::ImageResource, QUrl(u"drill-timeline"_s))
                     .value<QImage>()
                     .isNull());
        QVERIFY2(page.exportStatusLabel()->text().contains(u", 1 chart, "_s),
                 qPrintable(page.exportStatusLabel()->text()));
        const QString shownReport = report->toPlainText();
        const QString blocked = dir.filePath(u"r.pdf/nested.pdf"_s);
        QVERIFY(!page.exportSelectedSession(blocked, &error));
        QVERIFY2(page.exportStatusLabel()->text() == u"Not exported: "_s + error &&
                     error.startsWith(blocked),
                 qPrintable(page.exportStatusLabel()->text()));
        QCOMPARE(report->toPlainText(), shownReport);
    }

    void emergencyStopFromThePage() {
        AlertEngine alerts(defaultRules());
        DrillLibrary library;
        DrillRunner runner(&alerts, nullptr);
        DrillsPage page(library, runner);
        page.setContext(realDrillContext());
        QVERIFY(page.selectDrill(u"error-surge-rollback"_s));
        EngineSource source(scenarioOf(*page.selectedDrill()));
        runner.setSource(&source);
        source.start();
        QVERIFY(page.startDrill());
        source.advanceBy(120, 2.0);
        QVERIFY(!source.latestSnapshot()->activeFaults.empty());
        QPushButton* stop = button(page, u"Emergency stop"_s);
        QVERIFY(stop && stop->isEnabled());
        stop->click();
        source.advanceBy(4, 2.0);
        QVERIFY(source.latestSnapshot()->activeFaults.empty());
        QVERIFY(!stop->isEnabled());
        QVERIFY(page.scoreLabel()->text().contains(u"emergency stop"_s));
    }

    void editorSavesTheSameFormatAndDuplicates() {
        QTemporaryDir dir;
        AlertEngine alerts(defaultRules());
        DrillLibrary library(dir.filePath(u"mine"_s));
        DrillRunner runner(&alerts, nullptr);
        DrillsPage page(library, runner);
        page.setContext(realDrillContext());
        QVERIFY(page.selectDrill(u"region-outage"_s));
        page.duplicateSelected();
        QCOMPARE(page.editor()->nameEdit()->text(), u"region-outage-copy"_s);
        page.resize(1200, 800);
        page.show();
        saveShot(page, u"drills-page-editor"_s);
        QString error;
        QVERIFY2(page.saveEditedDrill(&error), qPrintable(error));
        QVERIFY(QFile::exists(dir.filePath(u"mine/region-outage-copy.json"_s)));
        const DrillLoad load =
            loadDrillFile(dir.filePath(u"mine/region-outage-copy.json"_s), realDrillContext());
        QVERIFY2(load.drill, qPrintable(load.error));
        QCOMPARE(load.drill->faults, shippedDrill(u"region-outage"_s).faults);
        QVERIFY(page.drillNames().contains(u"region-outage-copy"_s));
        // A bad form is refused with the field named, nothing saved.
        page.editor()->faultsEdit()->setPlainText(u"[{\"kind\": \"meteor\"}]"_s);
        page.editor()->nameEdit()->setText(u"broken"_s);
        QVERIFY(!page.saveEditedDrill(&error));
        QVERIFY2(error.contains(u"faults[0].kind"_s), qPrintable(error));
        QVERIFY(page.editor()->errorLabel()->text().contains(u"faults[0].kind"_s));
        QVERIFY(!QFile::exists(dir.filePath(u"mine/broken.json"_s)));
    }
};

QTEST_MAIN(TestDrillsUi)
#include "tst_drillsui.moc"
