#include "rollout/RolloutPlanJson.h"

#include "rollout/CanarySamples.h"

#include "rollout/GateSample.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

constexpr qsizetype kMaxText = 4096;

std::optional<MetricExpression> parseExpressionAt(JsonReader& reader, const QString& path,
                                                  const QString& text) {
    ExpressionError error;
    auto parsed = MetricExpression::parse(text.toStdString(), &error);
    if (!parsed) {
        reader.fail(path, QString::fromStdString(error.describe()));
        return std::nullopt;
    }
    return parsed;
}

// Ids are the audit trail's keys: they must be unique and stay readable.
void checkId(JsonObjectReader& object, const QString& id, QSet<QString>& seen) {
    if (!object.ok())
        return;
    static const QString allowed = u"abcdefghijklmnopqrstuvwxyz0123456789.-_"_s;
    for (QChar c : id) {
        if (!allowed.contains(c)) {
            object.fail(u"id", u"must use only a-z, 0-9, '.', '-' and '_' (got \"%1\")"_s.arg(id));
            return;
        }
    }
    if (id.isEmpty()) {
        object.fail(u"id", u"must not be empty"_s);
        return;
    }
    if (seen.contains(id)) {
        object.fail(u"id", u"\"%1\" is used twice; ids must be unique"_s.arg(id));
        return;
    }
    seen.insert(id);
}

// What an item is read in: the file's format and the phase it belongs to
// (a format-1 gate's environments come from its phase).
struct ItemContext {
    qint64 format = RolloutPlan::kFormat;
    int phase = 0;
    QSet<QString>* ids = nullptr;
};

// Format 1 had no environments: phases 1-2 (validation, readiness) are
// staging work, later phases production. Written down in docs/rollout.md.
std::vector<DeploymentEnvironment> migratedEnvironments(int phase) {
    return {phase <= 2 ? DeploymentEnvironment::Staging : DeploymentEnvironment::Production};
}

std::vector<DeploymentEnvironment> readEnvironments(JsonObjectReader& gate) {
    std::vector<DeploymentEnvironment> out;
    JsonArrayReader list = gate.array(u"environments", 2);
    for (qsizetype i = 0; i < list.size() && gate.ok(); ++i) {
        const QString name = list.string(i, 32);
        const auto e = deploymentEnvironmentFromString(name.toStdString());
        if (gate.ok() && (!e || *e == DeploymentEnvironment::Rehearsal)) {
            list.fail(i, u"must be \"staging\" or \"production\" (got \"%1\"); a rehearsal "
                         u"never ticks an item"_s.arg(name));
        } else if (gate.ok() && std::find(out.begin(), out.end(), *e) != out.end()) {
            list.fail(i, u"\"%1\" is listed twice"_s.arg(name));
        } else if (e) {
            out.push_back(*e);
        }
    }
    if (gate.ok() && out.empty())
        gate.fail(u"environments", u"must name at least one of \"staging\", \"production\""_s);
    return out;
}

PlanItem readItem(JsonObjectReader o, const ItemContext& context) {
    PlanItem item;
    item.id = o.string(u"id", 200);
    checkId(o, item.id, *context.ids);
    item.text = o.string(u"text", kMaxText);
    if (o.ok() && item.text.trimmed().isEmpty())
        o.fail(u"text", u"must not be empty"_s);
    if (auto gate = o.optionalObject(u"gate")) {
        const QString text = gate->string(u"expression", kMaxText);
        const double hold = gate->optionalNumber(u"hold_s", 0, 0, 365.0 * 86400);
        std::optional<MetricExpression> parsed;
        if (gate->ok())
            parsed = parseExpressionAt(gate->reader(), gate->fieldPath(u"expression"), text);
        if (parsed && !parsed->isComparison())
            gate->fail(u"expression",
                       u"must be a comparison or a condition, e.g. p(95)(api_latency_ms) < 150"_s);
        std::vector<DeploymentEnvironment> environments;
        std::optional<MetricExpression> minSample;
        if (context.format >= 2) {
            environments = readEnvironments(*gate);
            const QString sample = gate->optionalString(u"min_sample", {}, kMaxText);
            if (gate->ok() && !sample.isEmpty()) {
                minSample =
                    parseExpressionAt(gate->reader(), gate->fieldPath(u"min_sample"), sample);
                if (minSample && !minSample->isComparison())
                    gate->fail(u"min_sample",
                               u"must be a comparison, e.g. green.requests >= 1000"_s);
            }
            if (gate->ok() && parsed && !minSample && needsMinimumSample(*parsed))
                gate->fail(u"min_sample",
                           u"is required: the gate reads a percentile or a rate, which means "
                           u"nothing on a handful of requests (e.g. \"%1\")"_s.arg(
                               defaultMinimumSample(*parsed).value_or(u"requests >= 100"_s)));
        } else if (gate->ok() && parsed) {
            environments = migratedEnvironments(context.phase);
            if (const auto sample = defaultMinimumSample(*parsed)) {
                ExpressionError error;
                minSample = MetricExpression::parse(sample->toStdString(), &error);
            }
        }
        gate->finish();
        if (o.ok() && parsed)
            item.gate = PlanGate{text, std::move(*parsed), hold, std::move(environments),
                                 std::move(minSample)};
    }
    o.finish();
    return item;
}

