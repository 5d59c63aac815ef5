// Single widgets offscreen, without a console around them: the fault
// dialog's target and traffic note as traffic moves, and a histogram chart's
// value axis on real data (issue #23).
#include "core/Histogram.h"
#include "ui/FaultDialog.h"
#include "ui/HistogramChart.h"
#include "ui/Theme.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QTest>
#include <QValueAxis>

using namespace Qt::StringLiterals;
using namespace pulsco;

class TestUiWidgets : public QObject {
    Q_OBJECT
private slots:
    void faultDialogFollowsTrafficUntilTheOperatorPicks() {
        FaultDialog dialog(FaultKind::ErrorRate, {u"eu-west"_s});
        // Traffic not known yet: the kind's own target, no note.
        QVERIFY(dialog.fault().target == FaultTarget::Green);
        QCOMPARE(dialog.trafficNote(), QString());

        dialog.setTraffic({100, 0});  // green idle: the default moves to blue
        QVERIFY(dialog.fault().target == FaultTarget::Blue);
        QCOMPARE(dialog.trafficNote(), QString());

        // The operator picks green anyway: kept, and told it does nothing.
        QComboBox* target = dialog.targetCombo();
        const int green = target->findData(int(FaultTarget::Green));
        target->setCurrentIndex(green);
        emit target->activated(green);
        QVERIFY(dialog.fault().target == FaultTarget::Green);
        QVERIFY2(dialog.trafficNote().startsWith(u"⚠ Green has 0 % of the traffic now"_s),
                 qPrintable(dialog.trafficNote()));
        auto* note = dialog.findChild<QLabel*>();
        for (auto* l : dialog.findChildren<QLabel*>())
            if (l->accessibleName() == u"Traffic note"_s)
                note = l;
        QVERIFY(note && !note->isHidden());
        // To be looked at after a change: both palettes.
        for (const Theme theme : {Theme::Light, Theme::Dark}) {
            applyTheme(theme);
            dialog.setPalette(makePalette(theme));
            dialog.setTraffic({100, 0});
            dialog.adjustSize();
            QVERIFY(dialog.grab().save(QStringLiteral(PULSCO_BINARY_DIR "/tests/fault-dialog-") +
                                       themeKey(theme) + u".png"_s));
        }
        // A warning, not an error: the fault can still be injected.
        QVERIFY(dialog.validationError().isEmpty());

        // Traffic moves to green: the note goes, the operator's pick stays.
        dialog.setTraffic({90, 10});
        QVERIFY(dialog.fault().target == FaultTarget::Green);
        QCOMPARE(dialog.trafficNote(), QString());
        QVERIFY(note->isHidden());
        dialog.setTraffic({100, 0});
        QVERIFY(dialog.fault().target == FaultTarget::Green);
        QVERIFY(!dialog.trafficNote().isEmpty());
    }

    void histogramValueAxisStaysAShare_data() {
        QTest::addColumn<QList<double>>("values");  // one observation each
        QTest::addColumn<double>("top");
        QTest::addRow("empty") << QList<double>{} << 5.0;
        // Green at a 10 % step: a handful of requests, all in one bin.
        QTest::addRow("all in one bin") << QList<double>(12, 8.0) << 100.0;
        QList<double> spread;
        for (int i = 0; i < 100; ++i)
            spread << 2.0 + i * 1.5;  // over ~20 of 30 bins
        QTest::addRow("spread") << spread << 10.0;
    }
    void histogramValueAxisStaysAShare() {
        QFETCH(QList<double>, values);
        QFETCH(double, top);
        HistogramChartSpec spec;
        spec.title = u"Green · API latency (last 60 s)"_s;
        spec.valueTitle = u"% of requests"_s;
        spec.unit = u"ms"_s;
        spec.bar = 150;
        HistogramChart chart(spec);
        Histogram h;
        for (const double v : values)
            h.record(v);
        chart.setHistogram(h);
        QCOMPARE(chart.valueAxis()->min(), 0.0);
        QCOMPARE(chart.valueAxis()->max(), top);
        // An empty chart says so in its title.
        QCOMPARE(chart.chart()->title().endsWith(u" · no data"_s), values.isEmpty());
    }
};

QTEST_MAIN(TestUiWidgets)
#include "tst_ui_widgets.moc"
