// The rules behind what the dashboard shows: KPI states against the plan's
// bars, readable bins regrouped from the core histogram, axis rounding and
// the text forms of figures.
#include "ui/ChartView.h"
#include "ui/EnvironmentComparisonModel.h"
#include "ui/FaultDialog.h"
#include "ui/Format.h"
#include "ui/HistogramBins.h"
#include "ui/HistogramChart.h"
#include "ui/KpiStatus.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <limits>
#include <random>

using namespace pulsco;
using namespace Qt::StringLiterals;

class TestUiRules : public QObject {
    Q_OBJECT
private slots:
    void classify_data() {
        QTest::addColumn<double>("value");
        QTest::addColumn<double>("bar");
        QTest::addColumn<int>("level");
        const auto ok = static_cast<int>(KpiLevel::Ok);
        const auto warn = static_cast<int>(KpiLevel::Warning);
        const auto breach = static_cast<int>(KpiLevel::Breach);
        const auto unknown = static_cast<int>(KpiLevel::Unknown);
        QTest::addRow("p95 well under 150 ms") << 30.0 << kApiP95Bar.bound << ok;
        QTest::addRow("p95 just under warning (119.9)") << 119.9 << kApiP95Bar.bound << ok;
        QTest::addRow("p95 at warning (120)") << 120.0 << kApiP95Bar.bound << warn;
        QTest::addRow("p95 149.9 still under the bar") << 149.9 << kApiP95Bar.bound << warn;
        QTest::addRow("p95 exactly 150 breaches (< 150 is the rule)")
            << 150.0 << kApiP95Bar.bound << breach;
        QTest::addRow("p95 5 s") << 5000.0 << kApiP95Bar.bound << breach;
        QTest::addRow("error rate 0") << 0.0 << kErrorRateBar.bound << ok;
        QTest::addRow("error rate 0.05 pct") << 0.0005 << kErrorRateBar.bound << ok;
        QTest::addRow("error rate 0.09 pct") << 0.0009 << kErrorRateBar.bound << warn;
        QTest::addRow("error rate 0.1 pct") << 0.001 << kErrorRateBar.bound << breach;
        QTest::addRow("error rate 6 pct") << 0.06 << kErrorRateBar.bound << breach;
        QTest::addRow("NaN value") << std::nan("") << kErrorRateBar.bound << unknown;
        QTest::addRow("infinite value")
            << std::numeric_limits<double>::infinity() << kApiP95Bar.bound << unknown;
        QTest::addRow("zero bar") << 1.0 << 0.0 << unknown;
    }
    void classify() {
        QFETCH(double, value);
        QFETCH(double, bar);
        QFETCH(int, level);
        QCOMPARE(static_cast<int>(classifyAgainstUpperBar(value, bar)), level);
    }

    // Each bar's figure is read through the metric catalog, as gates are:
    // the latency tile's p95 is the last 60 s of both colours, the error
    // tile's rate is errors over requests of the window, and no traffic is
    // "no data", not a 0 that would read as healthy.
    void barsReadTheirFigure() {
        MetricsSnapshot s;
        QVERIFY(!kpiValue(kApiP95Bar, s).has_value());
        QVERIFY(!kpiValue(kErrorRateBar, s).has_value());
        QVERIFY(!kpiValue(kTicketWaitP95Bar, s).has_value());
        for (int i = 1; i <= 100; ++i) {
            s.total.recentApiLatencyMs.record(i * 2);
            s.total.apiLatencyMs.record(5000);  // since start: not the tile's figure
            s.total.recentTicketWaitSeconds.record(i);
        }
        s.total.recentRequests = 4000;
        s.total.recentErrors = 6;
        QVERIFY(qAbs(*kpiValue(kApiP95Bar, s) - 190) < 2);
        QCOMPARE(*kpiValue(kErrorRateBar, s), 0.0015);
        QVERIFY(qAbs(*kpiValue(kTicketWaitP95Bar, s) - 95) < 1);
    }

    void levelTextNeverEmptyForStates() {
        for (const KpiLevel level :
             {KpiLevel::Unknown, KpiLevel::Ok, KpiLevel::Warning, KpiLevel::Breach})
            QVERIFY(!levelText(level).isEmpty());
        QVERIFY(levelText(KpiLevel::Breach).contains(u"BREACH"_s));
        QVERIFY(levelText(KpiLevel::Neutral).isEmpty());
    }

