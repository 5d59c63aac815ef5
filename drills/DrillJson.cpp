#include "drills/DrillJson.h"

#include "bridge/FaultSpecJson.h"
#include "bridge/JsonReader.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

constexpr double kMaxSeconds = 7 * 86400;

DrillAction readAction(JsonObjectReader& o, const DrillContext& context) {
    DrillAction a;
    const QString kind = o.oneOf(u"action", drillActionKindNames());
    if (!o.ok())
        return a;
    a.kind = drillActionKindFromString(kind).value_or(DrillActionKind::Note);
    if (a.kind == DrillActionKind::Drain)
        a.target = o.oneOf(u"target", {u"blue"_s, u"green"_s});
    if (a.kind == DrillActionKind::ShedRegion) {
        a.region = o.string(u"region", 64);
        if (o.ok() && !context.regions.isEmpty() && !context.regions.contains(a.region))
            o.fail(u"region", u"unknown region \"%1\" (known: %2)"_s.arg(
                                  a.region, context.regions.join(u", "_s)));
    }
    return a;
}

void readExpected(JsonObjectReader o, DrillScript& d, const DrillContext& context) {
    o.allow(u"$comment");
    JsonArrayReader alerts = o.array(u"alerts", 50);
    if (o.ok() && alerts.size() == 0)
        o.fail(u"alerts", u"must name at least one alert rule"_s);
    for (qsizetype i = 0; o.ok() && i < alerts.size(); ++i) {
        const QString name = alerts.string(i, 64);
        if (o.ok() && !context.alerts.isEmpty() && !context.alerts.contains(name))
            alerts.fail(i, u"unknown alert rule \"%1\""_s.arg(name));
        d.expectedAlerts.append(name);
    }
    JsonArrayReader actions = o.array(u"actions", 50);
    if (o.ok() && actions.size() == 0)
        o.fail(u"actions", u"must list at least one correct remediation"_s);
    for (qsizetype i = 0; o.ok() && i < actions.size(); ++i) {
        JsonObjectReader item = actions.object(i);
        DrillAction a = readAction(item, context);
        item.finish();
        if (o.ok() && !isRemediation(a.kind))
            actions.fail(i, u"must be a remediation (%1 changes nothing in the service)"_s.arg(
                                toString(a.kind)));
        d.correctActions.push_back(a);
    }
    d.escalationExpected = o.optionalBoolean(u"escalate", false);
    if (o.ok() && o.has(u"healthy_when")) {
        const QString text = o.string(u"healthy_when", 2000);
        ExpressionError error;
        d.healthyWhen = MetricExpression::parse(text.toStdString(), &error);
        if (o.ok() && !d.healthyWhen)
            o.fail(u"healthy_when", QString::fromStdString(error.describe()));
        else if (o.ok() && !d.healthyWhen->isComparison())
            o.fail(u"healthy_when", u"must be a condition (a comparison)"_s);
    }
    d.expectedResponse = o.string(u"response", 2000);
    o.finish();
}

}  // namespace

