// The shipped plan against the seed it was made from, and the loader's
// refusals (field path and why; nothing half-loaded).
#include "support/PlanGates.h"

#include "rollout/RolloutPlanJson.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include <functional>
#include <map>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

struct SeedCheckbox {
    QString phaseHeading;    // "## ..." above it
    QString sectionHeading;  // "#### ..." (or "### Phase N Success Criteria")
    QString text;
};

QStringList seedLines() {
    QFile f(QStringLiteral(PULSCO_SOURCE_DIR "/tests/data/pulsco-rollout-plan.md"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("seed copy missing");
    return QString::fromUtf8(f.readAll()).split(u'\n');
}

std::vector<SeedCheckbox> seedCheckboxes() {
    std::vector<SeedCheckbox> out;
    QString h2, h3, h4;
    static const QRegularExpression box(u"^- \\[ \\] (.+)$"_s);
    for (const QString& line : seedLines()) {
        if (line.startsWith(u"## "_s)) {
            h2 = line.mid(3).trimmed();
            h3.clear();
            h4.clear();
        } else if (line.startsWith(u"### "_s)) {
            h3 = line.mid(4).trimmed();
            h4.clear();
        } else if (line.startsWith(u"#### "_s)) {
            h4 = line.mid(5).trimmed();
        } else if (const auto m = box.match(line); m.hasMatch()) {
            out.push_back({h2, h4.isEmpty() ? h3 : h4, m.captured(1)});
        }
    }
    return out;
}

QByteArray shippedBytes() {
    QFile f(QStringLiteral(PULSCO_SOURCE_DIR "/resources/rollout/pulsco-rollout.json"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("shipped plan missing");
    return f.readAll();
}

// Every string anywhere in a JSON value, for "is this seed text in the file".
void collectStrings(const QJsonValue& v, QStringList& out) {
    if (v.isString())
        out << v.toString();
    else if (v.isArray())
        for (const QJsonValue& e : v.toArray())
            collectStrings(e, out);
    else if (v.isObject())
        for (const QJsonValue& e : v.toObject())
            collectStrings(e, out);
}

QJsonObject shippedObject() {
    return QJsonDocument::fromJson(shippedBytes()).object();
}

// Edits a JSON value at a dotted path such as "phases.0.periods.1.title".
void setAt(QJsonObject& root, const QStringList& path, const QJsonValue& value, bool remove) {
    std::function<QJsonValue(QJsonValue, int)> edit = [&](QJsonValue node,
                                                          int depth) -> QJsonValue {
        const QString key = path[depth];
        const bool last = depth == path.size() - 1;
        if (node.isArray()) {
            QJsonArray a = node.toArray();
            const int i = key.toInt();
            if (last) {
                if (remove)
                    a.removeAt(i);
                else
                    a[i] = value;
            } else {
                a[i] = edit(a[i], depth + 1);
            }
            return a;
        }
        QJsonObject o = node.toObject();
        if (last) {
            if (remove)
                o.remove(key);
            else
                o[key] = value;
        } else {
            o[key] = edit(o[key], depth + 1);
        }
        return o;
    };
    root = edit(root, 0).toObject();
}

}  // namespace

class TestRolloutPlan : public QObject {
    Q_OBJECT
private slots:
    void shippedPlanLoadsFromResources() {
        const RolloutPlanLoad load = loadRolloutPlanFile(kShippedPlanPath);
        QVERIFY2(load.plan, qPrintable(load.error));
        QCOMPARE(load.plan->itemCount(), 113);
        QCOMPARE(load.plan->phases.size(), std::size_t(4));
        QVERIFY(load.plan->gatedItemCount() >= 10);
    }

    void everySeedCheckboxIsInThePlanInOrder() {
        const auto seed = seedCheckboxes();
        QCOMPARE(seed.size(), std::size_t(113));
        const RolloutPlanLoad load = parseRolloutPlan(shippedBytes(), u"pulsco-rollout.json"_s);
        QVERIFY2(load.plan, qPrintable(load.error));
        // The seed lists every phase's success criteria first, then the phases.
        struct Located {
            QString heading, text;
        };
        std::vector<Located> fromPlan;
        for (const PlanPhase& p : load.plan->phases)
            for (const PlanItem& i : p.successCriteria.items)
                fromPlan.push_back({p.successCriteria.title, i.text});
        for (const PlanPhase& p : load.plan->phases)
            for (const PlanSection& s : p.sections)
                for (const PlanItem& i : s.items)
                    fromPlan.push_back({s.title, i.text});
        QCOMPARE(fromPlan.size(), seed.size());
        for (std::size_t k = 0; k < seed.size(); ++k) {
            QCOMPARE(fromPlan[k].text, seed[k].text);
            QCOMPARE(fromPlan[k].heading, seed[k].sectionHeading);
        }
    }

    void phasesAndPeriodsMatchTheSeedHeadings() {
        const RolloutPlanLoad load = parseRolloutPlan(shippedBytes(), u"plan"_s);
        QVERIFY(load.plan);
        QStringList h2, h3;
        for (const QString& line : seedLines()) {
            if (line.startsWith(u"## Phase "_s))
                h2 << line.mid(3);
        }
        QCOMPARE(h2.size(), 4);
        for (int i = 0; i < 4; ++i) {
            const PlanPhase& p = load.plan->phases[std::size_t(i)];
            QCOMPARE(u"Phase %1: %2 (%3)"_s.arg(p.number).arg(p.title, p.span), h2[i]);
        }
        QStringList periods;
        for (const PlanPhase& p : load.plan->phases)
            for (const PlanSection& s : p.sections)
                if (periods.isEmpty() || periods.last() != s.period)
                    periods << s.period;
        for (const QString& line : seedLines())
            if (line.startsWith(u"### Week"_s) || line.startsWith(u"### Day"_s))
                h3 << line.mid(4);
        QCOMPARE(periods, h3);
    }

    // Success metrics, rollback plan, risks, communication, contacts: every
    // "- **Label**: text" line of the seed is in the file, label and text.
    void everyLabelledSeedLineIsInThePlan() {
        QStringList strings;
        collectStrings(shippedObject(), strings);
        static const QRegularExpression labelled(u"^- \\*\\*(.+?)\\*\\*: (.+)$"_s);
        int n = 0;
        for (const QString& line : seedLines()) {
            const auto m = labelled.match(line);
            if (!m.hasMatch())
                continue;
            ++n;
            QVERIFY2(strings.contains(m.captured(2)), qPrintable(line));
            const QString label = m.captured(1);
            QVERIFY2(strings.contains(label) || strings.contains(label.toLower()) ||
                         label == u"Mitigation"_s || label == u"Contingency"_s,
                     qPrintable(line));
        }
        QCOMPARE(n, 48);
        // Timeline rows and the overview.
        int rows = 0;
        for (const QString& line : seedLines()) {
            if (!line.startsWith(u"| "_s) || line.startsWith(u"| Phase"_s) ||
                line.startsWith(u"| -"_s))
                continue;
            ++rows;
            const QStringList cells = line.split(u'|', Qt::SkipEmptyParts);
            QCOMPARE(cells.size(), 4);  // phase, duration, activities, criteria
            for (const QString& cell : cells)
                QVERIFY2(strings.contains(cell.trimmed()), qPrintable(cell));
        }
        QCOMPARE(rows, 4);  // the seed's timeline: four phases
        const RolloutPlanLoad load = parseRolloutPlan(shippedBytes(), u"plan"_s);
        QCOMPARE(load.plan->timeline.size(), std::size_t(4));
        QVERIFY(load.plan->overview.startsWith(u"This document outlines"_s));
        QCOMPARE(load.plan->rollbackTriggers.size(), std::size_t(3));
        QCOMPARE(load.plan->contacts.size(), std::size_t(3));
    }

    void gatesOfTheBrief_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expression");
        QTest::addRow("p95") << u"Performance benchmarks met (P95 < 150ms)"_s
                             << u"p(95)(api_latency_ms) < 150"_s;
        QTest::addRow("load") << u"Load testing (500-1000 concurrent users)"_s
                              << u"max(concurrent_players) >= 1000"_s;
        QTest::addRow("uptime") << u"99.9% uptime maintained for 7 days"_s << u"uptime >= 99.9%"_s;
        QTest::addRow("integrity") << u"Database integrity validation"_s << u"integrity == ok"_s;
        QTest::addRow("weight ten")
            << u"Traffic switching (0% → 10%)"_s
            << u"green.requested_weight >= 10 and green.traffic_weight >= 8"_s;
    }
    void gatesOfTheBrief() {
        QFETCH(QString, text);
        QFETCH(QString, expression);
        const RolloutPlanLoad load = parseRolloutPlan(shippedBytes(), u"plan"_s);
        QVERIFY(load.plan);
        const PlanItem* found = nullptr;
        for (const PlanItem* i : load.plan->items())
            if (i->text == text)
                found = i;
        QVERIFY(found);
        QVERIFY(found->gated());
        QCOMPARE(found->gate->text, expression);
        if (text.startsWith(u"99.9%"_s))
            QCOMPARE(found->gate->holdSeconds, 7 * 86400.0);
    }

    // A format-1 plan loads, migrated: the shipped plan written as format 1
    // (no environments, no minimum samples) becomes the shipped format-2
    // plan, because the shipped plan follows the migration's own rules.
    void formatOnePlanIsMigrated() {
        QJsonObject root = shippedObject();
        root[u"format"_s] = 1;
        root[u"phases"_s] = pulsco::test::editPlanGates(root[u"phases"_s], [](QJsonObject& gate) {
            gate.remove(u"environments"_s);
            gate.remove(u"min_sample"_s);
        });
        const RolloutPlanLoad old = parseRolloutPlan(QJsonDocument(root).toJson(), u"old.json"_s);
        QVERIFY2(old.plan, qPrintable(old.error));
        QCOMPARE(old.plan->migratedFromFormat, 1);
        const RolloutPlanLoad shipped = parseRolloutPlan(shippedBytes(), u"plan"_s);
        QVERIFY(shipped.plan);
        QCOMPARE(shipped.plan->migratedFromFormat, 0);
        int gated = 0;
        for (const PlanItem* item : shipped.plan->items()) {
            if (!item->gated())
                continue;
            ++gated;
            const PlanItem* migrated = old.plan->findItem(item->id);
            QVERIFY(migrated && migrated->gated());
            QCOMPARE(migrated->gate->environmentsText(), item->gate->environmentsText());
            QCOMPARE(migrated->gate->minSample.has_value(), item->gate->minSample.has_value());
            if (item->gate->minSample)
                QCOMPARE(migrated->gate->minSample->text(), item->gate->minSample->text());
        }
        QCOMPARE(gated, shipped.plan->gatedItemCount());
        // A format-1 file may not carry format-2 fields.
        QJsonObject mixed = root;
        setAt(mixed, u"phases.0.success_criteria.3.gate.environments"_s.split(u'.'),
              QJsonArray{u"staging"_s}, false);
        const RolloutPlanLoad refused =
            parseRolloutPlan(QJsonDocument(mixed).toJson(), u"old.json"_s);
        QVERIFY(!refused.plan);
        QVERIFY2(refused.error.contains(u"gate.environments: unknown field"_s),
                 qPrintable(refused.error));
    }

    void shippedGatesCountWhereThePlanSays_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("environments");
        QTest::addColumn<QString>("minSample");
        QTest::addRow("phase 1 p95") << u"Performance benchmarks met (P95 < 150ms)"_s
                                     << u"staging"_s << u"requests >= 100"_s;
        QTest::addRow("phase 2 load")
            << u"Load testing completed (1000 concurrent users)"_s << u"staging"_s << QString();
        // Time, not traffic: its window (the 7-day hold) needs 7 days of
        // server history instead (GateTracker).
        QTest::addRow("uptime") << u"99.9% uptime maintained for 7 days"_s << u"production"_s
                                << QString();
        QTest::addRow("green") << u"Monitoring and validation"_s << u"production"_s
                               << u"green.requests >= 100"_s;
        QTest::addRow("tick") << u"Query performance tuning"_s << u"production"_s
                              << u"tickets_created >= 100"_s;
        QTest::addRow("integrity")
            << u"Database integrity validation"_s << u"production"_s << u"tickets_created >= 100"_s;
    }
    void shippedGatesCountWhereThePlanSays() {
        QFETCH(QString, text);
        QFETCH(QString, environments);
        QFETCH(QString, minSample);
        const RolloutPlanLoad load = parseRolloutPlan(shippedBytes(), u"plan"_s);
        QVERIFY(load.plan);
        const PlanItem* found = nullptr;
        for (const PlanItem* i : load.plan->items())
            if (i->text == text && i->gated())
                found = i;
        QVERIFY2(found, qPrintable(text));
        QCOMPARE(found->gate->environmentsText(), environments);
        QCOMPARE(found->gate->minSample ? QString::fromStdString(found->gate->minSample->text())
                                        : QString(),
                 minSample);
    }

    void blueGreenStepsAreTheDay2Steps() {
        const RolloutPlanLoad load = parseRolloutPlan(shippedBytes(), u"plan"_s);
        QVERIFY(load.plan);
        QList<int> weights;
        int analyses = 0;
        for (const TrafficStep& s : load.plan->steps) {
            if (s.kind == TrafficStep::Kind::SetWeight)
                weights << s.weight;
            analyses += s.kind == TrafficStep::Kind::Analysis;
        }
        QCOMPARE(weights, (QList<int>{10, 50, 100}));
        QCOMPARE(analyses, 2);
        QCOMPARE(load.plan->blueGreenSection, u"p3.blue-green-deployment"_s);
        // Round trip of the step list (it is stored with each rollout).
        QString error;
        const auto again = trafficStepsFromJson(
            QJsonDocument(trafficStepsToJson(load.plan->steps)).toJson(), u"steps.json"_s, &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->size(), load.plan->steps.size());
        QCOMPARE(QJsonDocument(trafficStepsToJson(*again)).toJson(),
                 QJsonDocument(trafficStepsToJson(load.plan->steps)).toJson());
    }

    void badFilesAreRefusedWithTheFieldPath_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("json");  // "" with remove = true removes the field
        QTest::addColumn<bool>("remove");
        QTest::addColumn<QString>("expected");
        QTest::addRow("format") << u"format"_s << u"3"_s << false
                                << u"plan.json: format: must be an integer from 1 to 2"_s;
        QTest::addRow("rehearsal environment")
            << u"phases.0.success_criteria.3.gate.environments"_s << u"[\"rehearsal\"]"_s << false
            << u"phases[0].success_criteria[3].gate.environments[0]: must be \"staging\" or "
               u"\"production\" (got \"rehearsal\"); a rehearsal never ticks an item"_s;
        QTest::addRow("no environment")
            << u"phases.0.success_criteria.3.gate.environments"_s << u"[]"_s << false
            << u"gate.environments: must name at least one of \"staging\", \"production\""_s;
        QTest::addRow("environments missing")
            << u"phases.0.success_criteria.3.gate.environments"_s << QString() << true
            << u"phases[0].success_criteria[3].gate.environments: "_s;
        QTest::addRow("environment twice")
            << u"phases.0.success_criteria.3.gate.environments"_s << u"[\"staging\", \"staging\"]"_s
            << false << u"gate.environments[1]: \"staging\" is listed twice"_s;
        QTest::addRow("min_sample missing")
            << u"phases.0.success_criteria.3.gate.min_sample"_s << QString() << true
            << u"phases[0].success_criteria[3].gate.min_sample: is required: the gate reads a "
               u"percentile or a rate"_s;
        QTest::addRow("min_sample not a comparison")
            << u"phases.0.success_criteria.3.gate.min_sample"_s << u"\"requests\""_s << false
            << u"gate.min_sample: must be a comparison"_s;
        QTest::addRow("min_sample bad metric")
            << u"phases.0.success_criteria.3.gate.min_sample"_s << u"\"reqs >= 5\""_s << false
            << u"gate.min_sample: at 0: unknown metric 'reqs'"_s;
        QTest::addRow("no phases") << u"phases"_s << QString() << true << u"plan.json: phases: "_s;
        QTest::addRow("bad gate")
            << u"phases.0.success_criteria.3.gate.expression"_s << u"\"p(95)(api_latency) < 150\""_s
            << false
            << u"plan.json: phases[0].success_criteria[3].gate.expression: at 6: unknown metric 'api_latency'"_s;
        QTest::addRow("gate not a condition")
            << u"phases.0.success_criteria.3.gate.expression"_s << u"\"p(95)(api_latency_ms)\""_s
            << false << u"phases[0].success_criteria[3].gate.expression: must be a comparison"_s;
        QTest::addRow("negative hold") << u"phases.0.success_criteria.3.gate.hold_s"_s << u"-1"_s
                                       << false << u"gate.hold_s: must be a number from 0"_s;
        QTest::addRow("duplicate id") << u"phases.0.success_criteria.1.id"_s
                                      << u"\"p1.criteria.all-unit-tests-pass-95-coverage\""_s
                                      << false << u"success_criteria[1].id: \"p1.criteria"_s;
        QTest::addRow("empty text")
            << u"phases.1.periods.0.sections.0.items.0.text"_s << u"\"  \""_s << false
            << u"phases[1].periods[0].sections[0].items[0].text: must not be empty"_s;
        QTest::addRow("unknown field") << u"phases.0.colour"_s << u"\"red\""_s << false
                                       << u"phases[0].colour: unknown field"_s;
        QTest::addRow("weight 150")
            << u"blue_green.steps.0.set_weight"_s << u"150"_s << false
            << u"blue_green.steps[0].set_weight: must be an integer from 0 to 100"_s;
        QTest::addRow("unknown step") << u"blue_green.steps.1"_s << u"{\"wait\": 3}"_s << false
                                      << u"blue_green.steps[1].wait: unknown step"_s;
        QTest::addRow("analysis gate")
            << u"blue_green.steps.2.analysis.gates.0"_s << u"\"rate(green.errors) <\""_s << false
            << u"blue_green.steps[2].analysis.gates[0]: at "_s;
        QTest::addRow("trigger") << u"rollback_triggers.0.expression"_s << u"\"rate(oops) > 5%\""_s
                                 << false << u"rollback_triggers[0].expression: at "_s;
        QTest::addRow("section ref") << u"blue_green.section"_s << u"\"p9.nowhere\""_s << false
                                     << u"blue_green.section: \"p9.nowhere\" is not the id"_s;
        QTest::addRow("risk field")
            << u"risk_mitigation.0.risks.0.mitigation"_s << u"7"_s << false
            << u"risk_mitigation[0].risks[0].mitigation: must be a string"_s;
        QTest::addRow("contact missing") << u"contacts.2.contacts.0.contact"_s << QString() << true
                                         << u"contacts[2].contacts[0].contact: "_s;
    }
    void badFilesAreRefusedWithTheFieldPath() {
        QFETCH(QString, path);
        QFETCH(QString, json);
        QFETCH(bool, remove);
        QFETCH(QString, expected);
        QJsonObject root = shippedObject();
        const QJsonValue value =
            json.isEmpty() ? QJsonValue()
                           : QJsonDocument::fromJson((u"[" + json + u"]").toUtf8()).array().at(0);
        setAt(root, path.split(u'.'), value, remove);
        const RolloutPlanLoad load = parseRolloutPlan(QJsonDocument(root).toJson(), u"plan.json"_s);
        QVERIFY(!load.plan);  // nothing half-loaded
        QVERIFY2(load.error.contains(expected), qPrintable(load.error));
    }

    void badStepListsAreRefused_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::addRow("weight")
            << QByteArray(R"([{"set_weight": 120}])")
            << u"steps.json: steps[0].set_weight: must be an integer from 0 to 100 (got 120)"_s;
        QTest::addRow("empty") << QByteArray("[]")
                               << u"steps.json: steps: must list at least one step"_s;
        QTest::addRow("object") << QByteArray("{}") << u"steps.json: steps: must be a JSON array"_s;
        QTest::addRow("two kinds") << QByteArray(R"([{"set_weight": 1, "pause": {}}])")
                                   << u"steps.json: steps[0]: must have exactly one of"_s;
    }
    void badStepListsAreRefused() {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        QString error;
        QVERIFY(!trafficStepsFromJson(json, u"steps.json"_s, &error));
        QVERIFY2(error.startsWith(expected), qPrintable(error));
    }

    void truncatedFileIsRefused() {
        const RolloutPlanLoad load = parseRolloutPlan(shippedBytes().left(5000), u"cut.json"_s);
        QVERIFY(!load.plan);
        QVERIFY2(load.error.startsWith(u"cut.json: invalid JSON"_s), qPrintable(load.error));
        const RolloutPlanLoad missing = loadRolloutPlanFile(u"/nonexistent/plan.json"_s);
        QVERIFY(!missing.plan);
        QVERIFY(missing.error.startsWith(u"/nonexistent/plan.json: "_s));
    }
};

QTEST_GUILESS_MAIN(TestRolloutPlan)
#include "tst_rolloutplan.moc"
