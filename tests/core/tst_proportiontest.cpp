// core/ProportionTest against R's prop.test(c(a, b), c(na, nb),
// correct = TRUE) through Rscript: X-squared, the p-value and the interval
// of the difference agree to 1e-9 on error-rate-like counts (rare events,
// equal rates, a one-point regression, tiny samples where Yates' correction
// is capped). What R cannot test (no events anywhere, an empty side) is
// refused with the reason.
#include "core/ProportionTest.h"
#include "support/Rscript.h"

#include <QTest>

#include <cmath>

using namespace pulsco;

class TestProportionTest : public QObject {
    Q_OBJECT
private slots:
    void agreesWithR_data();
    void agreesWithR();
    void refusesWhatHasNoProportions();
};

void TestProportionTest::agreesWithR_data() {
    QTest::addColumn<qulonglong>("a");
    QTest::addColumn<qulonglong>("na");
    QTest::addColumn<qulonglong>("b");
    QTest::addColumn<qulonglong>("nb");
    QTest::addColumn<double>("confidence");
    QTest::newRow("green 3 %, blue 1 %") << 30ull << 1000ull << 12ull << 1100ull << 0.95;
    QTest::newRow("equal rates") << 50ull << 5000ull << 100ull << 10000ull << 0.95;
    QTest::newRow("rare events") << 2ull << 60000ull << 1ull << 58000ull << 0.99;
    QTest::newRow("+1 point of errors") << 1200ull << 60000ull << 600ull << 60000ull << 0.95;
    QTest::newRow("tiny, Yates capped") << 1ull << 3ull << 0ull << 4ull << 0.9;
    QTest::newRow("green better") << 5ull << 2000ull << 40ull << 2000ull << 0.95;
}

void TestProportionTest::agreesWithR() {
    QFETCH(qulonglong, a);
    QFETCH(qulonglong, na);
    QFETCH(qulonglong, b);
    QFETCH(qulonglong, nb);
    QFETCH(double, confidence);
    const ProportionTestResult ours = proportionTest(a, na, b, nb, confidence);
    QVERIFY2(ours.ok, ours.why.c_str());
    const std::vector<double> r = test::runR(
        QStringLiteral("suppressWarnings(r <- prop.test(c(%1, %2), c(%3, %4), correct=TRUE, "
                       "conf.level=%5)); "
                       "cat(sprintf('%.17g', c(r$statistic, r$p.value, r$conf.int)), sep='\\n')")
            .arg(a)
            .arg(b)
            .arg(na)
            .arg(nb)
            .arg(confidence, 0, 'g', 17));
    QCOMPARE(r.size(), std::size_t(4));
    const double got[] = {ours.statistic, ours.pValue, ours.low, ours.high};
    const char* names[] = {"X-squared", "p-value", "interval low", "interval high"};
    for (int i = 0; i < 4; ++i)
        QVERIFY2(std::fabs(got[i] - r[std::size_t(i)]) <=
                     1e-9 * std::max(1.0, std::fabs(r[std::size_t(i)])),
                 qPrintable(QStringLiteral("%1: ours %2, R %3")
                                .arg(QLatin1StringView(names[i]))
                                .arg(got[i], 0, 'g', 17)
                                .arg(r[std::size_t(i)], 0, 'g', 17)));
    QCOMPARE(ours.difference, double(a) / double(na) - double(b) / double(nb));
}

void TestProportionTest::refusesWhatHasNoProportions() {
    ProportionTestResult r = proportionTest(0, 1000, 0, 900);
    QVERIFY(!r.ok);
    QCOMPARE(r.why, std::string("no events on either side"));
    QCOMPARE(r.pValue, 1.0);
    r = proportionTest(3, 0, 1, 10);
    QVERIFY(!r.ok);
    QCOMPARE(r.why, std::string("no observations in A"));
    r = proportionTest(11, 10, 1, 10);
    QVERIFY(!r.ok);
    QCOMPARE(r.why, std::string("more events than observations"));
}

QTEST_GUILESS_MAIN(TestProportionTest)
#include "tst_proportiontest.moc"
