// Drill alerts reach the on-call tools (issue 22, item 4): the real console
// window with its drills installed and the Alertmanager forwarder, a drill
// run on the embedded simulator, and a throw-away real Alertmanager. With
// drill alerts asked for, the drill's alert arrives labelled as a drill (and
// which one), so the paging path is rehearsed; without, nothing of the
// drill's reaches the pager.
#include "app/pulsco-console/AlertmanagerForwarder.h"
#include "app/pulsco-console/ConsoleRun.h"
#include "app/pulsco-console/ConsoleSourceFactory.h"
#include "store/ConsoleStore.h"
#include "support/AlertmanagerProcess.h"
#include "ui/MainWindow.h"
#include "ui/drills/DrillsConsole.h"
#include "ui/drills/DrillsPage.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QTest>

using namespace pulsco;
using namespace Qt::StringLiterals;
using pulsco::test::AlertmanagerProcess;

namespace {

// The console as it runs: its window, drills and forwarder; the error
// surge started at 100x on the simulator. Returns why not, or "".
struct ConsoleWithDrills {
    QTemporaryDir dir;
    std::unique_ptr<ConsoleStore> store;
    ConsoleSourceFactory factory;
    std::unique_ptr<MainWindow> window;
    DrillsConsole* drills = nullptr;

    QString startDrill(const QUrl& alertmanager, bool drillAlerts) {
        QString error;
        store = ConsoleStore::open(dir.filePath(u"c.sqlite"_s), &error);
        if (!store)
            return error;
        window = std::make_unique<MainWindow>(factory);
        drills = installDrills(*window, store.get(), dir.filePath(u"drills"_s));
        new AlertmanagerForwarder(*window, drills->alerts(), drills->runner(), alertmanager,
                                  drillAlerts);
        DrillsPage* page = drills->page();
        if (!page->selectDrill(u"error-surge-rollback"_s))
            return u"no error-surge-rollback drill"_s;
        page->setSpeed(100);
        page->traineeName()->setText(u"ann"_s);
        page->trainerName()->setText(u"tess"_s);
        if (!page->startDrill(&error))
            return error;
        return {};
    }
};

}  // namespace

class TestDrillAlertmanager : public QObject {
    Q_OBJECT
private slots:
    void drillAlertsArriveLabelledAsADrill() {
        AlertmanagerProcess am;
        const QString started = am.start();
        QVERIFY2(started.isEmpty(), qPrintable(started));
        ConsoleWithDrills console;
        const QString error = console.startDrill(QUrl(am.url()), true);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(!am.activeAlert(u"rollback-error-rate-green"_s).isEmpty(), 60000);
        const QJsonObject labels =
            am.activeAlert(u"rollback-error-rate-green"_s).value(u"labels").toObject();
        QCOMPARE(labels.value(u"drill").toString(), u"true"_s);
        QCOMPARE(labels.value(u"drill_name").toString(), u"error-surge-rollback"_s);
        QCOMPARE(labels.value(u"service").toString(), u"pulsco"_s);
    }

    void withoutDrillAlertsNothingIsPaged() {
        AlertmanagerProcess am;
        const QString started = am.start();
        QVERIFY2(started.isEmpty(), qPrintable(started));
        ConsoleWithDrills console;
        const QString error = console.startDrill(QUrl(am.url()), false);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // The drill's alert fires in the console...
        AlertEngine* alerts = console.drills->alerts();
        QTRY_VERIFY_WITH_TIMEOUT(
            alerts->state(u"rollback-error-rate-green"_s) == AlertState::Firing, 60000);
        // ...and the pager never hears of it.
        QTest::qWait(3000);
        QVERIFY2(am.alerts().isEmpty(),
                 qPrintable(QString::number(am.alerts().size()) + u" alerts in Alertmanager"_s));
    }
};

QTEST_MAIN(TestDrillAlertmanager)
#include "tst_drill_alertmanager.moc"
