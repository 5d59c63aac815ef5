// The Rollout page offscreen on the real simulator engine: the tree shows
// the plan, check/uncheck writes audit rows (refused without an operator),
// gated items pass by their metric with evidence, filters and search, the
// step panel's commands, plan loading, report export, accessible names, and
// screenshots (written to <build>/screenshots/ for a person to look at).
#include "support/EngineSource.h"
#include "support/PdfPages.h"

#include "rollout/RolloutPlanJson.h"
#include "rollout/RolloutReport.h"
#include "rollout/RolloutSession.h"
#include "store/ConsoleStore.h"
#include "ui/Theme.h"
#include "ui/rollout/ChecklistFilter.h"
#include "ui/rollout/ChecklistModel.h"
#include "ui/rollout/ChecklistView.h"
#include "ui/rollout/RollbackBanner.h"
#include "ui/rollout/RolloutPage.h"
#include "ui/rollout/TrafficStepPanel.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMap>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace Qt::StringLiterals;
using namespace pulsco;
using pulsco::test::EngineSource;

namespace {

int countItems(const QAbstractItemModel* model, const QModelIndex& parent = {}) {
    int n = 0;
    for (int r = 0; r < model->rowCount(parent); ++r) {
        const QModelIndex i = model->index(r, 0, parent);
        if (i.data(ChecklistModel::KindRole).toString() == u"item")
            ++n;
        n += countItems(model, i);
    }
    return n;
}

std::vector<AuditEntry> rowsOf(RolloutSession& s, const QString& kind) {
    std::vector<AuditEntry> out;
    for (const AuditEntry& e : s.audit().all())
        if (e.kind == kind)
            out.push_back(e);
    return out;
}

const QString kManual = u"p1.code-quality-gates.run-full-test-suite-locally"_s;
const QString kIntegrity = u"p3.post-deployment-validation.database-integrity-validation"_s;

}  // namespace