PlanSection readSection(JsonObjectReader o, const QString& period, const ItemContext& context,
                        QSet<QString>& sectionIds) {
    PlanSection s;
    s.id = o.string(u"id", 200);
    checkId(o, s.id, sectionIds);
    s.title = o.string(u"title", kMaxText);
    s.period = period;
    JsonArrayReader items = o.array(u"items", 1000);
    for (qsizetype i = 0; i < items.size() && o.ok(); ++i)
        s.items.push_back(readItem(items.object(i), context));
    if (o.ok() && s.items.empty())
        o.fail(u"items", u"must list at least one item"_s);
    o.finish();
    return s;
}

PlanPhase readPhase(JsonObjectReader o, qint64 format, QSet<QString>& ids,
                    QSet<QString>& sectionIds) {
    PlanPhase p;
    p.id = o.string(u"id", 200);
    checkId(o, p.id, sectionIds);
    p.number = static_cast<int>(o.integer(u"number", 1, 100));
    p.title = o.string(u"title", kMaxText);
    p.span = o.optionalString(u"span", {}, 200);
    const ItemContext context{format, p.number, &ids};
    p.successCriteria.id = p.id + u".criteria"_s;
    p.successCriteria.title = u"Phase %1 Success Criteria"_s.arg(p.number);
    if (auto criteria = o.optionalArray(u"success_criteria", 1000)) {
        for (qsizetype i = 0; i < criteria->size() && o.ok(); ++i)
            p.successCriteria.items.push_back(readItem(criteria->object(i), context));
    }
    JsonArrayReader periods = o.array(u"periods", 100);
    for (qsizetype i = 0; i < periods.size() && o.ok(); ++i) {
        JsonObjectReader period = periods.object(i);
        const QString title = period.string(u"title", kMaxText);
        JsonArrayReader sections = period.array(u"sections", 100);
        for (qsizetype k = 0; k < sections.size() && o.ok(); ++k)
            p.sections.push_back(readSection(sections.object(k), title, context, sectionIds));
        period.finish();
    }
    o.finish();
    return p;
}

std::vector<PlanTextGroup> readTextGroups(JsonObjectReader& o, QStringView key,
                                          QStringView titleKey, QStringView entriesKey,
                                          QStringView labelKey, QStringView textKey) {
    std::vector<PlanTextGroup> groups;
    JsonArrayReader array = o.array(key, 100);
    for (qsizetype i = 0; i < array.size() && o.ok(); ++i) {
        JsonObjectReader g = array.object(i);
        PlanTextGroup group;
        group.title = g.string(titleKey, kMaxText);
        JsonArrayReader entries = g.array(entriesKey, 1000);
        for (qsizetype k = 0; k < entries.size() && o.ok(); ++k) {
            JsonObjectReader e = entries.object(k);
            group.entries.push_back({e.string(labelKey, kMaxText), e.string(textKey, kMaxText)});
            e.finish();
        }
        g.finish();
        groups.push_back(std::move(group));
    }
    return groups;
}

const QStringList kDirections = {u"increase"_s, u"decrease"_s, u"either"_s};
const QStringList kNoData = {u"ignore"_s, u"pass"_s, u"fail"_s};