    void niceCeil_data() {
        QTest::addColumn<double>("value");
        QTest::addColumn<double>("expected");
        QTest::addRow("0.7") << 0.7 << 1.0;
        QTest::addRow("1") << 1.0 << 1.0;
        QTest::addRow("1.01") << 1.01 << 2.0;
        QTest::addRow("2.2") << 2.2 << 2.5;
        QTest::addRow("3") << 3.0 << 5.0;
        QTest::addRow("150 stays") << 150.0 << 200.0;
        QTest::addRow("180 (1.2 x 150)") << 180.0 << 200.0;
        QTest::addRow("200") << 200.0 << 200.0;
        QTest::addRow("72 s") << 72.0 << 100.0;
        QTest::addRow("0 gives 1") << 0.0 << 1.0;
        QTest::addRow("negative gives 1") << -5.0 << 1.0;
    }
    void niceCeil() {
        QFETCH(double, value);
        QFETCH(double, expected);
        QCOMPARE(pulsco::niceCeil(value), expected);
    }

    void niceTickIntervalGivesFewTicks() {
        for (const double range : {1.0, 5.0, 10.0, 37.0, 200.0, 1000.0, 12345.0}) {
            const double tick = niceTickInterval(range, 5);
            QVERIFY2(range / tick <= 5.0 + 1e-9 && range / tick >= 2.0,
                     qPrintable(u"range %1 tick %2"_s.arg(range).arg(tick)));
        }
    }

    // Property over many random histograms: the bins account for every
    // observation, and each bin's count matches a brute-force count within
    // the core's 1 % bucket accuracy at the edges.
    void regroupAccountsForEveryObservation() {
        for (unsigned seed = 1; seed <= 200; ++seed) {
            std::mt19937_64 rng(seed);
            std::lognormal_distribution<double> dist(std::log(20.0), 0.4 + (seed % 7) * 0.2);
            Histogram h;
            std::vector<double> values;
            const int n = 50 + static_cast<int>(seed * 13 % 2000);
            for (int i = 0; i < n; ++i) {
                const double v = (seed % 11 == 0 && i % 10 == 0) ? 0.0 : dist(rng);
                values.push_back(v);
                h.record(v);
            }
            const double upper = chooseUpperEdge(h, 180);
            const int binCount = 10 + static_cast<int>(seed % 30);
            const HistogramBins bins = regroup(h, upper, binCount);
            QCOMPARE(static_cast<int>(bins.shares.size()), binCount);
            QCOMPARE(bins.total, static_cast<std::uint64_t>(n));
            double sum = 0;
            for (const double share : bins.shares) {
                QVERIFY(share >= 0);
                sum += share;
            }
            sum += static_cast<double>(bins.aboveRange) / n;
            QVERIFY2(std::abs(sum - 1.0) < 1e-9,
                     qPrintable(u"seed %1 sum %2"_s.arg(seed).arg(sum)));
            // The upper edge covers p99 with room, so at most ~1 % is beyond it.
            QVERIFY2(bins.aboveRange <= static_cast<std::uint64_t>(std::ceil(n * 0.011)) + 1,
                     qPrintable(u"seed %1 above %2 of %3"_s.arg(seed).arg(bins.aboveRange).arg(n)));
            for (int b = 0; b < binCount; ++b) {
                const double lo = bins.width * b;
                const double hi = bins.width * (b + 1);
                // Counted with edges blurred by the bucket accuracy both ways.
                int strictCount = 0, looseCount = 0;
                for (const double v : values) {
                    const bool firstBin = b == 0;
                    if ((firstBin || v > lo * 1.01) && v <= hi * 0.99)
                        ++strictCount;
                    if ((firstBin || v > lo * 0.99) && v <= hi * 1.01)
                        ++looseCount;
                }
                const double count = bins.shares[static_cast<std::size_t>(b)] * n;
                QVERIFY2(count + 1e-6 >= strictCount && count - 1e-6 <= looseCount,
                         qPrintable(u"seed %1 bin %2: %3 not in [%4, %5]"_s.arg(seed)
                                        .arg(b)
                                        .arg(count)
                                        .arg(strictCount)
                                        .arg(looseCount)));
            }
        }
    }

