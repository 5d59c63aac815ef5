// Drill files: every shipped drill loads against the real context (shipped
// scenarios, default rules, regions) and round-trips through the writer the
// editor uses; bad files are refused with their field named (data-driven).
#include "DrillFixture.h"
#include "drills/Runbooks.h"

#include <QJsonDocument>
#include <QTest>

using namespace pulsco;
using namespace pulsco::test;
using namespace Qt::StringLiterals;

namespace {

QJsonObject validDrill() {
    return QJsonDocument::fromJson(R"({
      "format": 1, "name": "mine", "title": "My drill", "scenario": "baseline-1000",
      "briefing": "You are on call.",
      "faults": [{"kind": "latency", "at_s": 60, "target": "green", "latency_ms": 300}],
      "expected": {"alerts": ["api-latency-p95-high"], "actions": [{"action": "rollback"}],
                   "response": "Roll back green."}
    })")
        .object();
}

}  // namespace

class TestDrillJson : public QObject {
    Q_OBJECT
private slots:
    void shippedDrillsLoadAndRoundTrip() {
        const QStringList paths = shippedDrillPaths();
        QVERIFY(paths.size() >= 6);
        for (const QString& path : paths) {
            const DrillLoad load = loadDrillFile(path, realDrillContext());
            QVERIFY2(load.drill, qPrintable(load.error));
            const DrillScript& d = *load.drill;
            QCOMPARE(path.section(u'/', -1), d.name + u".json"_s);
            QVERIFY2(runbookExists(d.runbook), qPrintable(d.runbook));
            QVERIFY(!d.trainerNotes.isEmpty());
            QCOMPARE(d.mttdTargetSeconds, 300.0);
            QCOMPARE(d.mttrTargetSeconds, 900.0);
            const DrillLoad again = parseDrill(drillToJson(d), u"copy.json"_s, realDrillContext());
            QVERIFY2(again.drill, qPrintable(again.error));
            QCOMPARE(drillToJson(*again.drill), drillToJson(d));
            QCOMPARE(again.drill->faults, d.faults);
        }
    }

    void minimalDrillTakesDefaults() {
        const DrillLoad load =
            parseDrill(QJsonDocument(validDrill()).toJson(), u"mine.json"_s, realDrillContext());
        QVERIFY2(load.drill, qPrintable(load.error));
        QCOMPARE(load.drill->mttdTargetSeconds, 300.0);
        QCOMPARE(load.drill->mttrTargetSeconds, 900.0);
        QCOMPARE(load.drill->timeLimitSeconds, 1800.0);
        QVERIFY(!load.drill->greenWeight);
    }