CanaryJudgeSpec readJudge(JsonObjectReader j) {
    CanaryJudgeSpec judge;
    JsonArrayReader metrics = j.array(u"metrics", 50);
    for (qsizetype i = 0; i < metrics.size() && j.ok(); ++i) {
        JsonObjectReader m = metrics.object(i);
        const QString name = m.oneOf(u"metric", canaryMetricNames());
        auto metric = canaryMetricDefaults(name);
        if (!m.ok() || !metric)
            break;
        for (const CanaryMetric& earlier : judge.metrics)
            if (earlier.name == metric->name)
                m.fail(u"metric", u"is judged twice in this step"_s);
        const QString defaultDirection =
            metric->direction == CanaryDirection::DecreaseIsBad ? u"decrease"_s : u"increase"_s;
        const QString direction = m.optionalOneOf(u"direction", kDirections, defaultDirection);
        metric->direction = direction == u"decrease"_s ? CanaryDirection::DecreaseIsBad
                            : direction == u"either"_s ? CanaryDirection::EitherIsBad
                                                       : CanaryDirection::IncreaseIsBad;
        metric->allowedChangePct = m.optionalNumber(u"allowed_change_pct", 10, 0, 1000);
        metric->minSamples = quint64(m.optionalInteger(u"min_samples", 100, 1, 1000000000));
        const QString noData = m.optionalOneOf(u"no_data", kNoData, u"ignore"_s);
        metric->noData = noData == u"pass"_s   ? CanaryNoData::Pass
                         : noData == u"fail"_s ? CanaryNoData::Fail
                                               : CanaryNoData::Ignore;
        metric->weight = m.optionalNumber(u"weight", 1, 0, 1000);
        metric->critical = m.optionalBoolean(u"critical", false);
        m.finish();
        judge.metrics.push_back(*metric);
    }
    if (j.ok() && judge.metrics.empty())
        j.fail(u"metrics", u"must list at least one metric"_s);
    judge.bars.pass = j.optionalNumber(u"pass_score", 95, 0, 100);
    judge.bars.marginal = j.optionalNumber(u"marginal_score", 75, 0, 100);
    if (j.ok() && judge.bars.marginal > judge.bars.pass)
        j.fail(u"marginal_score", u"must not be above pass_score"_s);
    judge.bars.confidence = j.optionalNumber(u"confidence", 0.95, 0.5, 0.999);
    judge.alpha = j.optionalNumber(u"alpha", 0.05, 0.0001, 0.5);
    j.finish();
    return judge;
}

QJsonObject judgeToJson(const CanaryJudgeSpec& judge) {
    QJsonArray metrics;
    for (const CanaryMetric& m : judge.metrics)
        metrics.append(QJsonObject{
            {u"metric"_s, QString::fromStdString(m.name)},
            {u"direction"_s, m.direction == CanaryDirection::DecreaseIsBad ? u"decrease"_s
                             : m.direction == CanaryDirection::EitherIsBad ? u"either"_s
                                                                           : u"increase"_s},
            {u"allowed_change_pct"_s, m.allowedChangePct},
            {u"min_samples"_s, double(m.minSamples)},
            {u"no_data"_s, m.noData == CanaryNoData::Pass   ? u"pass"_s
                           : m.noData == CanaryNoData::Fail ? u"fail"_s
                                                            : u"ignore"_s},
            {u"weight"_s, m.weight},
            {u"critical"_s, m.critical},
        });
    return {{u"metrics"_s, metrics},
            {u"pass_score"_s, judge.bars.pass},
            {u"marginal_score"_s, judge.bars.marginal},
            {u"confidence"_s, judge.bars.confidence},
            {u"alpha"_s, judge.alpha}};
}

TrafficStep readStep(JsonObjectReader o) {
    TrafficStep step;
    const QStringList keys = o.keys();
    if (keys.size() != 1) {
        o.fail({}, u"must have exactly one of set_weight, pause, analysis"_s);
        return step;
    }
    if (o.has(u"set_weight")) {
        step.kind = TrafficStep::Kind::SetWeight;
        step.weight = static_cast<int>(o.integer(u"set_weight", 0, 100));
    } else if (o.has(u"pause")) {
        step.kind = TrafficStep::Kind::Pause;
        JsonObjectReader p = o.object(u"pause");
        step.pauseSeconds = p.optionalNumber(u"duration_s", 0, 0, 30.0 * 86400);
        p.finish();
    } else if (o.has(u"analysis")) {
        step.kind = TrafficStep::Kind::Analysis;
        JsonObjectReader a = o.object(u"analysis");
        std::optional<JsonArrayReader> gatesArray = a.optionalArray(u"gates", 100);
        JsonArrayReader gates = gatesArray ? *gatesArray : JsonArrayReader(&a.reader(), {}, {});
        for (qsizetype i = 0; i < gates.size() && a.ok(); ++i) {
            const QString text = gates.string(i, kMaxText);
            if (!a.ok())
                break;
            auto parsed = parseExpressionAt(a.reader(), gates.elementPath(i), text);
            if (parsed && !parsed->isComparison())
                gates.fail(i, u"must be a comparison or a condition"_s);
            else if (parsed)
                step.analysis.gates.push_back(std::move(*parsed));
        }
        if (auto judge = a.optionalObject(u"judge"); judge && a.ok())
            step.analysis.judge = readJudge(*judge);
        if (a.ok() && step.analysis.gates.empty() && !step.analysis.judge)
            a.fail(u"gates", u"must list at least one gate, or the step a judge"_s);
        step.analysis.intervalSeconds = a.optionalNumber(u"interval_s", 30, 1, 86400);
        step.analysis.count = static_cast<int>(a.optionalInteger(u"count", 10, 1, 10000));
        step.analysis.failureLimit =
            static_cast<int>(a.optionalInteger(u"failure_limit", 0, 0, 10000));
        a.finish();
    } else {
        o.fail(keys.first(), u"unknown step; use set_weight, pause or analysis"_s);
    }
    o.finish();
    return step;
}

}  // namespace

