// Alert rule files: the shipped default set loads, covers the rollout
// plan's metrics and links a runbook that exists; bad files are refused
// with the file, the field path and why (data-driven).
#include "drills/AlertRuleJson.h"
#include "drills/Runbooks.h"

#include <QTest>

using namespace pulsco;
using namespace Qt::StringLiterals;

class TestAlertRuleJson : public QObject {
    Q_OBJECT private slots : void defaultRulesLoadAndLinkRunbooks() {
        const AlertRulesLoad load = loadDefaultAlertRules();
        QVERIFY2(load.rules, qPrintable(load.error));
        QVERIFY(!load.rules->empty());
        QStringList names;
        for (const AlertRule& r : *load.rules) {
            names.append(r.name);
            QVERIFY2(!r.runbook.isEmpty(), qPrintable(r.name));
            QVERIFY2(runbookExists(r.runbook), qPrintable(r.runbook));
            const QString text = runbookText(r.runbook);
            for (const char* section :
                 {"## What it means", "## How to confirm", "## What to do", "## How to roll back"})
                QVERIFY2(text.contains(QLatin1StringView(section)),
                         qPrintable(r.runbook + u": "_s + QLatin1StringView(section)));
        }
        // The rollout plan's bars and rollback triggers all have a rule.
        for (const char* needed :
             {"api-latency-p95-high", "error-rate-high", "rollback-error-rate",
              "rollback-response-time", "conservation-failed", "queue-wait-p95-high",
              "matcher-stalled", "region-unreachable", "uptime-below-slo"})
            QVERIFY2(names.contains(QLatin1StringView(needed)), needed);
    }

    void roundTrips() {
        const AlertRulesLoad load = loadDefaultAlertRules();
        QVERIFY(load.rules);
        const AlertRulesLoad again = parseAlertRules(alertRulesToJson(*load.rules), u"x"_s);
        QVERIFY2(again.rules, qPrintable(again.error));
        QVERIFY(!load.rules->empty());
        QCOMPARE(again.rules->size(), load.rules->size());
        for (std::size_t i = 0; i < load.rules->size(); ++i) {
            QCOMPARE((*again.rules)[i].name, (*load.rules)[i].name);
            QCOMPARE((*again.rules)[i].conditionText(), (*load.rules)[i].conditionText());
            QCOMPARE((*again.rules)[i].forSeconds, (*load.rules)[i].forSeconds);
            QCOMPARE((*again.rules)[i].keepFiringForSeconds, (*load.rules)[i].keepFiringForSeconds);
            QCOMPARE((*again.rules)[i].runbook, (*load.rules)[i].runbook);
        }
    }

    // keep_firing_for_s is optional: format-1 files written before it load
    // with the default hold; a given one is kept, 0 included (no hold).
    void keepFiringForIsOptional_data() {
        QTest::addColumn<QByteArray>("extra");
        QTest::addColumn<double>("hold");
        QTest::addRow("absent: default") << QByteArray() << kDefaultKeepFiringForSeconds;
        QTest::addRow("zero") << QByteArray(R"(,"keep_firing_for_s":0)") << 0.0;
        QTest::addRow("fraction") << QByteArray(R"(,"keep_firing_for_s":2.5)") << 2.5;
        QTest::addRow("a day") << QByteArray(R"(,"keep_firing_for_s":86400)") << 86400.0;
    }
    void keepFiringForIsOptional() {
        QFETCH(QByteArray, extra);
        QFETCH(double, hold);
        const QByteArray json =
            R"({"format":1,"rules":[{"name":"r1","expr":"rate(errors) > 5%","for_s":10,)"
            R"("severity":"critical","summary":"s")" +
            extra + "}]}";
        const AlertRulesLoad load = parseAlertRules(json, u"mine.json"_s);
        QVERIFY2(load.rules, qPrintable(load.error));
        QCOMPARE(load.rules->at(0).keepFiringForSeconds, hold);
        QCOMPARE(load.rules->at(0).forSeconds, 10.0);
        const AlertRulesLoad again = parseAlertRules(alertRulesToJson(*load.rules), u"x"_s);
        QVERIFY2(again.rules, qPrintable(again.error));
        QCOMPARE(again.rules->at(0).keepFiringForSeconds, hold);
    }

