// pulsco-layer-check on planted trees: every kind of forbidden include is
// reported as file:line: rule, a clean tree passes, broken rules are refused.
// (The real tree is checked by the ctest test `layer_check`.)
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {
struct Run {
    int exitCode = -1;
    QString out;
    QString err;
};

Run layerCheck(const QString& rules, const QString& root) {
    QProcess p;
    p.start(QStringLiteral(LAYER_CHECK_BINARY), {rules, root});
    if (!p.waitForFinished(30000))
        return {};
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QString planted(const QString& tree) {
    return QStringLiteral(PULSCO_SOURCE_DIR "/tests/tools/layer-check/") + tree;
}
}  // namespace

class TestLayerCheck : public QObject {
    Q_OBJECT
private slots:
    void reportsEachPlantedViolation() {
        const Run run = layerCheck(planted(u"planted/rules.md"_s), planted(u"planted"_s));
        QCOMPARE(run.exitCode, 1);
        const QStringList expected = {
            u"core/Clock.h:4: core/ may not include <thread>: core knows nothing of Qt, threads or wall clocks"_s,
            u"core/Name.cpp:3: core/ may not include <QString> (Qt): core knows nothing of Qt, threads or wall clocks"_s,
            u"simulator/engine/Step.h:3: simulator/engine/ may not include <QObject> (Qt): the engine is plain C++ over core"_s,
            u"simulator/engine/Step.h:4: simulator/engine/ may not include \"simulator/Engine.h\" (simulator/): the engine is plain C++ over core"_s,
            u"ui/Page.cpp:3: ui/ may not include \"simulator/Engine.h\" (simulator/): ui binds only to Source"_s,
            u"ui/Page.cpp:4: ui/ may not include \"../simulator/Engine.h\" (simulator/): ui binds only to Source"_s,
            u"6 include(s) break the layer rules of "_s + planted(u"planted/rules.md"_s),
        };
        QCOMPARE(run.out.trimmed().split(u'\n'), expected);
    }

    void passesACleanTree() {
        const Run run = layerCheck(planted(u"clean/rules.md"_s), planted(u"clean"_s));
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.startsWith(u"layers: every include follows"_s), qPrintable(run.out));
    }

    void refusesBrokenRules_data() {
        QTest::addColumn<QString>("rules");
        QTest::addColumn<QString>("error");
        QTest::newRow("no block") << u"# nothing here\n"_s << u"no ```layers block with rules"_s;
        QTest::newRow("no reason") << u"```layers\ncore core\n```\n"_s
                                   << u":2: layers: rule for 'core' has no ' -- why'"_s;
        QTest::newRow("bad token")
            << u"```layers\ncore Core -- x\n```\n"_s << u":2: layers: unknown token 'Core'"_s;
        QTest::newRow("twice") << u"```layers\ncore core -- x\ncore core -- y\n```\n"_s
                               << u":3: layers: 'core' has two rules"_s;
    }
    void refusesBrokenRules() {
        QFETCH(QString, rules);
        QFETCH(QString, error);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile f(dir.filePath(u"rules.md"_s));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(rules.toUtf8());
        f.close();
        const Run run = layerCheck(f.fileName(), planted(u"clean"_s));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(error), qPrintable(run.err));
    }

    void namesAMissingFolder() {
        // A rule for a folder the tree lacks is a mistake in the rules, not a pass.
        const Run run = layerCheck(planted(u"planted/rules.md"_s), planted(u"clean"_s));
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains(u"simulator/: the rules name this folder"_s),
                 qPrintable(run.out));
    }
};

QTEST_GUILESS_MAIN(TestLayerCheck)
#include "tst_layercheck.moc"