std::optional<MetricExpression> readExpression(JsonObjectReader& object, QStringView key) {
    const QString text = object.string(key, kMaxText);
    if (!object.ok())
        return std::nullopt;
    return parseExpressionAt(object.reader(), object.fieldPath(key), text);
}

std::vector<TrafficStep> readTrafficSteps(JsonReader& reader, JsonArrayReader array) {
    std::vector<TrafficStep> steps;
    for (qsizetype i = 0; i < array.size() && array.ok(); ++i)
        steps.push_back(readStep(array.object(i)));
    if (array.ok() && steps.empty())
        reader.fail(array.path(), u"must list at least one step"_s);
    return steps;
}

std::optional<std::vector<TrafficStep>>
trafficStepsFromJson(const QByteArray& json, const QString& sourceName, QString* error) {
    JsonReader reader(sourceName);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isArray()) {
        *error = sourceName + u": steps: must be a JSON array"_s;
        return std::nullopt;
    }
    auto steps = readTrafficSteps(reader, JsonArrayReader(&reader, doc.array(), u"steps"_s));
    if (!reader.ok()) {
        *error = reader.error();
        return std::nullopt;
    }
    return steps;
}

QJsonArray trafficStepsToJson(const std::vector<TrafficStep>& steps) {
    QJsonArray array;
    for (const TrafficStep& s : steps) {
        switch (s.kind) {
        case TrafficStep::Kind::SetWeight:
            array.append(QJsonObject{{u"set_weight"_s, s.weight}});
            break;
        case TrafficStep::Kind::Pause:
            array.append(QJsonObject{{u"pause"_s, QJsonObject{{u"duration_s"_s, s.pauseSeconds}}}});
            break;
        case TrafficStep::Kind::Analysis: {
            QJsonArray gates;
            for (const MetricExpression& g : s.analysis.gates)
                gates.append(QString::fromStdString(g.text()));
            QJsonObject analysis{{u"gates"_s, gates},
                                 {u"interval_s"_s, s.analysis.intervalSeconds},
                                 {u"count"_s, s.analysis.count},
                                 {u"failure_limit"_s, s.analysis.failureLimit}};
            if (s.analysis.judge)
                analysis.insert(u"judge"_s, judgeToJson(*s.analysis.judge));
            array.append(QJsonObject{{u"analysis"_s, analysis}});
            break;
        }
        }
    }
    return array;
}

