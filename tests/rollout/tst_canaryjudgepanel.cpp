// The canary judge on the Blue-green tab, on the simulator (issue 21, item
// 5): a judged analysis step shows its looks per metric (blue's level and
// observations, green's, the change and interval, the verdict and why);
// with the same release on both colours the step passes; with +20 ms on
// every green request the judge rolls the rollout back, the failing metric
// marked. Screenshots at 1280x800 and 1920x1080 go to <build>/screenshots/.
#include "rollout/RolloutSession.h"
#include "store/ConsoleStore.h"
#include "support/EngineSource.h"
#include "ui/rollout/CanaryJudgementModel.h"
#include "ui/rollout/RolloutPage.h"
#include "ui/rollout/TrafficStepPanel.h"

#include <QDir>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;
using pulsco::test::EngineSource;

namespace {

const QString kJudgedSteps = uR"([
  {"set_weight": 50},
  {"analysis": {"interval_s": 60, "count": 3, "failure_limit": 0,
    "judge": {"metrics": [
      {"metric": "api_latency_ms", "allowed_change_pct": 10, "min_samples": 30,
       "critical": true},
      {"metric": "error_rate", "min_samples": 30},
      {"metric": "ticket_wait_s", "min_samples": 30}]}}},
  {"set_weight": 100}
])"_s;

}  // namespace

