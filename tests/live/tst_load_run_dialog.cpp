// The console's load-run dialog, offscreen, running the real pulsco-sim
// --target against a real pulsco-matchd: a short run ends with its verdict
// and summary; Stop ends a long run early.
#include "support/MatchdProcess.h"

#include "ui/LoadRunDialog.h"

#include <QProgressBar>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using pulsco::LoadRunDialog;
using pulsco::test::MatchdProcess;

namespace {
QString simBinary() {
    return QStringLiteral(PULSCO_BINARY_DIR "/bin/pulsco-sim");
}
}  // namespace

class TestLoadRunDialog : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(QFile::exists(simBinary())); }

    void shortRunShowsVerdictAndSummary() {
        MatchdProcess server;
        QVERIFY(server.start());
        LoadRunDialog dialog(simBinary(), {server.url()}, {u"baseline-1000"_s});
        dialog.setScenario(u"baseline-1000"_s);
        dialog.setDurationSeconds(2);
        QSignalSpy finished(&dialog, &LoadRunDialog::finished);
        dialog.show();
        dialog.start();
        QVERIFY(dialog.running());
        QVERIFY(finished.wait(30000));
        const int code = finished[0][0].toInt();
        QVERIFY2(code == 0 || code == 1, qPrintable(dialog.output()));
        QVERIFY(dialog.verdict().startsWith(code == 0 ? u"PASS"_s : u"FAIL"_s));
        QVERIFY(dialog.output().contains(u"Result:"_s));
        QVERIFY(dialog.output().contains(u"POST /v1/tickets"_s));
        QCOMPARE(dialog.findChild<QProgressBar*>()->value(), 1000);
    }

    void stopEndsALongRun() {
        MatchdProcess server;
        QVERIFY(server.start());
        LoadRunDialog dialog(simBinary(), {server.url()}, {u"baseline-1000"_s});
        dialog.setDurationSeconds(600);
        QSignalSpy finished(&dialog, &LoadRunDialog::finished);
        dialog.start();
        QTest::qWait(700);
        QVERIFY(dialog.running());
        dialog.stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        QCOMPARE(finished[0][0].toInt(), -1);
        QCOMPARE(dialog.verdict(), u"stopped"_s);
    }
};

QTEST_MAIN(TestLoadRunDialog)
#include "tst_load_run_dialog.moc"