RolloutPlanLoad parseRolloutPlan(const QByteArray& json, const QString& sourceName) {
    RolloutPlanLoad load;
    JsonReader reader(sourceName);
    auto root = reader.parseObject(json);
    if (!root) {
        load.error = reader.error();
        return load;
    }
    JsonObjectReader& o = *root;
    RolloutPlan plan;
    // Format 1 (before environments and minimum samples) is migrated as it
    // is read: see migratedEnvironments() and defaultMinimumSample().
    const qint64 format = o.integer(u"format", 1, RolloutPlan::kFormat);
    if (format < RolloutPlan::kFormat)
        plan.migratedFromFormat = int(format);
    plan.name = o.string(u"name", 200);
    plan.title = o.string(u"title", kMaxText);
    plan.overview = o.optionalString(u"overview", {}, 16384);

    QSet<QString> itemIds, sectionIds;
    JsonArrayReader phases = o.array(u"phases", 100);
    for (qsizetype i = 0; i < phases.size() && o.ok(); ++i)
        plan.phases.push_back(readPhase(phases.object(i), format, itemIds, sectionIds));
    if (o.ok() && plan.phases.empty())
        o.fail(u"phases", u"must list at least one phase"_s);

    JsonArrayReader risks = o.array(u"risk_mitigation", 100);
    for (qsizetype i = 0; i < risks.size() && o.ok(); ++i) {
        JsonObjectReader c = risks.object(i);
        PlanRiskCategory category;
        category.category = c.string(u"category", kMaxText);
        JsonArrayReader list = c.array(u"risks", 1000);
        for (qsizetype k = 0; k < list.size() && o.ok(); ++k) {
            JsonObjectReader r = list.object(k);
            category.risks.push_back({r.string(u"risk", kMaxText),
                                      r.string(u"mitigation", kMaxText),
                                      r.string(u"contingency", kMaxText)});
            r.finish();
        }
        c.finish();
        plan.risks.push_back(std::move(category));
    }
    plan.communication =
        readTextGroups(o, u"communication_plan", u"category", u"channels", u"name", u"text");
    plan.rollbackPlan =
        readTextGroups(o, u"rollback_plan", u"title", u"entries", u"label", u"text");

    JsonArrayReader triggers = o.array(u"rollback_triggers", 100);
    for (qsizetype i = 0; i < triggers.size() && o.ok(); ++i) {
        JsonObjectReader t = triggers.object(i);
        const QString name = t.string(u"name", kMaxText);
        auto expression = readExpression(t, u"expression");
        if (expression && !expression->isComparison())
            t.fail(u"expression", u"must be a comparison or a condition"_s);
        t.finish();
        if (o.ok() && expression)
            plan.rollbackTriggers.push_back({name, std::move(*expression)});
    }
    if (o.ok() && plan.rollbackTriggers.empty())
        o.fail(u"rollback_triggers", u"must list at least one trigger"_s);
    plan.triggerWindowSeconds = o.optionalNumber(u"trigger_window_s", 10, 1, 600);

    JsonArrayReader metrics = o.array(u"success_metrics", 100);
    for (qsizetype i = 0; i < metrics.size() && o.ok(); ++i) {
        JsonObjectReader c = metrics.object(i);
        PlanMetricCategory category;
        category.category = c.string(u"category", kMaxText);
        JsonArrayReader list = c.array(u"metrics", 1000);
        for (qsizetype k = 0; k < list.size() && o.ok(); ++k) {
            JsonObjectReader m = list.object(k);
            PlanMetric metric;
            metric.name = m.string(u"name", kMaxText);
            metric.target = m.string(u"target", kMaxText);
            if (m.has(u"expression"))
                metric.expression = readExpression(m, u"expression");
            m.finish();
            category.metrics.push_back(std::move(metric));
        }
        c.finish();
        plan.successMetrics.push_back(std::move(category));
    }

    JsonArrayReader timeline = o.array(u"timeline", 100);
    for (qsizetype i = 0; i < timeline.size() && o.ok(); ++i) {
        JsonObjectReader r = timeline.object(i);
        plan.timeline.push_back({r.string(u"phase", kMaxText), r.string(u"duration", kMaxText),
                                 r.string(u"key_activities", kMaxText),
                                 r.string(u"success_criteria", kMaxText)});
        r.finish();
    }
    plan.contacts = readTextGroups(o, u"contacts", u"category", u"contacts", u"role", u"contact");

    JsonObjectReader blueGreen = o.object(u"blue_green");
    plan.blueGreenSection = blueGreen.string(u"section", 200);
    if (blueGreen.ok() && !sectionIds.contains(plan.blueGreenSection))
        blueGreen.fail(u"section", u"\"%1\" is not the id of a section of this plan"_s.arg(
                                       plan.blueGreenSection));
    plan.steps = readTrafficSteps(reader, blueGreen.array(u"steps", 100));
    blueGreen.finish();
    o.finish();

    if (!reader.ok()) {
        load.error = reader.error();
        return load;
    }
    load.plan = std::move(plan);
    return load;
}

RolloutPlanLoad loadRolloutPlanFile(const QString& pathOrResource) {
    RolloutPlanLoad load;
    const auto bytes = readFileForParsing(pathOrResource, kMaxPlanBytes, &load.error);
    if (!bytes)
        return load;
    return parseRolloutPlan(*bytes, pathOrResource);
}

}  // namespace pulsco
