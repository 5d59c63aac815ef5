// ui/ComparisonReportDialog over a real comparison (core/ReplayComparison):
// the verdict in words and colour, regressions shown first when there are
// any, the group / regressions-only / judged-only filters, the regressed
// change marked in the breach colour, sorting, the Markdown on the
// clipboard, and a picture that is not blank at the sizes operators use.
#include "ui/ComparisonReportDialog.h"
#include "ui/ComparisonReportModel.h"
#include "ui/Theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QTest>

using namespace pulsco;
using namespace Qt::StringLiterals;

namespace {

ReplayComparisonReport report(bool slowerB) {
    ReplayOutcomes a;
    a.queues = {"ranked-5v5", "duel-1v1"};
    a.regions = {"eu-west", "us-east", ""};
    for (std::uint32_t i = 0; i < 900; ++i) {
        ArrivalOutcome o;
        o.queue = i % 3 == 0 ? 1 : 0;
        o.homeRegion = i % 2;
        o.fate = ArrivalFate::Matched;
        o.waitSeconds = float(1 + i % 30);
        o.quality = 0.7f + float(i % 20) / 100.0f;
        o.ratingSpread = float(i % 3);
        o.pingMs = float(25 + i % 30);
        a.arrivals.push_back(o);
    }
    ReplayOutcomes b = a;
    if (slowerB)
        for (ArrivalOutcome& o : b.arrivals)
            if (o.queue == 0)
                o.waitSeconds *= 1.6f;  // ranked slower, duels unchanged
    ComparisonOptions options;
    options.resamples = 200;
    std::string error;
    ReplayComparisonReport r;
    r.comparison = *compareReplays(a, b, options, &error);
    r.recording = u"/recordings/blue.rec"_s;
    r.rulesA = u"queues.json"_s;
    r.rulesB = u"candidate.json"_s;
    r.arrivals = a.arrivals.size();
    r.resamples = options.resamples;
    return r;
}

int visibleRows(const ComparisonReportDialog& d) {
    return d.table()->model()->rowCount();
}

}  // namespace

class TestComparisonReportDialog : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { applyTheme(Theme::Light); }
    void aPassingReport();
    void aRegressingReportShowsItsRegressionsFirst();
    void filtersAndSorting();
    void copiesTheMarkdown();
    void rendersAtOperatorSizes();
};

void TestComparisonReportDialog::aPassingReport() {
    ComparisonReportDialog d(report(false));
    QVERIFY2(d.verdictLabel()->text().startsWith(u"B passes"_s),
             qPrintable(d.verdictLabel()->text()));
    QCOMPARE(d.verdictLabel()->palette().color(QPalette::Window),
             levelColor(KpiLevel::Ok, d.palette()));
    QVERIFY(!d.regressionsOnly()->isChecked());
    // 1 + 2 queues + 4 queue/region groups, 11 figures each.
    QCOMPARE(d.groupFilter()->count(), 1 + 7);
    QCOMPARE(visibleRows(d), 7 * 11);
}

void TestComparisonReportDialog::aRegressingReportShowsItsRegressionsFirst() {
    const ReplayComparisonReport r = report(true);
    ComparisonReportDialog d(r);
    QVERIFY2(d.verdictLabel()->text().startsWith(u"B regresses on"_s),
             qPrintable(d.verdictLabel()->text()));
    QCOMPARE(d.verdictLabel()->palette().color(QPalette::Window),
             levelColor(KpiLevel::Breach, d.palette()));
    QVERIFY(d.regressionsOnly()->isChecked());
    QCOMPARE(visibleRows(d), int(r.comparison.regressions.size()));
    QVERIFY(visibleRows(d) > 0);
    const QAbstractItemModel* m = d.table()->model();
    for (int row = 0; row < m->rowCount(); ++row) {
        QVERIFY(m->index(row, 0).data(ComparisonReportModel::RegressedRole).toBool());
        QVERIFY2(!m->index(row, ComparisonReportModel::Group)
                      .data()
                      .toString()
                      .startsWith(u"duel-1v1"_s),
                 "duels did not change");
        QCOMPARE(
            m->index(row, ComparisonReportModel::Change).data(Qt::BackgroundRole).value<QColor>(),
            levelColor(KpiLevel::Breach, QApplication::palette()));
        QVERIFY(!m->index(row, ComparisonReportModel::Figure).data(Qt::BackgroundRole).isValid());
        QVERIFY(m->index(row, ComparisonReportModel::Verdict)
                    .data()
                    .toString()
                    .startsWith(u"Regressed: "_s));
    }
}

void TestComparisonReportDialog::filtersAndSorting() {
    ComparisonReportDialog d(report(true));
    d.regressionsOnly()->setChecked(false);
    QCOMPARE(visibleRows(d), 7 * 11);
    d.groupFilter()->setCurrentIndex(d.groupFilter()->findData(u"duel-1v1"_s));
    QCOMPARE(visibleRows(d), 11);
    d.judgedOnly()->setChecked(true);
    // 8 default bars, every one judged (300 arrivals, all with data).
    QCOMPARE(visibleRows(d), 8);
    d.regressionsOnly()->setChecked(true);
    QCOMPARE(visibleRows(d), 0);
    d.groupFilter()->setCurrentIndex(0);
    d.judgedOnly()->setChecked(false);
    d.regressionsOnly()->setChecked(false);
    // Sorting by figure groups the same figure of every group together.
    d.table()->sortByColumn(ComparisonReportModel::Figure, Qt::AscendingOrder);
    const QAbstractItemModel* m = d.table()->model();
    QCOMPARE(m->index(0, ComparisonReportModel::Figure).data().toString(), u"busy_rate"_s);
    QCOMPARE(m->index(6, ComparisonReportModel::Figure).data().toString(), u"busy_rate"_s);
    QCOMPARE(m->index(7, ComparisonReportModel::Figure).data().toString(), u"expiry_rate"_s);
}

void TestComparisonReportDialog::copiesTheMarkdown() {
    const ReplayComparisonReport r = report(true);
    ComparisonReportDialog d(r);
    QPushButton* copy = nullptr;
    for (QPushButton* b : d.findChildren<QPushButton*>())
        if (b->text() == u"&Copy as Markdown"_s)
            copy = b;
    QVERIFY(copy);
    QApplication::clipboard()->clear();
    copy->click();
    QCOMPARE(QApplication::clipboard()->text(), replayComparisonMarkdown(r));
}

void TestComparisonReportDialog::rendersAtOperatorSizes() {
    for (const QSize size : {QSize(1100, 640), QSize(1800, 1000)}) {
        ComparisonReportDialog d(report(true));
        d.resize(size);
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        const QImage image = d.grab().toImage();
        QCOMPARE(image.size(), size);
        // The verdict banner is drawn in the breach colour at its place.
        const QPoint banner =
            d.verdictLabel()->geometry().center() - QPoint(d.verdictLabel()->width() / 2 - 4, 0);
        QCOMPARE(image.pixelColor(banner), levelColor(KpiLevel::Breach, d.palette()));
        // Every column fits: the table needs no horizontal scroll bar.
        QVERIFY(!d.table()->horizontalScrollBar()->isVisible());
    }
}

QTEST_MAIN(TestComparisonReportDialog)
#include "tst_comparisonreportdialog.moc"
