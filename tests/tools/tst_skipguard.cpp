// tests/support/run-qtest.sh, the wrapper every Qt Test runs through: under
// CI=true a QSKIP fails unless it is on the allow-list (which is printed);
// outside CI it passes; a real failure stays a failure either way.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
struct Run {
    int exitCode = -1;
    QString out;
};

Run guarded(const QProcessEnvironment& env) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral(PULSCO_SOURCE_DIR "/tests/support/run-qtest.sh"),
            {QStringLiteral(PLANTED_SKIP_BINARY)});
    if (!p.waitForFinished(30000))
        return {};
    return {p.exitCode(), QString::fromUtf8(p.readAll())};
}

QProcessEnvironment baseEnv() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"CI"_s);
    env.remove(u"PULSCO_SKIP_ALLOWLIST"_s);
    env.remove(u"PLANTED_SKIP_FAIL"_s);
    return env;
}
}  // namespace

class TestSkipGuard : public QObject {
    Q_OBJECT
private slots:
    void plantedSkipFailsUnderCi() {
        QProcessEnvironment env = baseEnv();
        env.insert(u"CI"_s, u"true"_s);
        const Run run = guarded(env);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains(u"run-qtest: FAIL: PlantedSkip::skips skipped under CI=true"_s),
                 qPrintable(run.out));
    }

    void plantedSkipPassesOutsideCi() {
        const Run run = guarded(baseEnv());
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(u"SKIP   : PlantedSkip::skips()"_s), qPrintable(run.out));
    }

    void allowListedSkipPassesAndIsPrinted() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile list(dir.filePath(u"allow.txt"_s));
        QVERIFY(list.open(QIODevice::WriteOnly));
        list.write("# planted\nPlantedSkip::skips  the planted reason\n");
        list.close();
        QProcessEnvironment env = baseEnv();
        env.insert(u"CI"_s, u"true"_s);
        env.insert(u"PULSCO_SKIP_ALLOWLIST"_s, list.fileName());
        const Run run = guarded(env);
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(
            run.out.contains(u"run-qtest: allowed skip: PlantedSkip::skips: the planted reason"_s),
            qPrintable(run.out));
    }

    void allowListEntryWithoutReasonIsRefused() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile list(dir.filePath(u"allow.txt"_s));
        QVERIFY(list.open(QIODevice::WriteOnly));
        list.write("PlantedSkip::skips\n");
        list.close();
        QProcessEnvironment env = baseEnv();
        env.insert(u"CI"_s, u"true"_s);
        env.insert(u"PULSCO_SKIP_ALLOWLIST"_s, list.fileName());
        const Run run = guarded(env);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains(u"PlantedSkip::skips skipped under CI=true: its line in "_s) &&
                     run.out.contains(u"gives no reason"_s),
                 qPrintable(run.out));
    }

    void failureStaysAFailure() {
        QProcessEnvironment env = baseEnv();
        env.insert(u"CI"_s, u"true"_s);
        env.insert(u"PLANTED_SKIP_FAIL"_s, u"1"_s);
        QTemporaryDir dir;
        QFile list(dir.filePath(u"allow.txt"_s));
        QVERIFY(list.open(QIODevice::WriteOnly));
        list.write("PlantedSkip::skips  allowed, so only the failure counts\n");
        list.close();
        env.insert(u"PULSCO_SKIP_ALLOWLIST"_s, list.fileName());
        const Run run = guarded(env);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains(u"FAIL!  : PlantedSkip::runs()"_s), qPrintable(run.out));
    }
};

QTEST_GUILESS_MAIN(TestSkipGuard)
#include "tst_skipguard.moc"