    void badFilesAreRefused_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        const QByteArray rule =
            R"({"name":"r1","expr":"rate(errors) > 5%","severity":"critical","summary":"s")";
        auto file = [&](const QByteArray& extra) -> QByteArray {
            return QByteArray(R"({"format":1,"rules":[)") + rule + extra + "}]}";
        };
        QTest::addRow("not json") << QByteArray("{") << u"mine.json: invalid JSON"_s;
        QTest::addRow("format") << QByteArray(R"({"format":2,"rules":[]})")
                                << u"mine.json: format: must be an integer"_s;
        QTest::addRow("rules missing") << QByteArray(R"({"format":1})") << u"mine.json: rules: "_s;
        QTest::addRow("unknown field")
            << file(R"(,"colour":"red")") << u"mine.json: rules[0].colour: "_s;
        QTest::addRow("bad expression")
            << QByteArray(
                   R"({"format":1,"rules":[{"name":"r1","expr":"p(95)(api_latency) > 1","severity":"warning","summary":"s"}]})")
            << u"mine.json: rules[0].expr: at "_s;
        QTest::addRow("not a condition")
            << QByteArray(
                   R"J({"format":1,"rules":[{"name":"r1","expr":"rate(errors)","severity":"warning","summary":"s"}]})J")
            << u"mine.json: rules[0].expr: must be a condition"_s;
        QTest::addRow("expr and check")
            << file(R"(,"check":"matcher_stalled")") << u"mine.json: rules[0].expr: give either"_s;
        QTest::addRow("neither expr nor check")
            << QByteArray(
                   R"({"format":1,"rules":[{"name":"r1","severity":"warning","summary":"s"}]})")
            << u"mine.json: rules[0].expr: required"_s;
        QTest::addRow("unknown check")
            << QByteArray(
                   R"({"format":1,"rules":[{"name":"r1","check":"vibes","severity":"warning","summary":"s"}]})")
            << u"mine.json: rules[0].check: "_s;
        QTest::addRow("severity")
            << QByteArray(
                   R"({"format":1,"rules":[{"name":"r1","expr":"uptime < 99%","severity":"loud","summary":"s"}]})")
            << u"mine.json: rules[0].severity: "_s;
        QTest::addRow("negative for") << file(R"(,"for_s":-1)") << u"mine.json: rules[0].for_s: "_s;
        QTest::addRow("negative hold")
            << file(R"(,"keep_firing_for_s":-5)")
            << u"mine.json: rules[0].keep_firing_for_s: must be a number from 0 to 86400 (got -5)"_s;
        QTest::addRow("hold as text")
            << file(R"(,"keep_firing_for_s":"60s")")
            << u"mine.json: rules[0].keep_firing_for_s: must be a number from 0 to 86400 (got "_s;
        QTest::addRow("hold over a day")
            << file(R"(,"keep_firing_for_s":86401)")
            << u"mine.json: rules[0].keep_firing_for_s: must be a number from 0 to 86400"_s;
        QTest::addRow("hold misspelt")
            << file(R"(,"keep_firing_for":60)") << u"mine.json: rules[0].keep_firing_for: "_s;
        QTest::addRow("bad name")
            << QByteArray(
                   R"({"format":1,"rules":[{"name":"Big Name","expr":"uptime < 99%","severity":"info","summary":"s"}]})")
            << u"mine.json: rules[0].name: "_s;
        QTest::addRow("duplicate name")
            << QByteArray(QByteArray(R"({"format":1,"rules":[)") + rule + "}," + rule + "}]}")
            << u"mine.json: rules[1].name: duplicate"_s;
        QTest::addRow("runbook path")
            << file(R"(,"runbook":"../etc/passwd")") << u"mine.json: rules[0].runbook: "_s;
        QTest::addRow("empty summary")
            << QByteArray(
                   R"({"format":1,"rules":[{"name":"r1","expr":"uptime < 99%","severity":"info","summary":" "}]})")
            << u"mine.json: rules[0].summary: must not be empty"_s;
    }
    void badFilesAreRefused() {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        const AlertRulesLoad load = parseAlertRules(json, u"mine.json"_s);
        QVERIFY(!load.rules);
        QVERIFY2(load.error.startsWith(error), qPrintable(load.error));
    }
};

QTEST_GUILESS_MAIN(TestAlertRuleJson)
#include "tst_alertrulejson.moc"
