// shippedDrillContext, what drill files may refer to in the console: read
// from the embedded resources, it names what the simulator's own loaders
// name (the fixture's context goes through them), and the rules given.
#include "DrillFixture.h"
#include "drills/ShippedDrillContext.h"

#include <QTest>

using namespace pulsco;
using namespace pulsco::test;
using namespace Qt::StringLiterals;

class TestShippedDrillContext : public QObject {
    Q_OBJECT
private slots:
    void namesWhatTheSimulatorShips() {
        const DrillContext context = shippedDrillContext(defaultRules());
        const DrillContext real = realDrillContext();
        QCOMPARE(context.scenarios, real.scenarios);
        QVERIFY(context.scenarios.contains(u"baseline-1000"_s));
        QCOMPARE(context.regions, real.regions);
        QVERIFY(!context.regions.isEmpty());
        QCOMPARE(context.alerts, real.alerts);
        QVERIFY(!context.checkScenario);  // inline scenarios: checked when opened
    }

    void namesTheRulesGivenInOrder() {
        AlertRule b;
        b.name = u"b-rule"_s;
        AlertRule a;
        a.name = u"a-rule"_s;
        QCOMPARE(shippedDrillContext({b, a}).alerts, (QStringList{u"b-rule"_s, u"a-rule"_s}));
        QVERIFY(shippedDrillContext({}).alerts.isEmpty());
    }

    void everyShippedDrillChecksAgainstIt() {
        const DrillContext context = shippedDrillContext(defaultRules());
        const QStringList paths = shippedDrillPaths();
        QVERIFY(paths.size() >= 6);
        for (const QString& path : paths) {
            const DrillLoad load = loadDrillFile(path, context);
            QVERIFY2(load.drill, qPrintable(load.error));
        }
    }
};

QTEST_GUILESS_MAIN(TestShippedDrillContext)
#include "tst_shippeddrillcontext.moc"
