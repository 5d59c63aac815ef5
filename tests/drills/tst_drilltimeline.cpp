// The drill report's one chart: the lanes built from a session's recorded
// events (drills/DrillTimeline), the picture painted from them, and the PDF
// that carries it.
#include "drills/DrillTimeline.h"
#include "ui/drills/DrillPdfExport.h"
#include "ui/drills/DrillTimelineChart.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

DrillEvent event(double at, DrillEventKind kind, const QString& text) {
    DrillEvent e;
    e.atSeconds = at;
    e.kind = kind;
    e.text = text;
    return e;
}

// A matcher stall restarted by the trainee, as DrillSession words it.
DrillRecord stallRecord(bool restored) {
    DrillRecord r;
    r.drillName = u"matcher-stall"_s;
    r.drillTitle = u"Matcher stall"_s;
    r.durationSeconds = restored ? 89 : 150;
    r.events = {
        event(0, DrillEventKind::Started, u"drill \"Matcher stall\" started on Live"_s),
        event(5, DrillEventKind::FaultInjected, u"fault injected: matcher stall, blue"_s),
        event(80, DrillEventKind::AlertFiring,
              u"alert firing: matcher-stalled (critical), blue: no match for 75 s"_s),
        event(82, DrillEventKind::Acknowledged, u"acknowledged matcher-stalled"_s),
        event(84, DrillEventKind::Action, u"Restart the matcher (restart_matcher): runbook"_s),
    };
    if (restored) {
        r.events.push_back(event(86, DrillEventKind::FaultEnded,
                                 u"fault no longer in force on the source: matcher stall, blue"_s));
        r.events.push_back(
            event(88, DrillEventKind::AlertResolved, u"alert resolved: matcher-stalled"_s));
        r.events.push_back(
            event(89, DrillEventKind::HealthRestored, u"health restored: matcher-stalled clear"_s));
    }
    r.score.faultStartSeconds = 5;
    r.score.detected = true;
    r.score.mttdSeconds = 77;
    r.score.resolved = restored;
    r.score.mttrSeconds = restored ? 84 : DrillScore::kNone;
    return r;
}

// How many pixels of a row are close to `color`.
int pixelsLike(const QImage& image, int y, const QColor& color) {
    int n = 0;
    for (int x = 0; x < image.width(); ++x) {
        const QColor c = image.pixelColor(x, y);
        n += std::abs(c.red() - color.red()) + std::abs(c.green() - color.green()) +
                         std::abs(c.blue() - color.blue()) <
                     60
                 ? 1
                 : 0;
    }
    return n;
}

}  // namespace

class TestDrillTimeline : public QObject {
    Q_OBJECT
private slots:
    void lanesFromTheEvents() {
        const DrillTimeline t = drillTimeline(stallRecord(true));
        QCOMPARE(t.duration, 89.0);
        QCOMPARE(t.faults.size(), std::size_t(1));
        QCOMPARE(t.faults[0].label, u"matcher stall, blue"_s);
        QCOMPARE(t.faults[0].from, 5.0);
        QCOMPARE(t.faults[0].to, 86.0);
        QVERIFY(!t.faults[0].open);
        QCOMPARE(t.alerts.size(), std::size_t(1));
        QCOMPARE(t.alerts[0].label, u"matcher-stalled"_s);
        QCOMPARE(t.alerts[0].from, 80.0);
        QCOMPARE(t.alerts[0].to, 88.0);
        QCOMPARE(t.actions.size(), std::size_t(2));
        QCOMPARE(t.actions[0].label, u"ack matcher-stalled"_s);
        QCOMPARE(t.actions[1].label, u"restart_matcher"_s);
        QCOMPARE(t.actions[1].at, 84.0);
        QCOMPARE(t.detected.value_or(-1), 82.0);
        QCOMPARE(t.recovered.value_or(-1), 89.0);
    }

    void whatNeverEndedRunsToTheEnd() {
        const DrillTimeline t = drillTimeline(stallRecord(false));
        QCOMPARE(t.faults.size(), std::size_t(1));
        QVERIFY(t.faults[0].open);
        QCOMPARE(t.faults[0].to, 150.0);
        QVERIFY(t.alerts[0].open);
        QVERIFY(!t.recovered);
    }

    // The picture: red in the faults lane, amber in the alerts lane, the
    // MTTR bracket green in the recovery lane; nothing red where no fault is.
    void chartShowsEachLane() {
        const QSize size(1800, 560);
        const QImage image = drillTimelineImage(drillTimeline(stallRecord(true)), size);
        QCOMPARE(image.size(), size);
        image.save(QStringLiteral(PULSCO_BINARY_DIR "/tests/drill-timeline.png"));
        // Lanes split the plot in four; sample each lane a little above its middle.
        const int plotTop = 8;
        const int fontPx = std::max(12, size.height() / 28);
        const int plotHeight =
            size.height() - 2 * (fontPx + 6) - 16;  // about; rows are sampled loosely
        const int lane = plotHeight / 4;
        const int faultRow = plotTop + lane / 2;
        QVERIFY2(pixelsLike(image, faultRow, QColor(0xc6, 0x28, 0x28)) > 500,
                 "no fault bar across most of the drill");
        QVERIFY(pixelsLike(image, plotTop + lane + lane / 2, QColor(0xb2, 0x6a, 0x00)) > 20);
        int green = 0;
        for (int y = plotTop + 3 * lane; y < plotTop + 4 * lane; ++y)
            green += pixelsLike(image, y, QColor(0x2e, 0x7d, 0x32));
        QVERIFY(green > 500);

        DrillRecord quiet = stallRecord(true);
        quiet.events.erase(quiet.events.begin() + 1);  // no fault injected
        const QImage none = drillTimelineImage(drillTimeline(quiet), size);
        QCOMPARE(pixelsLike(none, faultRow, QColor(0xc6, 0x28, 0x28)), 0);
    }

    void pdfCarriesTheChart() {
        QTemporaryDir dir;
        QString error, written;
        const QString path = dir.filePath(u"report.pdf"_s);
        QVERIFY2(exportDrillPdf(stallRecord(true), path, &error, &written), qPrintable(error));
        QVERIFY2(written.contains(u"1 chart"_s), qPrintable(written));
    }
};

QTEST_MAIN(TestDrillTimeline)
#include "tst_drilltimeline.moc"