    void badDrillsAreRefused_data() {
        QTest::addColumn<QString>("pointer");   // "a.b.0.c" path to change
        QTest::addColumn<QJsonValue>("value");  // undefined = remove the field
        QTest::addColumn<QString>("error");
        auto row = [](const char* name, const QString& pointer, const QJsonValue& value,
                      const QString& error) {
            QTest::addRow("%s", name) << pointer << value << error;
        };
        const QJsonValue remove(QJsonValue::Undefined);
        row("format", u"format"_s, 2, u"mine.json: format: "_s);
        row("name missing", u"name"_s, remove, u"mine.json: name: "_s);
        row("name pattern", u"name"_s, u"My Drill"_s, u"mine.json: name: "_s);
        row("unknown field", u"colour"_s, u"red"_s, u"mine.json: colour: "_s);
        row("unknown scenario", u"scenario"_s, u"nope"_s,
            u"mine.json: scenario: unknown scenario"_s);
        row("inline scenario invalid", u"scenario"_s,
            QJsonObject{{u"format"_s, 1}, {u"name"_s, u"x"_s}, {u"duration_s"_s, -5}},
            u"mine.json: scenario."_s);
        row("briefing empty", u"briefing"_s, u" "_s, u"mine.json: briefing: must not be empty"_s);
        row("no faults", u"faults"_s, QJsonArray{}, u"mine.json: faults: must list"_s);
        row("fault kind", u"faults.0.kind"_s, u"meteor"_s, u"mine.json: faults[0].kind: "_s);
        row("fault share", u"faults.0.share"_s, 2, u"mine.json: faults[0].share: "_s);
        row("fault after limit", u"faults.0.at_s"_s, 5000, u"mine.json: faults[0]: at_s"_s);
        row("fault region", u"faults.0"_s,
            QJsonObject{{u"kind"_s, u"region_outage"_s}, {u"region"_s, u"moon"_s}},
            u"mine.json: faults[0].region: unknown region"_s);
        row("expected missing", u"expected"_s, remove, u"mine.json: expected: "_s);
        row("unknown alert", u"expected.alerts.0"_s, u"vibes"_s,
            u"mine.json: expected.alerts[0]: unknown alert rule"_s);
        row("no alerts", u"expected.alerts"_s, QJsonArray{},
            u"mine.json: expected.alerts: must name"_s);
        row("action kind", u"expected.actions.0.action"_s, u"panic"_s,
            u"mine.json: expected.actions[0].action: "_s);
        row("note is no remedy", u"expected.actions.0.action"_s, u"note"_s,
            u"mine.json: expected.actions[0]: must be a remediation"_s);
        row("drain target", u"expected.actions.0"_s, QJsonObject{{u"action"_s, u"drain"_s}},
            u"mine.json: expected.actions[0].target: "_s);
        row("shed region", u"expected.actions.0"_s,
            QJsonObject{{u"action"_s, u"shed_region"_s}, {u"region"_s, u"moon"_s}},
            u"mine.json: expected.actions[0].region: unknown region"_s);
        row("wrong is right", u"wrong_actions"_s,
            QJsonArray{QJsonObject{{u"action"_s, u"rollback"_s}, {u"cost"_s, u"x"_s}}},
            u"mine.json: wrong_actions[0].action: rollback is listed as a correct action"_s);
        row("wrong without cost", u"wrong_actions"_s,
            QJsonArray{QJsonObject{{u"action"_s, u"scale_out"_s}}},
            u"mine.json: wrong_actions[0].cost: "_s);
        row("targets", u"targets"_s, QJsonObject{{u"mttd_s"_s, 0}},
            u"mine.json: targets.mttd_s: "_s);
        row("green weight", u"setup"_s, QJsonObject{{u"green_weight"_s, 150}},
            u"mine.json: setup.green_weight: "_s);
        row("runbook", u"runbook"_s, u"notes.txt"_s, u"mine.json: runbook: "_s);
    }
    void badDrillsAreRefused() {
        QFETCH(QString, pointer);
        QFETCH(QJsonValue, value);
        QFETCH(QString, error);
        // Replace the value at `pointer` (dot-separated keys / indexes).
        std::function<QJsonValue(QJsonValue, QStringList)> set = [&](QJsonValue at,
                                                                     QStringList path) {
            const QString key = path.takeFirst();
            if (at.isArray()) {
                QJsonArray a = at.toArray();
                const int i = key.toInt();
                a[i] = path.isEmpty() ? value : set(a[i], path);
                return QJsonValue(a);
            }
            QJsonObject o = at.toObject();
            if (path.isEmpty() && value.isUndefined())
                o.remove(key);
            else
                o[key] = path.isEmpty() ? value : set(o[key], path);
            return QJsonValue(o);
        };
        const QJsonObject drill = set(validDrill(), pointer.split(u'.')).toObject();
        const DrillLoad load =
            parseDrill(QJsonDocument(drill).toJson(), u"mine.json"_s, realDrillContext());
        QVERIFY(!load.drill);
        QVERIFY2(load.error.startsWith(error), qPrintable(load.error));
    }
};

QTEST_GUILESS_MAIN(TestDrillJson)
#include "tst_drilljson.moc"
