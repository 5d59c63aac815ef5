// pulsco-sim as users and CI call it: exit 0 when the thresholds hold, 1 when
// one fails, 2 on bad input with a message naming file, field and why; the
// JSON report carries the figures and a trace hash that repeats per seed.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class TestPulscoSim : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    struct Run {
        int exitCode = -1;
        QString out, err;
    };

    static Run run(const QStringList& args) {
        QProcess p;
        p.start(QStringLiteral(PULSCO_BINARY_DIR "/bin/pulsco-sim"), args);
        if (!p.waitForFinished(60000))
            qFatal("pulsco-sim did not finish");
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

    QString writeScenario(const QString& name, const QString& thresholds,
                          const QString& extra = {}) {
        const QString text = uR"({"format": 1, "name": "cli-test", "seed": 3, "duration_s": 900,
            "population": {"players": 300, "session_s": 3600,
                           "queues": [{"queue": "casual-3v3", "match_s": 300}, {"queue": "duel-1v1", "match_s": 200}],
                           "parties": [{"size": 1, "share": 0.7}, {"size": 2, "share": 0.3}]},
            "thresholds": %1 %2})"_s.arg(thresholds, extra);
        const QString path = m_dir.filePath(name);
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(text.toUtf8());
        return path;
    }

private slots:
    void passingRunExitsZeroAndWritesReport() {
        const QString scenario = writeScenario(
            u"pass.json"_s, uR"({"api_latency_p95_ms": "<150", "conservation_ok": "==1"})"_s);
        const QString report = m_dir.filePath(u"report.json"_s);
        const Run r = run({u"--scenario"_s, scenario, u"--report"_s, report});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        for (const char* needle :
             {"Players", "Matches", "Tickets", "Ticket wait (s)", "API latency (ms)",
              "Queue depth max", "Rating convergence", "Matcher tick", "Trace hash", "✓", "PASS"})
            QVERIFY2(r.out.contains(QString::fromUtf8(needle)), needle);
        QFile f(report);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(o.value(u"passed"_s).toBool(), true);
        QCOMPARE(o.value(u"trace_hash"_s).toString().size(), 16);
        QCOMPARE(o.value(u"thresholds"_s).toArray().size(), 2);
        QVERIFY(o.value(u"snapshot"_s).isObject());
        QVERIFY(o.value(u"total"_s).toObject().value(u"matches"_s).toInt() > 0);

        // Same seed, same hash; another seed, another hash.
        const Run again = run({u"--scenario"_s, scenario, u"--report"_s, report + u"2"_s});
        QFile f2(report + u"2"_s);
        QVERIFY(f2.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(f2.readAll()).object().value(u"trace_hash"_s),
                 o.value(u"trace_hash"_s));
        const Run other =
            run({u"--scenario"_s, scenario, u"--seed"_s, u"4"_s, u"--report"_s, report + u"3"_s});
        QFile f3(report + u"3"_s);
        QVERIFY(f3.open(QIODevice::ReadOnly));
        QVERIFY(QJsonDocument::fromJson(f3.readAll()).object().value(u"trace_hash"_s) !=
                o.value(u"trace_hash"_s));
    }

    void failingThresholdExitsOne() {
        const QString scenario =
            writeScenario(u"fail.json"_s, uR"({"api_latency_p95_ms": "<1"})"_s);
        const Run r = run({u"--scenario"_s, scenario, u"--duration"_s, u"300"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.out.contains(u"✗ api_latency_p95_ms <1"_s));
        QVERIFY(r.out.contains(u"FAIL"_s));
    }

    void badInputExitsTwo_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::addRow("no scenario") << QStringList{} << u"--scenario: is required"_s;
        QTest::addRow("missing file") << QStringList{u"--scenario"_s, u"/nonexistent.json"_s}
                                      << u"/nonexistent.json: cannot open"_s;
        QTest::addRow("target nobody listening")
            << QStringList{u"--scenario"_s, u"baseline-1000"_s, u"--target"_s,
                           u"http://127.0.0.1:1"_s}
            << u"--target: http://127.0.0.1:1/v1/info: "_s;
        QTest::addRow("target not http")
            << QStringList{u"--scenario"_s, u"baseline-1000"_s, u"--target"_s, u"ftp://x"_s}
            << u"--target: ftp://x: must be an http:// URL"_s;
        QTest::addRow("target with speed")
            << QStringList{u"--scenario"_s,         u"baseline-1000"_s, u"--target"_s,
                           u"http://127.0.0.1:1"_s, u"--speed"_s,       u"10"_s}
            << u"--speed: a --target run plays in real time"_s;
        QTest::addRow("ledger without target")
            << QStringList{u"--scenario"_s, u"baseline-1000"_s, u"--ledger"_s, u"x.txt"_s}
            << u"only with --target"_s;
        QTest::addRow("speed") << QStringList{u"--scenario"_s, u"baseline-1000"_s, u"--speed"_s,
                                              u"fast"_s}
                               << u"--speed: must be max or a number"_s;
        QTest::addRow("duration") << QStringList{u"--scenario"_s, u"baseline-1000"_s,
                                                 u"--duration"_s, u"-5"_s}
                                  << u"--duration: must be a number"_s;
        QTest::addRow("seed") << QStringList{u"--scenario"_s, u"baseline-1000"_s, u"--seed"_s,
                                             u"1.5"_s}
                              << u"--seed: must be an integer"_s;
        QTest::addRow("players") << QStringList{u"--scenario"_s, u"baseline-1000"_s, u"--players"_s,
                                                u"0"_s}
                                 << u"--players: must be an integer"_s;
        QTest::addRow("unknown option")
            << QStringList{u"--scenario"_s, u"baseline-1000"_s, u"--colour"_s} << u"colour"_s;
    }

    void badInputExitsTwo() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Run r = run(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void badScenarioFileNamesTheField() {
        const QString scenario =
            writeScenario(u"bad.json"_s, u"{}"_s, uR"(, "traffic": {"green_weight": 250})"_s);
        const Run r = run({u"--scenario"_s, scenario});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(scenario +
                                u": traffic.green_weight: must be an integer from 0 to 100"_s),
                 qPrintable(r.err));
    }

    void helpExitsZero() {
        const Run r = run({u"--help"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(u"--scenario"_s));
        QVERIFY(r.out.contains(u"--report"_s));
    }
};

QTEST_GUILESS_MAIN(TestPulscoSim)
#include "tst_pulsco_sim.moc"
