// A planted QSKIP for tst_skipguard: one passing and one skipping test
// function. Never registered as a ctest test of its own.
#include <QTest>

class PlantedSkip : public QObject {
    Q_OBJECT
private slots:
    void runs() { QCOMPARE(qEnvironmentVariable("PLANTED_SKIP_FAIL"), QString()); }
    void skips() { QSKIP("planted: the skip guard must refuse this under CI=true"); }
};

QTEST_GUILESS_MAIN(PlantedSkip)
#include "planted_skip.moc"