class TestCanaryJudgePanel : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<ConsoleStore> m_store;

    struct Page {
        std::unique_ptr<EngineSource> source;
        std::unique_ptr<RolloutPage> page;
    };
    Page open(const QString& name, QSize size, bool start = true) {
        Page p;
        QString error;
        p.source = EngineSource::shipped(u"baseline-1000"_s);
        p.page = std::make_unique<RolloutPage>(new RolloutSession(*m_store), p.source.get());
        p.page->steps()->setConfirm([](const QString&, const QString&) { return true; });
        p.page->resize(size);
        p.page->show();
        p.page->tabs()->setCurrentWidget(p.page->steps());
        p.page->steps()->stepEditor()->setPlainText(kJudgedSteps);
        if (!p.page->steps()->applyEditedSteps(&error))
            qFatal("%s: %s", qPrintable(name), qPrintable(error));
        p.source->advance(p.source->engine().runTime() + 120);  // warm both colours up
        p.page->session().setOperatorName(u"Ana"_s);
        if (start && !p.page->session().startRollout(&error))
            qFatal("%s: start: %s", qPrintable(name), qPrintable(error));
        return p;
    }
    void shoot(RolloutPage& page, const QString& name) {
        QTest::qWait(RolloutPage::kFrameMs + 50);
        QDir().mkpath(QStringLiteral(PULSCO_BINARY_DIR "/screenshots"));
        QVERIFY(page.grab().save(QStringLiteral(PULSCO_BINARY_DIR "/screenshots/") + name));
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QString error;
        m_store = ConsoleStore::open(m_dir.filePath(u"console.sqlite"_s), &error);
        QVERIFY2(m_store, qPrintable(error));
    }

    // Before the rollout: the judged step says how long its judge needs at
    // the traffic so far (blue alone for two minutes; the step splits it
    // 50/50), per metric in its tooltip, and whether the step runs long
    // enough.
    void runTimeShownBeforeTheStep() {
        Page p = open(u"before"_s, QSize(1280, 800), false);
        TrafficStepPanel* panel = p.page->steps();
        p.source->advance(p.source->engine().runTime() + 120);  // blue alone serves
        QTest::qWait(RolloutPage::kFrameMs + 50);
        panel->refresh();
        QCOMPARE(panel->stepList()->count(), 3);
        const QListWidgetItem* judged = panel->stepList()->item(1);
        qInfo("%s", qPrintable(judged->toolTip()));
        QVERIFY2(judged->text().contains(u" — detects "_s) ||
                     judged->text().contains(u" — too short: needs ~"_s),
                 qPrintable(judged->text()));
        const QString tip = judged->toolTip();
        QVERIFY2(tip.contains(u"Time to detect at green 50 % and the traffic so far (the step "
                              "runs 3 min):"_s),
                 qPrintable(tip));
        QVERIFY2(tip.contains(u"api_latency_ms +20 %: ~"_s), qPrintable(tip));
        QVERIFY2(tip.contains(u"error_rate +1 point: ~"_s), qPrintable(tip));
        QVERIFY2(tip.contains(u"ticket_wait_s +20 %: "_s), qPrintable(tip));
        // The other steps say nothing of it.
        QVERIFY(!panel->stepList()->item(0)->text().contains(u"detect"_s));
        shoot(*p.page, u"rollout-detection-time-1280.png"_s);
    }

    void sameReleasePasses() {
        Page p = open(u"same"_s, QSize(1280, 800));
        TrafficStepPanel* panel = p.page->steps();
        QVERIFY(!panel->bottomTabs()->isTabEnabled(1));  // the set_weight step: no judge yet
        p.source->advance(p.source->engine().runTime() + 5);
        QTest::qWait(RolloutPage::kFrameMs + 50);
        QVERIFY(panel->bottomTabs()->isTabEnabled(1));
        QCOMPARE(panel->bottomTabs()->tabText(1), u"Canary judge — waiting"_s);
        QVERIFY2(panel->judgeLabel()->text().startsWith(u"Waiting for the first look"_s),
                 qPrintable(panel->judgeLabel()->text()));
        p.source->advance(p.source->engine().runTime() + 65);
        QTest::qWait(RolloutPage::kFrameMs + 50);
        const QAbstractItemModel* m = panel->judgeTable()->model();
        QCOMPARE(m->rowCount(), 3);
        if (const SnapshotPtr last = p.page->session().latestSnapshot())
            qInfo("t %.0f green %llu requests (%llu latencies), blue %llu, weight %d",
                  last->timeSeconds, (unsigned long long)last->green.requestsTotal,
                  (unsigned long long)last->green.apiLatencyMs.count(),
                  (unsigned long long)last->blue.requestsTotal, p.source->engine().trafficWeight());
        for (int r = 0; r < 3; ++r)
            qInfo("%s", qPrintable(m->index(r, CanaryJudgementModel::Why).data().toString()));
        QVERIFY2(panel->judgeLabel()->text().startsWith(u"Score 100 — pass after 1 of 3 looks"_s),
                 qPrintable(panel->judgeLabel()->text()));
        QCOMPARE(m->index(0, CanaryJudgementModel::Metric).data().toString(),
                 u"api_latency_ms (critical)"_s);
        QCOMPARE(m->index(0, CanaryJudgementModel::Verdict).data().toString(), u"pass"_s);
        QVERIFY(m->index(0, CanaryJudgementModel::Blue).data().toString().contains(u"(n "_s));
        QVERIFY(m->index(0, CanaryJudgementModel::Why)
                    .data()
                    .toString()
                    .contains(u"always-valid p = "_s));
        QCOMPARE(panel->bottomTabs()->tabText(1), u"Canary judge — score 100, pass"_s);
        QCOMPARE(panel->bottomTabs()->currentIndex(), 0);  // passing: blue vs green stays
        panel->bottomTabs()->setCurrentIndex(1);
        shoot(*p.page, u"rollout-canary-judge-1280.png"_s);
        p.source->advance(p.source->engine().runTime() + 130);
        QTest::qWait(RolloutPage::kFrameMs + 50);
        QCOMPARE(panel->stateLabel()->text(), u"Promoted"_s);
    }

    void slowerGreenRollsBack() {
        Page p = open(u"slower"_s, QSize(1920, 1080));
        FaultSpec slower;
        slower.kind = FaultKind::Latency;
        slower.target = FaultTarget::Green;
        slower.latencyMs = 20;
        slower.share = 1;
        p.source->injectFault(slower);
        p.source->advance(p.source->engine().runTime() + 70);
        QTest::qWait(RolloutPage::kFrameMs + 50);
        TrafficStepPanel* panel = p.page->steps();
        QCOMPARE(panel->stateLabel()->text(), u"Degraded"_s);
        // Rolled back by the judge: its tab comes forward with why.
        QCOMPARE(panel->bottomTabs()->currentIndex(), 1);
        QVERIFY(panel->judgeBox()->isVisible());
        QVERIFY2(panel->judgeLabel()->text().contains(
                     u"fail (a critical metric failed) after 1 of 3 looks"_s),
                 qPrintable(panel->judgeLabel()->text()));
        const QAbstractItemModel* m = panel->judgeTable()->model();
        QCOMPARE(m->index(0, CanaryJudgementModel::Verdict).data().toString(), u"high, fails"_s);
        QVERIFY(m->index(0, CanaryJudgementModel::Verdict).data(Qt::BackgroundRole).isValid());
        QVERIFY2(p.page->session().stepper()->lastReason().contains(u"api_latency_ms: green +"_s),
                 qPrintable(p.page->session().stepper()->lastReason()));
        shoot(*p.page, u"rollout-canary-judge-1920.png"_s);
    }
};

QTEST_MAIN(TestCanaryJudgePanel)
#include "tst_canaryjudgepanel.moc"