class TestRolloutPage : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<ConsoleStore> m_store;
    std::unique_ptr<EngineSource> m_source;
    std::unique_ptr<RolloutPage> m_page;

    void shoot(const QString& name) {
        QDir().mkpath(QStringLiteral(PULSCO_BINARY_DIR "/screenshots"));
        const QString path = QStringLiteral(PULSCO_BINARY_DIR "/screenshots/") + name;
        QVERIFY(m_page->grab().save(path));
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QString error;
        m_store = ConsoleStore::open(m_dir.filePath(u"console.sqlite"_s), &error);
        QVERIFY2(m_store, qPrintable(error));
        m_source = EngineSource::shipped(u"baseline-1000"_s);
        // As app/pulsco-console composes it: the page keeps the session.
        m_page = std::make_unique<RolloutPage>(new RolloutSession(*m_store), m_source.get());
        m_page->steps()->setConfirm([](const QString&, const QString&) { return true; });
        m_page->operatorField()->clear();
        m_page->resize(1280, 800);
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    }

    void treeShowsTheWholePlan() {
        QAbstractItemModelTester tester(m_page->checklist()->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QAbstractItemModel* model = m_page->checklist()->tree()->model();
        QCOMPARE(model->rowCount(), 4);
        QCOMPARE(countItems(model), 113);
        QVERIFY(model->index(0, 0).data().toString().startsWith(
            u"Phase 1: Pre-Production Validation"_s));
        QCOMPARE(model->index(0, ChecklistModel::Status).data().toString(), u"0 / 26 done"_s);
    }

    void checkingNeedsAnOperator() {
        QVERIFY(m_page->checklist()->selectItem(kManual));
        const std::size_t before = m_page->session().audit().all().size();
        QTest::mouseClick(m_page->checklist()->checkButton(), Qt::LeftButton);
        QCOMPARE(m_page->session().audit().all().size(), before);
        QVERIFY(m_page->messageLabel()->text().contains(u"operator name"_s));
        QVERIFY(!m_page->session().itemState(kManual).done);
    }

    void checkAndUncheckRecordAuditRows() {
        QTest::keyClicks(m_page->operatorField(), u"Ana Operator"_s);
        QVERIFY(m_page->checklist()->selectItem(kManual));
        QTest::keyClicks(m_page->checklist()->noteField(), u"all green in CI"_s);
        // Only the action that applies is enabled (issue 23).
        QVERIFY(m_page->checklist()->checkButton()->isEnabled());
        QVERIFY(!m_page->checklist()->uncheckButton()->isEnabled());
        QTest::mouseClick(m_page->checklist()->checkButton(), Qt::LeftButton);
        QVERIFY(!m_page->checklist()->checkButton()->isEnabled());
        QVERIFY(m_page->checklist()->uncheckButton()->isEnabled());
        auto checked = rowsOf(m_page->session(), audit::kItemChecked);
        QCOMPARE(checked.size(), std::size_t(1));
        QCOMPARE(checked[0].actor, u"Ana Operator"_s);
        QCOMPARE(checked[0].subject, kManual);
        QCOMPARE(checked[0].note, u"all green in CI"_s);
        const QModelIndex index = m_page->checklist()->model()->indexOfItem(kManual);
        QVERIFY(index.data(ChecklistModel::DoneRole).toBool());
        QCOMPARE(index.data(Qt::CheckStateRole).toInt(), int(Qt::Checked));

        QTest::mouseClick(m_page->checklist()->uncheckButton(), Qt::LeftButton);
        QCOMPARE(rowsOf(m_page->session(), audit::kItemUnchecked).size(), std::size_t(1));
        QCOMPARE(rowsOf(m_page->session(), audit::kItemChecked).size(), std::size_t(1));  // kept
        QVERIFY(!index.data(ChecklistModel::DoneRole).toBool());
        QVERIFY(m_page->checklist()->checkButton()->isEnabled());
        QVERIFY(!m_page->checklist()->uncheckButton()->isEnabled());
        QTest::mouseClick(m_page->checklist()->checkButton(), Qt::LeftButton);
        QVERIFY(index.data(ChecklistModel::DoneRole).toBool());
        // A gated item is checked by its metric only: neither button.
        QVERIFY(m_page->checklist()->selectItem(kIntegrity));
        QVERIFY(!m_page->checklist()->checkButton()->isEnabled());
        QVERIFY(!m_page->checklist()->uncheckButton()->isEnabled());
        QVERIFY(m_page->checklist()->selectItem(kManual));
    }

    // The simulator rehearses: the production item's gate holds, its
    // figures are shown and labelled, and the item is not ticked.
    void gatedItemsShowRehearsalEvidenceWithoutTicking() {
        QVERIFY(m_page->checklist()->selectItem(kIntegrity));
        QVERIFY(!m_page->checklist()->checkButton()->isEnabled());
        // Enough tickets for the gate's minimum sample (tickets_created >= 100)
        // and its 60 s hold: baseline-1000 creates about 20 a minute at first.
        m_source->advance(600);
        const QModelIndex index = m_page->checklist()->model()->indexOfItem(kIntegrity);
        QTRY_COMPARE(index.siblingAtColumn(ChecklistModel::Status).data().toString(),
                     u"met in rehearsal"_s);
        QCOMPARE(index.siblingAtColumn(ChecklistModel::Value).data().toString(), u"1  == ok"_s);
        QVERIFY(!m_page->session().itemState(kIntegrity).done);
        const auto rows = rowsOf(m_page->session(), audit::kGateMetElsewhere);
        const auto it = std::find_if(rows.begin(), rows.end(),
                                     [](const AuditEntry& e) { return e.subject == kIntegrity; });
        QVERIFY(it != rows.end());
        QCOMPARE(it->actor, u"system"_s);
        QCOMPARE(it->environment, u"rehearsal"_s);
        QVERIFY(it->evidence.contains("\"snapshot\""));
        QVERIFY(it->evidence.contains("\"held_s\":60"));
        QVERIFY(rowsOf(m_page->session(), audit::kGatePassed).empty());
        // The details say why it does not count.
        bool explained = false;
        for (const QLabel* label : m_page->checklist()->findChildren<QLabel*>())
            explained = explained ||
                        label->text().contains(u"rehearsal evidence: counts only in production"_s);
        QVERIFY(explained);
    }

    void filtersAndSearch_data() {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("search");
        QTest::addColumn<int>("expected");  // -1: gated item count
        QTest::addRow("all") << int(ChecklistFilter::Mode::All) << QString() << 113;
        QTest::addRow("gated") << int(ChecklistFilter::Mode::Gated) << QString() << -1;
        QTest::addRow("search") << int(ChecklistFilter::Mode::All) << u"traffic switching"_s << 3;
        QTest::addRow("search any case")
            << int(ChecklistFilter::Mode::All) << u"INCIDENT RESPONSE"_s << 4;
        QTest::addRow("open and search")
            << int(ChecklistFilter::Mode::Open) << u"test suite"_s << 1;
        QTest::addRow("failing before traffic")
            << int(ChecklistFilter::Mode::Failing) << u"Traffic switching"_s << 3;
    }
    void filtersAndSearch() {
        QFETCH(int, mode);
        QFETCH(QString, search);
        QFETCH(int, expected);
        if (expected < 0)
            expected = m_page->session().plan().gatedItemCount();
        m_page->checklist()->filterBox()->setCurrentIndex(mode);
        m_page->checklist()->searchField()->setText(search);
        QCOMPARE(countItems(m_page->checklist()->tree()->model()), expected);
        m_page->checklist()->filterBox()->setCurrentIndex(0);
        m_page->checklist()->searchField()->clear();
    }

    void checklistScreenshot() {
        m_page->tabs()->setCurrentIndex(0);
        m_page->checklist()->selectItem(kIntegrity);
        QTest::qWait(RolloutPage::kFrameMs + 50);
        shoot(u"rollout-checklist.png"_s);
    }

    void stepPanelRunsAndRollsBack() {
        TrafficStepPanel* panel = m_page->steps();
        m_page->tabs()->setCurrentWidget(panel);
        QTest::mouseClick(panel->button(u"start"_s), Qt::LeftButton);
        QCOMPARE(panel->stateLabel()->text(), u"Progressing"_s);
        m_source->advance(m_source->engine().runTime() + 200);
        QCOMPARE(m_source->engine().trafficWeight(), 10);
        QTest::qWait(RolloutPage::kFrameMs + 50);
        QVERIFY(panel->stepList()->item(2)->text().startsWith(u"▶"_s));
        shoot(u"rollout-blue-green.png"_s);
        QVERIFY(panel->button(u"rollback"_s)->isEnabled());
        QVERIFY(m_page->banner()->isHidden());
        // Another window in front: the rollback must reach the desktop.
        QWidget other;
        other.resize(200, 100);
        other.show();
        other.activateWindow();
        QTRY_VERIFY(!m_page->isActiveWindow());
        QTest::mouseClick(panel->button(u"rollback"_s), Qt::LeftButton);
        QCOMPARE(panel->stateLabel()->text(), u"Degraded"_s);
        // Offscreen has no system tray: the taskbar alert, which cannot fail.
        QCOMPARE(m_page->lastNotification(), u"alert"_s);
        other.close();
        m_page->activateWindow();
        m_source->advance(m_source->engine().runTime() + 3);
        QCOMPARE(m_source->engine().trafficWeight(), 0);
        const auto rollbacks = rowsOf(m_page->session(), audit::kRollback);
        QCOMPARE(rollbacks.size(), std::size_t(1));
        QCOMPARE(rollbacks[0].actor, u"Ana Operator"_s);
        QVERIFY(!panel->button(u"rollback"_s)->isEnabled());
        QVERIFY(panel->button(u"start"_s)->isEnabled());
        // One numbering: the trail's step is the page's "step 3 of 7".
        QCOMPARE(rollbacks[0].subject, u"step 3"_s);
        QCOMPARE(panel->stepList()->count(), 7);  // the rollout's own steps stay listed
        // The failed step stays marked; the earlier ones stay done.
        QVERIFY2(panel->stepList()->item(2)->text().startsWith(u"✗ 3."_s),
                 qPrintable(panel->stepList()->item(2)->text()));
        QVERIFY(panel->stepList()->item(2)->text().contains(u"rolled back here"_s));
        QVERIFY(panel->stepList()->item(1)->text().startsWith(u"✓"_s));
        QVERIFY(panel->stepList()->item(3)->text().startsWith(u"   "_s));
        QTest::qWait(RolloutPage::kFrameMs + 50);
        shoot(u"rollout-rollback-steps.png"_s);
        // The banner: what, where, why; stays until acknowledged by name.
        RollbackBanner* banner = m_page->banner();
        QVERIFY(banner->isVisible());
        QVERIFY2(banner->headline()->text().contains(
                     u"Rollout 1 rolled back by Ana Operator at step 3 of 7"_s),
                 qPrintable(banner->headline()->text()));
        QVERIFY(banner->details()->text().contains(u"manual rollback"_s));
        QVERIFY(banner->details()->text().contains(u"requests failed"_s));
        m_page->tabs()->setCurrentWidget(m_page->checklist());
        QVERIFY(banner->isVisible());  // whatever tab is open
        shoot(u"rollout-rollback-banner.png"_s);
        banner->nameField()->clear();
        QVERIFY(!banner->acknowledgeButton()->isEnabled());
        QString error;
        QVERIFY(!m_page->session().acknowledgeNotice(u"   "_s, &error));
        QVERIFY(error.contains(u"name"_s));
        QVERIFY(banner->isVisible());
        QTest::mouseClick(banner->showStepsButton(), Qt::LeftButton);
        QCOMPARE(m_page->tabs()->currentWidget(), m_page->steps());
        QTest::keyClicks(banner->nameField(), u"Bo Lead"_s);
        QTest::mouseClick(banner->acknowledgeButton(), Qt::LeftButton);
        QVERIFY(banner->isHidden());
        const auto acks = rowsOf(m_page->session(), audit::kRollbackAcknowledged);
        QCOMPARE(acks.size(), std::size_t(1));
        QCOMPARE(acks[0].actor, u"Bo Lead"_s);
        QCOMPARE(acks[0].rollout, qint64(1));
        QVERIFY(acks[0].atMs > 0);
        QVERIFY(acks[0].note.contains(u"manual rollback"_s));
    }

    void badStepEditsAreRefused() {
        TrafficStepPanel* panel = m_page->steps();
        const std::size_t before = m_page->session().draftSteps().size();
        panel->stepEditor()->setPlainText(u"[{\"set_weight\": 120}]"_s);
        QString error;
        QVERIFY(!panel->applyEditedSteps(&error));
        QVERIFY2(error.contains(u"steps[0].set_weight: must be an integer from 0 to 100"_s),
                 qPrintable(error));
        QCOMPARE(m_page->session().draftSteps().size(), before);
        panel->stepEditor()->setPlainText(u"[{\"set_weight\": 25}, {\"set_weight\": 100}]"_s);
        QVERIFY(panel->applyEditedSteps(&error));
        QCOMPARE(m_page->session().draftSteps().size(), std::size_t(2));
    }

    // Import analysis… adds the step an Argo template maps to after what is
    // being edited; nothing is applied until the operator applies it, and a
    // file that does not map changes nothing.
    void importedAnalysisIsAddedForReview() {
        TrafficStepPanel* panel = m_page->steps();
        m_page->tabs()->setCurrentWidget(panel);
        panel->stepEditor()->setPlainText(u"[{\"set_weight\": 50}]"_s);
        const std::size_t before = m_page->session().draftSteps().size();
        panel->setPickFile([] {
            return QStringLiteral(PULSCO_SOURCE_DIR "/resources/analysis/argo-pulsco-green.yaml");
        });
        auto* importButton = panel->findChild<QPushButton*>(u"import-analysis"_s);
        QVERIFY(importButton);
        QTest::mouseClick(importButton, Qt::LeftButton);
        const QString edited = panel->stepEditor()->toPlainText();
        QVERIFY2(edited.contains(u"\"set_weight\": 50"_s), qPrintable(edited));
        QVERIFY2(edited.contains(u"rate(green.errors) < 1%"_s), qPrintable(edited));
        QVERIFY2(panel->editorStatus()->text().startsWith(
                     u"Added an analysis step from argo-pulsco-green.yaml (step 2)"_s),
                 qPrintable(panel->editorStatus()->text()));
        QVERIFY(panel->editorStatus()->text().contains(u"Note: spec.metrics[0]"_s));
        QCOMPARE(m_page->session().draftSteps().size(), before);  // not applied yet
        QString error;
        QVERIFY2(panel->applyEditedSteps(&error), qPrintable(error));
        QCOMPARE(m_page->session().draftSteps().size(), std::size_t(2));
        QCOMPARE(m_page->session().draftSteps()[1].kind, TrafficStep::Kind::Analysis);

        const QString bad = m_dir.filePath(u"bad-analysis.yaml"_s);
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nspec: {}\n");
        f.close();
        QSignalSpy failed(panel, &TrafficStepPanel::failed);
        panel->setPickFile([bad] { return bad; });
        QTest::mouseClick(importButton, Qt::LeftButton);
        QCOMPARE(failed.size(), 1);
        QVERIFY2(failed[0][0].toString().contains(u"kind: must be AnalysisTemplate"_s),
                 qPrintable(failed[0][0].toString()));
        QCOMPARE(panel->stepEditor()->toPlainText(), edited);  // nothing added
    }

    void badPlanChangesNothing() {
        const QString path = m_dir.filePath(u"bad-plan.json"_s);
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"format": 1, "name": "x", "title": "x", "phases": []})");
        f.close();
        QString error;
        QVERIFY(!m_page->loadPlan(path, &error));
        QVERIFY2(error.startsWith(path + u": phases: "_s), qPrintable(error));
        QCOMPARE(m_page->session().plan().itemCount(), 113);
        QVERIFY(m_page->session().itemState(kManual).done);
    }

    void exportsMarkdownAndPdf() {
        QString error;
        const QString md = m_dir.filePath(u"report.md"_s);
        QVERIFY2(m_page->exportMarkdown(md, &error), qPrintable(error));
        // Confirmed on the page: where, how big, and the chart beside it.
        const QString mdMessage = m_page->messageLabel()->text();
        QVERIFY2(mdMessage.startsWith(u"Report written: "_s + QFileInfo(md).absoluteFilePath() +
                                      u" ("_s) &&
                     mdMessage.endsWith(u", 1 chart in "_s + m_dir.filePath(u"report-charts/"_s)),
                 qPrintable(mdMessage));
        QFile mdFile(md);
        QVERIFY(mdFile.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(mdFile.readAll());
        QVERIFY(text.startsWith(u"# Rollout report: Pulsco Matchmaking Service Rollout Plan"_s));
        QVERIFY(text.contains(u"| ☑ | Run full test suite locally | Ana Operator |"_s));
        QVERIFY(text.contains(u"`integrity == ok`"_s));
        QVERIFY(text.contains(u"### Rollout 1 — rolled back"_s));
        QVERIFY2(text.contains(u"| 100.0 % |"_s) && text.contains(u"\n| rehearsal | "_s),
                 qPrintable(text.mid(text.indexOf(u"## Operational metrics"_s))));
        QVERIFY(text.contains(u"Started "_s) && text.contains(u" in rehearsal."_s));
        // The chart at the rollback, written next to the report.
        QVERIFY(text.contains(u"## Charts at the rollbacks"_s));
        const QDir charts(m_dir.filePath(u"report-charts"_s));
        const QStringList pngs = charts.entryList({u"*.png"_s});
        QCOMPARE(pngs.size(), 1);
        QVERIFY(text.contains(u"](report-charts/"_s + pngs.first() + u')'));
        QVERIFY(QImage(charts.filePath(pngs.first())).width() >= 900);
        QFile::copy(charts.filePath(pngs.first()),
                    QStringLiteral(PULSCO_BINARY_DIR "/screenshots/rollout-report-chart.png"));
        // A report that cannot be written is refused, also for a caller that
        // does not ask why (a null error; the chart is written first and fails
        // first here: its folder would be under a file).
        const QString blocked = m_dir.filePath(u"report.md/nested.md"_s);
        QVERIFY(!m_page->exportMarkdown(blocked, nullptr));
        QVERIFY(!m_page->exportMarkdown(blocked, &error));
        QVERIFY2(error.contains(u"nested-charts"_s), qPrintable(error));
        const QString pdf = m_dir.filePath(u"report.pdf"_s);
        QVERIFY2(m_page->exportPdf(pdf, &error), qPrintable(error));
        QFile pdfFile(pdf);
        QVERIFY(pdfFile.open(QIODevice::ReadOnly));
        QVERIFY(pdfFile.read(5) == "%PDF-");
        QVERIFY(pdfFile.size() > 10000);
        const QString pdfMessage = m_page->messageLabel()->text();
        QVERIFY2(pdfMessage.startsWith(u"Report written: "_s + QFileInfo(pdf).absoluteFilePath() +
                                       u" ("_s) &&
                     pdfMessage.contains(u" pages, 1 chart, "_s),
                 qPrintable(pdfMessage));
        // The chart as a reader sees it (issue #23): rendered, the pages
        // carry the chart's coloured bars and marker lines (about 1 300
        // pixels at 50 dpi); the report's text pages have none, and Qt's
        // 16-pixel missing-image icon is grey and at most 256.
        if (test::pdftoppmPath().isEmpty())
            QSKIP("pdftoppm is not installed (poppler-utils; tools/install-deps.sh installs it)");
        const auto pages = test::renderPdfPages(pdf, 50, &error);
        QVERIFY2(pages, qPrintable(error));
        const qint64 coloured = test::countPixels(
            *pages, [](const QColor& c) { return c.hslSaturation() > 80 && c.lightness() < 235; });
        QVERIFY2(coloured > 600, qPrintable(QString::number(coloured)));
    }

    void auditAndMetricsTabsShowTheTrail() {
        QTest::qWait(RolloutPage::kFrameMs + 50);
        QCOMPARE(m_page->auditTable()->rowCount(), int(m_page->session().audit().all().size()));
        QCOMPARE(m_page->metricsTable()->rowCount(), 1);
        QCOMPARE(m_page->metricsTable()->item(0, 1)->text(), u"rolled back"_s);
        // At 1280 px (issue 23: What, Subject and "By · when" were cut): What
        // fits whole; a longer Subject is elided and its tooltip has it all.
        QTableWidget* trail = m_page->auditTable();
        const QFontMetrics fm = trail->fontMetrics();
        for (int r = 0; r < trail->rowCount(); ++r) {
            const QString what = trail->item(r, 2)->text();
            QVERIFY2(fm.horizontalAdvance(what) + 8 <= trail->columnWidth(2), qPrintable(what));
            QCOMPARE(trail->item(r, 3)->toolTip(), trail->item(r, 3)->text());
        }
        QVERIFY(fm.horizontalAdvance(u"p3.day-2.traffic-switching-0-10"_s) + 8 <=
                trail->columnWidth(3));
        QTreeView* tree = m_page->checklist()->tree();
        const QString byText = u"Ana Operator · 2026-12-03 18:04"_s;
        QVERIFY2(tree->fontMetrics().horizontalAdvance(byText) + 8 <=
                     tree->columnWidth(ChecklistModel::By),
                 qPrintable(QString::number(tree->columnWidth(ChecklistModel::By))));
        m_page->tabs()->setCurrentIndex(2);
        shoot(u"rollout-metrics.png"_s);
        // For a person to look at: the trail and the checklist at both sizes
        // and in both themes.
        for (const Theme theme : {Theme::Light, Theme::Dark}) {
            applyTheme(theme);
            for (const QSize size : {QSize(1280, 800), QSize(1920, 1080)}) {
                m_page->resize(size);
                for (QWidget* tab :
                     {static_cast<QWidget*>(trail), static_cast<QWidget*>(m_page->checklist())}) {
                    m_page->tabs()->setCurrentWidget(tab);
                    QTest::qWait(RolloutPage::kFrameMs + 50);
                    shoot(u"rollout-%1-%2x%3-%4.png"_s.arg(
                        tab == trail ? u"audit"_s : u"checklist"_s, QString::number(size.width()),
                        QString::number(size.height()), themeKey(theme)));
                }
            }
        }
        applyTheme(Theme::Light);
        m_page->resize(1280, 800);
    }

    void everyControlHasAnAccessibleName() {
        QStringList missing;
        QMap<QString, int> checked;  // by kind: each kind is on the page, so each is checked
        const auto check = [&](const QString& kind, QWidget* w) {
            ++checked[kind];
            if (w->accessibleName().isEmpty())
                missing << QString::fromLatin1(w->metaObject()->className()) + u' ' +
                               w->objectName();
        };
        for (auto* w : m_page->findChildren<QPushButton*>())
            check(u"button"_s, w);
        for (auto* w : m_page->findChildren<QComboBox*>())
            check(u"combo box"_s, w);
        for (auto* w : m_page->findChildren<QLineEdit*>())
            if (!qobject_cast<QComboBox*>(w->parentWidget()))
                check(u"line edit"_s, w);
        for (auto* w : m_page->findChildren<QAbstractItemView*>())
            if (!qobject_cast<QHeaderView*>(w) && !qobject_cast<QComboBox*>(w->parentWidget()) &&
                w->parentWidget() && !w->parentWidget()->inherits("QComboBoxPrivateContainer"))
                check(u"item view"_s, w);
        for (auto* w : m_page->findChildren<QPlainTextEdit*>())
            check(u"text edit"_s, w);
        for (const QString& kind :
             {u"button"_s, u"combo box"_s, u"line edit"_s, u"item view"_s, u"text edit"_s})
            QVERIFY2(checked.value(kind) > 0, qPrintable(kind + u": none found to check"_s));
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u", "_s)));
    }

    void restartRestoresTheChecklist() {
        m_page.reset();
        RolloutSession again(*m_store);
        QVERIFY(again.itemState(kManual).done);
        QCOMPARE(again.itemState(kManual).actor, u"Ana Operator"_s);
        QVERIFY(!again.itemState(kIntegrity).done);  // rehearsal evidence ticked nothing
        QCOMPARE(again.stepper()->state(), RolloutState::Degraded);
        QVERIFY(!again.notice());  // its rollback was acknowledged
    }

    // A rollout found Degraded or Paused when the console starts raises the
    // banner, unless acknowledged since its last state change. Each row is
    // the tail of a trail in a real SQLite file.
    void restoredRolloutsRaiseTheBanner_data() {
        QTest::addColumn<QStringList>("tail");  // rollback, degraded, paused, progressing, ack
        QTest::addColumn<QString>("headline");  // "" = no banner
        QTest::addRow("rolled back, not acknowledged")
            << QStringList{u"rollback"_s, u"degraded"_s} << u"was rolled back at step 3 of 7"_s;
        QTest::addRow("rolled back, acknowledged")
            << QStringList{u"rollback"_s, u"degraded"_s, u"ack"_s} << QString();
        QTest::addRow("paused") << QStringList{u"paused"_s} << u"is Paused at step 3 of 7"_s;
        QTest::addRow("paused, acknowledged, paused again")
            << QStringList{u"paused"_s, u"ack"_s, u"paused"_s} << u"is Paused at step 3 of 7"_s;
        QTest::addRow("progressing") << QStringList{u"progressing"_s} << QString();
    }
    void restoredRolloutsRaiseTheBanner() {
        QFETCH(QStringList, tail);
        QFETCH(QString, headline);
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::open(dir.filePath(u"restored.sqlite"_s), &error);
        QVERIFY2(store, qPrintable(error));
        {
            RolloutSession first(*store);
            AuditTrail trail(*store);
            const auto row = [&](const QString& kind, const QByteArray& evidence,
                                 const QString& note = {}) {
                AuditEntry e;
                e.actor = kind == audit::kRollbackAcknowledged ? u"Bo"_s : u"system"_s;
                e.kind = kind;
                e.plan = first.plan().name;
                e.rollout = 1;
                e.note = note;
                e.evidence = evidence;
                e.sourceTimeSeconds = 305;
                QVERIFY2(trail.append(e, &error), qPrintable(error));
            };
            row(audit::kRolloutStarted,
                QJsonDocument(QJsonObject{{u"steps"_s, trafficStepsToJson(first.plan().steps)}})
                    .toJson(QJsonDocument::Compact));
            const auto state = [](const char* name) {
                return QJsonDocument(QJsonObject{{u"state"_s, QString::fromLatin1(name)},
                                                 {u"step"_s, 2},
                                                 {u"weight"_s, 10},
                                                 {u"reason"_s, u"by Ana: checking"_s}})
                    .toJson(QJsonDocument::Compact);
            };
            for (const QString& t : tail) {
                if (t == u"rollback"_s)
                    row(audit::kRollback,
                        R"({"green":{"requests":197,"errors":12,"error_rate":0.0609},"window_s":10})",
                        u"trigger fired: Error rate > 5%"_s);
                else if (t == u"degraded"_s)
                    row(audit::kRolloutState, state("Degraded"));
                else if (t == u"paused"_s)
                    row(audit::kRolloutState, state("Paused"));
                else if (t == u"progressing"_s)
                    row(audit::kRolloutState, state("Progressing"));
                else
                    row(audit::kRollbackAcknowledged, "{}");
            }
        }
        RolloutSession restarted(*store);
        QCOMPARE(restarted.notice().has_value(), !headline.isEmpty());
        if (headline.isEmpty())
            return;
        const RolloutNotice& n = *restarted.notice();
        QVERIFY2(n.headline.contains(headline), qPrintable(n.headline));
        QVERIFY(n.restored);
        if (tail.contains(u"rollback"_s)) {
            QCOMPARE(n.cause, u"trigger fired: Error rate > 5%"_s);
            QVERIFY2(n.figures.contains(u"green: 12 of 197 requests failed (6.1 %)"_s),
                     qPrintable(n.figures));
        }
        RolloutPage page(new RolloutSession(*store), nullptr);
        QVERIFY(!page.banner()->isHidden());
        QVERIFY(page.banner()->headline()->text().contains(headline));
        QVERIFY(!restarted.acknowledgeNotice({}, &error));
        QVERIFY2(restarted.acknowledgeNotice(u"Cy"_s, &error), qPrintable(error));
        QVERIFY(!RolloutSession(*store).notice());  // acknowledged: not raised again
    }

    // Issue 23: every restart and scenario switch wrote ~7 "gate_failed ...
    // no longer holds" rows with no data, shown as "(regressed)" with the
    // false failure's time under "By · when". No data is no regression;
    // source switches are rows of their own, and the timeline shows them.
    void restartsAndSourceSwitchesRecordFactsOnly() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::open(dir.filePath(u"facts.sqlite"_s), &error);
        QVERIFY2(store, qPrintable(error));
        qint64 passedAt = 0;
        {
            RolloutSession first(*store);
            AuditTrail trail(*store);
            AuditEntry pass;
            pass.actor = u"system"_s;
            pass.kind = audit::kGatePassed;
            pass.plan = first.plan().name;
            pass.subject = kIntegrity;
            pass.environment = u"production"_s;
            pass.atMs = passedAt = qint64(1700000000000);
            pass.evidence = R"({"expression":"integrity == ok","value":1,"bar":"holds"})";
            QVERIFY(trail.append(pass, &error));
            // What an older console wrote on its next start: not a fact.
            AuditEntry old = pass;
            old.kind = audit::kGateFailed;
            old.atMs = passedAt + 60000;
            old.evidence = R"({"expression":"integrity == ok","value":null,"holds":false})";
            QVERIFY(trail.append(old, &error));
        }
        RolloutSession session(*store);
        QVERIFY(session.itemState(kIntegrity).done);
        QCOMPARE(session.itemState(kIntegrity).kind, audit::kGatePassed);
        QCOMPARE(session.itemState(kIntegrity).atMs, passedAt);  // "By · when": the pass
        session.setOperatorName(u"Ana"_s);
        auto production = EngineSource::shipped(u"baseline-1000"_s);
        production->relabelEnvironment(DeploymentEnvironment::Production);
        session.setSource(production.get());
        production->advance(3);  // a fresh source: no data yet
        QVERIFY2(session.startRollout(&error), qPrintable(error));
        auto next = EngineSource::shipped(u"bad-release-green"_s);
        next->relabelEnvironment(DeploymentEnvironment::Production);
        session.setSource(nullptr);  // as the window hands sources over
        session.setSource(next.get());
        next->advance(3);
        const auto failed = rowsOf(session, audit::kGateFailed);
        QCOMPARE(failed.size(), std::size_t(1));  // the old console's, no new one
        const auto switches = rowsOf(session, audit::kSourceChanged);
        QCOMPARE(switches.size(), std::size_t(2));
        QVERIFY2(switches[0].note.startsWith(u"console started on"_s),
                 qPrintable(switches[0].note));
        QVERIFY2(switches[1].note.startsWith(u"source changed from"_s),
                 qPrintable(switches[1].note));
        QCOMPARE(switches[1].rollout, session.rolloutNumber());
        const QString report = rolloutReportMarkdown(session);
        QVERIFY(!report.contains(u"(regressed)"_s));
        const qsizetype timeline = report.indexOf(u"### Rollout 1"_s);
        QVERIFY(timeline > 0);
        QVERIFY2(report.indexOf(u"source changed from"_s, timeline) > timeline, qPrintable(report));
    }
};

QTEST_MAIN(TestRolloutPage)
#include "tst_rolloutpage.moc"