    void regroupEmptyHistogram() {
        const HistogramBins bins = regroup(Histogram{}, 200, 20);
        QCOMPARE(bins.total, 0u);
        QCOMPARE(bins.aboveRange, 0u);
        QCOMPARE(static_cast<int>(bins.shares.size()), 20);
        QCOMPARE(bins.width, 10.0);
        for (const double share : bins.shares)
            QCOMPARE(share, 0.0);
    }

    void upperEdgeNeverHidesTheBar() {
        Histogram fast;
        for (int i = 0; i < 1000; ++i)
            fast.record(5);
        QVERIFY(chooseUpperEdge(fast, 180) >= 180);
        Histogram slow;
        for (int i = 0; i < 1000; ++i)
            slow.record(900);
        QVERIFY(chooseUpperEdge(slow, 180) >= 900 * 1.25);
    }

    void comparisonFlagsGreenWhenItDoesWorse() {
        QLocale::setDefault(QLocale::c());
        EnvironmentComparisonModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        MetricsSnapshot s;
        s.blue.requestedWeightPercent = 90;
        s.green.requestedWeightPercent = 10;
        s.blue.recentRequests = 1000;
        s.green.recentRequests = 100;
        s.blue.recentTicketsCreated = 1000;
        s.green.recentTicketsCreated = 100;
        s.green.recentErrors = 6;  // 6 % against blue's 0 %
        for (int i = 0; i < 100; ++i) {
            s.blue.recentApiLatencyMs.record(10);
            s.green.recentApiLatencyMs.record(11);
        }
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setSnapshot(s);
        QCOMPARE(changed.count(), 1);
        using M = EnvironmentComparisonModel;
        QCOMPARE(model.index(M::WeightSet, M::Green).data().toString(), u"10 %"_s);
        // Measured, not declared: green took 100 of the 1100 new tickets.
        QCOMPARE(model.index(M::TrafficWeight, M::Green).data().toString(), u"9.1 %"_s);
        QCOMPARE(model.index(M::TrafficWeight, M::Blue).data().toString(), u"90.9 %"_s);
        QVERIFY(model.index(M::ErrorRate, M::Green).data().toString().contains(u"worse"_s));
        QVERIFY(!model.index(M::ErrorRate, M::Blue).data().toString().contains(u"worse"_s));
        QVERIFY(!model.index(M::LatencyP95, M::Green).data().toString().contains(u"worse"_s));
        QVERIFY(model.index(M::ErrorRate, M::Green).data(Qt::FontRole).value<QFont>().bold());
        model.setSnapshot(s);  // nothing new: no repaint asked
        QCOMPARE(changed.count(), 1);
        s.green.recentErrors = 0;
        model.setSnapshot(s);
        QCOMPARE(changed.count(), 2);
        QVERIFY(!model.index(M::ErrorRate, M::Green).data().toString().contains(u"worse"_s));
    }

    // Issue #23: green's latency chart ran to 200 % when its few requests
    // all fell in one bin. The value axis is a share: round, never past 100.
    void valueAxisFitsAShare_data() {
        QTest::addColumn<double>("peak");  // tallest bar, % of observations
        QTest::addColumn<double>("top");
        QTest::addRow("empty") << 0.0 << 5.0;
        QTest::addRow("flat 3 pc") << 3.0 << 5.0;
        QTest::addRow("10 pc") << 10.0 << 20.0;
        QTest::addRow("40 pc") << 40.0 << 50.0;
        QTest::addRow("50 pc") << 50.0 << 100.0;
        QTest::addRow("90 pc in one bin") << 90.0 << 100.0;
        QTest::addRow("all in one bin") << 100.0 << 100.0;
    }
    void valueAxisFitsAShare() {
        QFETCH(double, peak);
        QFETCH(double, top);
        QCOMPARE(HistogramChart::valueAxisTop(peak), top);
    }