DrillLoad parseDrill(const QByteArray& json, const QString& sourceName,
                     const DrillContext& context) {
    static const QRegularExpression namePattern(u"^[a-z0-9][a-z0-9-]{0,63}$"_s);
    DrillLoad load;
    JsonReader reader(sourceName);
    std::optional<JsonObjectReader> root = reader.parseObject(json);
    if (!root) {
        load.error = reader.error();
        return load;
    }
    JsonObjectReader& r = *root;
    DrillScript d;
    d.sourceName = sourceName;
    r.allow(u"$comment");
    r.integer(u"format", kDrillFormat, kDrillFormat);
    d.name = r.string(u"name", 64);
    if (r.ok() && !namePattern.match(d.name).hasMatch())
        r.fail(u"name", u"must be 1 to 64 lowercase letters, digits or '-'"_s);
    d.title = r.string(u"title", 200);
    if (r.ok() && d.title.trimmed().isEmpty())
        r.fail(u"title", u"must not be empty"_s);

    if (r.ok()) {
        const QJsonValue scenario = r.raw().value(u"scenario");
        if (scenario.isObject()) {
            d.inlineScenario = scenario.toObject();
            r.allow(u"scenario");
            if (context.checkScenario) {
                const QString why = context.checkScenario(d.inlineScenario);
                if (!why.isEmpty())
                    reader.fail(r.fieldPath(u"scenario") + u'.' + why.section(u": "_s, 0, 0),
                                why.section(u": "_s, 1));
            }
        } else {
            d.scenario = r.string(u"scenario", 200);
            if (r.ok() && !context.scenarios.isEmpty() && !context.scenarios.contains(d.scenario))
                r.fail(u"scenario",
                       u"unknown scenario \"%1\" (shipped: %2; or give a whole "
                       "scenario object)"_s.arg(d.scenario, context.scenarios.join(u", "_s)));
        }
    }
    if (std::optional<JsonObjectReader> setup = r.optionalObject(u"setup")) {
        if (setup->has(u"green_weight")) {
            const double weight = setup->number(u"green_weight", 0, 100);
            if (r.ok() && weight != std::floor(weight))
                setup->fail(u"green_weight", u"must be a whole percentage from 0 to 100"_s);
            d.greenWeight = static_cast<int>(weight);
        }
        setup->finish();
    }
    d.briefing = r.string(u"briefing", 4000);
    if (r.ok() && d.briefing.trimmed().isEmpty())
        r.fail(u"briefing", u"must not be empty: trainees need to know where they stand"_s);
    d.trainerNotes = r.optionalString(u"trainer_notes", {}, 4000);

    d.timeLimitSeconds = r.optionalNumber(u"time_limit_s", 1800, 60, kMaxSeconds);
    JsonArrayReader faults = r.array(u"faults", 100);
    if (r.ok() && faults.size() == 0)
        r.fail(u"faults", u"must list at least one fault"_s);
    for (qsizetype i = 0; r.ok() && i < faults.size(); ++i) {
        FaultSpec f = readFaultSpec(faults.object(i));
        if (!r.ok())
            break;
        if (f.atSeconds >= d.timeLimitSeconds) {
            faults.fail(i, u"at_s %1 is not before time_limit_s %2"_s.arg(
                               QString::number(f.atSeconds), QString::number(d.timeLimitSeconds)));
            break;
        }
        if (f.kind == FaultKind::RegionOutage && !context.regions.isEmpty() &&
            !context.regions.contains(QString::fromStdString(f.region))) {
            reader.fail(faults.elementPath(i) + u".region"_s,
                        u"unknown region \"%1\""_s.arg(QString::fromStdString(f.region)));
            break;
        }
        d.faults.push_back(f);
    }
    if (r.ok()) {
        JsonObjectReader expected = r.object(u"expected");
        if (r.ok())
            readExpected(expected, d, context);
    }
    if (std::optional<JsonArrayReader> wrong = r.optionalArray(u"wrong_actions", 50)) {
        for (qsizetype i = 0; r.ok() && i < wrong->size(); ++i) {
            JsonObjectReader item = wrong->object(i);
            DrillWrongAction w;
            w.action = readAction(item, context);
            w.cost = item.string(u"cost", 500);
            item.finish();
            if (r.ok() && d.isCorrect(w.action)) {
                reader.fail(wrong->elementPath(i) + u".action"_s,
                            u"%1 is listed as a correct action too"_s.arg(w.action.describe()));
                break;
            }
            d.wrongActions.push_back(w);
        }
    }
    if (std::optional<JsonObjectReader> targets = r.optionalObject(u"targets")) {
        d.mttdTargetSeconds = targets->optionalNumber(u"mttd_s", 300, 1, kMaxSeconds);
        d.mttrTargetSeconds = targets->optionalNumber(u"mttr_s", 900, 1, kMaxSeconds);
        targets->finish();
    }
    d.runbook = r.optionalString(u"runbook", {}, 300);
    if (r.ok() && !d.runbook.isEmpty() &&
        (!d.runbook.endsWith(u".md"_s) || d.runbook.contains(u".."_s)))
        r.fail(u"runbook", u"must be a relative path to a Markdown file"_s);
    r.finish();
    if (!reader.ok()) {
        load.error = reader.error();
        return load;
    }
    load.drill = std::move(d);
    return load;
}