    // Issue #23: green read "0.0 matches/min" beside "match quality p50
    // 0.87": the rate is the last 60 s, the quality since start. Each row now
    // names its window, and matches since start sit beside that quality.
    void comparisonRowsNameTheirWindow_data() {
        QTest::addColumn<int>("row");
        QTest::addColumn<QString>("label");
        QTest::addColumn<QString>("green");
        using M = EnvironmentComparisonModel;
        QTest::addRow("weight set") << int(M::WeightSet) << u"Weight set"_s << u"0 %"_s;
        // No request served by either colour: no share to show.
        QTest::addRow("share") << int(M::TrafficWeight) << u"Traffic share"_s << u"–"_s;
        QTest::addRow("requests") << int(M::Requests) << u"Requests"_s << u"0"_s;
        QTest::addRow("errors") << int(M::ErrorRate) << u"Error rate"_s << u"–"_s;
        QTest::addRow("p95") << int(M::LatencyP95) << u"API p95"_s << u"–"_s;
        QTest::addRow("wait") << int(M::WaitP95) << u"Ticket wait p95"_s << u"–"_s;
        QTest::addRow("rate") << int(M::MatchesPerMinute) << u"Matches / min"_s << u"0.0"_s;
        QTest::addRow("matches") << int(M::MatchesSinceStart) << u"Matches (since start)"_s
                                 << u"412"_s;
        QTest::addRow("quality") << int(M::QualityP50) << u"Quality p50 (since start)"_s
                                 << u"0.87"_s;
    }
    void comparisonRowsNameTheirWindow() {
        QFETCH(int, row);
        QFETCH(QString, label);
        QFETCH(QString, green);
        QLocale::setDefault(QLocale::c());
        // Green matched earlier in the run and has had no traffic since.
        MetricsSnapshot s;
        s.blue.requestedWeightPercent = 100;
        s.green.requestedWeightPercent = 0;
        s.green.matchesTotal = 412;
        s.green.matchesPerMinute = 0;
        for (int i = 0; i < 412; ++i)
            s.green.matchQuality.record(0.87);
        EnvironmentComparisonModel model;
        model.setSnapshot(s);
        using M = EnvironmentComparisonModel;
        QCOMPARE(model.index(row, M::Metric).data().toString(), label);
        QCOMPARE(model.index(row, M::Green).data().toString(), green);
    }
    void theComparisonHeaderNamesTheRecentWindow() {
        EnvironmentComparisonModel model;
        using M = EnvironmentComparisonModel;
        QCOMPARE(model.headerData(M::Metric, Qt::Horizontal).toString(), u"Last 60 s"_s);
        // Only the rows outside that window say so, and their tooltips why.
        for (int row = 0; row < model.rowCount(); ++row) {
            const QString label = model.index(row, M::Metric).data().toString();
            const bool sinceStart = row == M::MatchesSinceStart || row == M::QualityP50;
            QCOMPARE(label.endsWith(u"(since start)"_s), sinceStart);
            QVERIFY(!model.index(row, M::Metric).data(Qt::ToolTipRole).toString().isEmpty());
        }
    }

    // Issue #23: a fault aimed at a colour without traffic changes nothing.
    // The default target is the colour with traffic; the warning names the
    // case whatever the operator picks.
    void faultTargetFollowsTraffic_data() {
        QTest::addColumn<int>("kindNumber");  // FaultKind
        QTest::addColumn<int>("blue");
        QTest::addColumn<int>("green");
        QTest::addColumn<int>("target");  // FaultTarget
        QTest::addRow("error surge, green idle")
            << int(FaultKind::ErrorRate) << 100 << 0 << int(FaultTarget::Blue);
        QTest::addRow("error surge, green at 10 pc")
            << int(FaultKind::ErrorRate) << 90 << 10 << int(FaultTarget::Green);
        QTest::addRow("latency, all on green")
            << int(FaultKind::Latency) << 0 << 100 << int(FaultTarget::Green);
        QTest::addRow("bad release, green idle")
            << int(FaultKind::BadRelease) << 100 << 0 << int(FaultTarget::Blue);
        QTest::addRow("slow store, green idle")
            << int(FaultKind::StoreLatency) << 100 << 0 << int(FaultTarget::Blue);
        QTest::addRow("matcher stall stays on both")
            << int(FaultKind::MatcherStall) << 100 << 0 << int(FaultTarget::Both);
        QTest::addRow("player surge stays on both")
            << int(FaultKind::PlayerSurge) << 100 << 0 << int(FaultTarget::Both);
    }
    void faultTargetFollowsTraffic() {
        QFETCH(int, kindNumber);
        const auto kind = FaultKind(kindNumber);
        QFETCH(int, blue);
        QFETCH(int, green);
        QFETCH(int, target);
        const FaultSpec spec = FaultDialog::defaults(kind, {u"eu-west"_s}, {blue, green});
        QVERIFY2(spec.target == FaultTarget(target), toString(spec.target));
        // The default never earns the warning.
        QCOMPARE(FaultDialog::trafficWarning(spec.target, {blue, green}), QString());
        // Without traffic known, the kind's own target as before.
        QVERIFY(FaultDialog::defaults(kind, {}).target ==
                (kind == FaultKind::MatcherStall || kind == FaultKind::PlayerSurge
                     ? FaultTarget::Both
                     : FaultTarget::Green));
    }
    void faultWarningNamesAnIdleColour_data() {
        QTest::addColumn<int>("target");
        QTest::addColumn<int>("blue");
        QTest::addColumn<int>("green");
        QTest::addColumn<QString>("warning");
        const QString idleGreen = u"Green has 0 % of the traffic now: this fault will change "
                                  u"nothing until traffic moves to green."_s;
        QTest::addRow("green idle") << int(FaultTarget::Green) << 100 << 0 << idleGreen;
        QTest::addRow("green at 1 pc") << int(FaultTarget::Green) << 99 << 1 << QString();
        QTest::addRow("blue idle") << int(FaultTarget::Blue) << 0 << 100
                                   << u"Blue has 0 % of the traffic now: this fault will change "
                                      u"nothing until traffic moves to blue."_s;
        QTest::addRow("both, green idle") << int(FaultTarget::Both) << 100 << 0 << QString();
    }
    void faultWarningNamesAnIdleColour() {
        QFETCH(int, target);
        QFETCH(int, blue);
        QFETCH(int, green);
        QFETCH(QString, warning);
        QCOMPARE(FaultDialog::trafficWarning(FaultTarget(target), {blue, green}), warning);
    }

    void formats_data() {
        QTest::addColumn<QString>("actual");
        QTest::addColumn<QString>("expected");
        QLocale::setDefault(QLocale::c());
        QTest::addRow("clock zero") << formatClock(0) << u"00:00:00"_s;
        QTest::addRow("clock 1h2m3s") << formatClock(3723.9) << u"01:02:03"_s;
        QTest::addRow("clock days") << formatClock(2 * 86400 + 5) << u"2d 00:00:05"_s;
        QTest::addRow("clock negative") << formatClock(-4) << u"00:00:00"_s;
        QTest::addRow("speed 1") << formatSpeed(1) << u"1×"_s;
        QTest::addRow("speed 100") << formatSpeed(100) << u"100×"_s;
        QTest::addRow("speed max") << formatSpeed(0) << u"max"_s;
        QTest::addRow("ms small") << formatMs(0.42) << u"0.42 ms"_s;
        QTest::addRow("ms mid") << formatMs(26.34) << u"26.3 ms"_s;
        QTest::addRow("ms large") << formatMs(1250.4) << u"1250 ms"_s;
        QTest::addRow("percent zero") << formatPercent(0) << u"0 %"_s;
        QTest::addRow("percent tiny") << formatPercent(0.00012) << u"0.012 %"_s;
        QTest::addRow("percent small") << formatPercent(0.06) << u"6.00 %"_s;
        QTest::addRow("seconds minutes") << formatSeconds(250) << u"4 min 10 s"_s;
        QTest::addRow("seconds hours") << formatSeconds(3 * 3600 + 125) << u"3 h 2 min"_s;
        QTest::addRow("seconds days") << formatSeconds(7 * 86400) << u"7 d 0 h"_s;
        QTest::addRow("size bytes") << formatFileSize(812) << u"812 bytes"_s;
        QTest::addRow("size KB") << formatFileSize(12700) << u"12.4 KB"_s;
        QTest::addRow("size MB") << formatFileSize(3250585) << u"3.1 MB"_s;
    }
    void formats() {
        QFETCH(QString, actual);
        QFETCH(QString, expected);
        QCOMPARE(actual, expected);
    }
};

QTEST_GUILESS_MAIN(TestUiRules)
#include "tst_ui_rules.moc"