DrillLoad loadDrillFile(const QString& pathOrResource, const DrillContext& context) {
    DrillLoad load;
    const std::optional<QByteArray> bytes =
        readFileForParsing(pathOrResource, kMaxDrillBytes, &load.error);
    if (!bytes)
        return load;
    return parseDrill(*bytes, pathOrResource, context);
}

namespace {

QJsonObject actionToJson(const DrillAction& a) {
    QJsonObject o;
    o.insert(u"action"_s, toString(a.kind));
    if (a.kind == DrillActionKind::Drain)
        o.insert(u"target"_s, a.target);
    if (a.kind == DrillActionKind::ShedRegion)
        o.insert(u"region"_s, a.region);
    return o;
}

}  // namespace

QByteArray drillToJson(const DrillScript& d) {
    QJsonObject root;
    root.insert(u"format"_s, kDrillFormat);
    root.insert(u"name"_s, d.name);
    root.insert(u"title"_s, d.title);
    if (!d.inlineScenario.isEmpty())
        root.insert(u"scenario"_s, d.inlineScenario);
    else
        root.insert(u"scenario"_s, d.scenario);
    if (d.greenWeight) {
        QJsonObject setup;
        setup.insert(u"green_weight"_s, *d.greenWeight);
        root.insert(u"setup"_s, setup);
    }
    root.insert(u"briefing"_s, d.briefing);
    if (!d.trainerNotes.isEmpty())
        root.insert(u"trainer_notes"_s, d.trainerNotes);
    QJsonArray faults;
    for (const FaultSpec& f : d.faults)
        faults.append(faultSpecToJsonObject(f));
    root.insert(u"faults"_s, faults);
    QJsonObject expected;
    expected.insert(u"alerts"_s, QJsonArray::fromStringList(d.expectedAlerts));
    QJsonArray actions;
    for (const DrillAction& a : d.correctActions)
        actions.append(actionToJson(a));
    expected.insert(u"actions"_s, actions);
    if (d.escalationExpected)
        expected.insert(u"escalate"_s, true);
    if (d.healthyWhen)
        expected.insert(u"healthy_when"_s, QString::fromStdString(d.healthyWhen->text()));
    expected.insert(u"response"_s, d.expectedResponse);
    root.insert(u"expected"_s, expected);
    if (!d.wrongActions.empty()) {
        QJsonArray wrong;
        for (const DrillWrongAction& w : d.wrongActions) {
            QJsonObject o = actionToJson(w.action);
            o.insert(u"cost"_s, w.cost);
            wrong.append(o);
        }
        root.insert(u"wrong_actions"_s, wrong);
    }
    QJsonObject targets;
    targets.insert(u"mttd_s"_s, d.mttdTargetSeconds);
    targets.insert(u"mttr_s"_s, d.mttrTargetSeconds);
    root.insert(u"targets"_s, targets);
    root.insert(u"time_limit_s"_s, d.timeLimitSeconds);
    if (!d.runbook.isEmpty())
        root.insert(u"runbook"_s, d.runbook);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QStringList shippedDrillPaths() {
    QStringList paths;
    const QDir dir(u":/pulsco/drills"_s);
    for (const QString& file : dir.entryList({u"*.json"_s}, QDir::Files, QDir::Name))
        paths.append(dir.filePath(file));
    return paths;
}

}  // namespace pulsco
