#include "rollout/AnalysisImport.h"

#include "bridge/JsonReader.h"
#include "bridge/PromqlTerms.h"
#include "rollout/CanarySamples.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <map>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// ---- Kayenta ---------------------------------------------------------------

// A Kayenta metric is named by its query's metricName: one of the judge's
// own metric names, or the pulsco-matchd histogram it is built from.
std::optional<QString> judgedMetricOf(const QString& metricName) {
    if (canaryMetricNames().contains(metricName))
        return metricName;
    static const QHash<QString, QString> kPrometheusNames{
        {u"pulsco_http_request_duration_seconds"_s, u"api_latency_ms"_s},
        {u"pulsco_ticket_wait_seconds"_s, u"ticket_wait_s"_s},
        {u"pulsco_match_quality"_s, u"match_quality"_s},
    };
    if (const auto it = kPrometheusNames.constFind(metricName); it != kPrometheusNames.cend())
        return *it;
    return std::nullopt;
}

// A field that may be present but must say nothing: "", null, [] or {}.
bool saysNothing(const QJsonValue& v) {
    return v.isNull() || v.isUndefined() || (v.isString() && v.toString().trimmed().isEmpty()) ||
           (v.isArray() && v.toArray().isEmpty()) || (v.isObject() && v.toObject().isEmpty());
}

void refuseIfSaid(JsonObjectReader& o, QStringView key, const QString& why) {
    if (!o.has(key))
        return;
    if (saysNothing(o.raw().value(key)))
        o.allow(key);
    else
        o.fail(key, why);
}

struct KayentaMetric {
    CanaryMetric metric;
    QString group;
};

std::optional<KayentaMetric> readKayentaMetric(JsonObjectReader m, QStringList* notes) {
    KayentaMetric out;
    m.string(u"name", 256);  // the reader's label; the judge's name comes from the query
    JsonObjectReader q = m.object(u"query");
    if (!m.ok())
        return std::nullopt;
    q.oneOf(u"type", {u"prometheus"_s});
    q.optionalOneOf(u"serviceType", {u"prometheus"_s}, u"prometheus"_s);
    const QString selects = u"selects series of a metric source; the judge compares each colour's "
                            "whole histogram, as pulsco-matchd exports it"_s;
    refuseIfSaid(q, u"customInlineTemplate",
                 u"a free PromQL query: the judge reads its own histograms, so name the metric "
                 "with metricName"_s);
    refuseIfSaid(q, u"customFilterTemplate", selects);
    refuseIfSaid(q, u"customFilter", selects);
    refuseIfSaid(q, u"labelBindings", selects);
    refuseIfSaid(q, u"groupByFields", selects);
    if (q.has(u"resourceType")) {
        q.allow(u"resourceType");
        notes->append(q.fieldPath(u"resourceType") +
                      u": not used: blue and green are told apart by pulsco_info's color"_s);
    }
    const QString metricName = q.string(u"metricName", 256);
    if (!q.ok())
        return std::nullopt;
    const std::optional<QString> judged = judgedMetricOf(metricName);
    if (!judged) {
        q.fail(u"metricName",
               u"'%1' is not a metric the judge reads: use one of %2, or "
               "pulsco_http_request_duration_seconds, pulsco_ticket_wait_seconds, "
               "pulsco_match_quality"_s.arg(metricName, canaryMetricNames().join(u", "_s)));
        return std::nullopt;
    }
    q.finish();
    out.metric = *canaryMetricDefaults(*judged);

    JsonArrayReader groups = m.array(u"groups", 16);
    if (m.ok() && groups.size() != 1) {
        m.fail(u"groups", u"must name exactly one group (its weight is shared by its metrics)"_s);
        return std::nullopt;
    }
    out.group = groups.string(0, 256);
    m.optionalOneOf(u"scopeName", {u"default"_s}, u"default"_s);

    JsonObjectReader analysis = m.object(u"analysisConfigurations");
    if (!m.ok())
        return std::nullopt;
    JsonObjectReader c = analysis.object(u"canary");
    if (!analysis.ok())
        return std::nullopt;
    const QString direction = c.oneOf(u"direction", {u"increase"_s, u"decrease"_s, u"either"_s});
    out.metric.direction = direction == u"decrease"_s ? CanaryDirection::DecreaseIsBad
                           : direction == u"either"_s ? CanaryDirection::EitherIsBad
                                                      : CanaryDirection::IncreaseIsBad;
    if (c.has(u"nanStrategy")) {
        c.oneOf(u"nanStrategy", {u"remove"_s, u"replace"_s});
        notes->append(c.fieldPath(u"nanStrategy") +
                      u": nothing to do: histogram buckets have no NaN (a colour with no "
                      "observations is NoData, as mustHaveData says)"_s);
    }
    out.metric.critical = c.optionalBoolean(u"critical", false);
    out.metric.noData =
        c.optionalBoolean(u"mustHaveData", false) ? CanaryNoData::Fail : CanaryNoData::Ignore;
    // Kayenta's effect sizes are ratios (1.1: fail from +10 %); without one,
    // any significant change fails.
    double allowedIncrease = 1, allowedDecrease = 1;
    bool increaseGiven = false, decreaseGiven = false;
    if (auto effect = c.optionalObject(u"effectSize"); effect && c.ok()) {
        increaseGiven = effect->has(u"allowedIncrease");
        decreaseGiven = effect->has(u"allowedDecrease");
        allowedIncrease = effect->optionalNumber(u"allowedIncrease", 1, 1, 11);  // up to +1000 %
        allowedDecrease = effect->optionalNumber(u"allowedDecrease", 1, 0, 1);
        for (const auto key : {u"criticalIncrease", u"criticalDecrease"})
            if (effect->has(key) && effect->optionalNumber(key, 1) != 1)
                effect->fail(key, u"a second, critical bar: the console's judge has one allowed "
                                  "change per metric (mark the metric critical instead)"_s);
        if (effect->has(u"measure") && effect->optionalString(u"measure", {}) != u"meanRatio"_s &&
            effect->ok())
            effect->fail(u"measure", u"the console measures the change as a ratio to blue's "
                                     "level (meanRatio)"_s);
        effect->finish();
    }
    if (auto outliers = c.optionalObject(u"outliers"); outliers && c.ok()) {
        outliers->optionalOneOf(u"strategy", {u"keep"_s}, u"keep"_s);
        outliers->allow(u"outlierFactor");
        outliers->finish();
    }
    c.finish();
    analysis.finish();
    m.finish();
    if (!m.ok())
        return std::nullopt;
    // 1.1 is +10 %, not +10.000000000000009 %.
    const auto percent = [](double ratioChange) { return std::round(ratioChange * 1e8) / 1e6; };
    const double increasePct = percent(allowedIncrease - 1);
    const double decreasePct = percent(1 - allowedDecrease);
    switch (out.metric.direction) {
    case CanaryDirection::IncreaseIsBad:
        out.metric.allowedChangePct = increasePct;
        break;
    case CanaryDirection::DecreaseIsBad:
        out.metric.allowedChangePct = decreasePct;
        break;
    case CanaryDirection::EitherIsBad:
        if (increaseGiven && decreaseGiven && std::fabs(increasePct - decreasePct) > 1e-9) {
            m.fail(
                u"analysisConfigurations",
                u"canary.effectSize: allowedIncrease %1 and allowedDecrease %2 are different "
                "allowances; the console's judge has one for both directions"_s.arg(allowedIncrease)
                    .arg(allowedDecrease));
            return std::nullopt;
        }
        out.metric.allowedChangePct = decreaseGiven ? decreasePct : increasePct;
        break;
    }
    return out;
}

// ---- Argo Rollouts -----------------------------------------------------------

QString scalar(const YAML::Node& node) {
    return QString::fromStdString(node.as<std::string>());
}

// The measurement's condition on `result` (a Prometheus query gives a
// vector: result[0] is its one value).
struct ResultComparison {
    QString op;
    double bar = 0;
};

std::optional<ResultComparison> resultComparison(const QString& text) {
    static const QRegularExpression shape(
        uR"(^\s*result(?:\[0\])?\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:[eE]-?\d+)?)\s*$)"_s);
    const QRegularExpressionMatch m = shape.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    return ResultComparison{m.captured(1), m.captured(2).toDouble()};
}

QString negated(const QString& op) {
    static const QHash<QString, QString> kNot{{u"<"_s, u">="_s},  {u"<="_s, u">"_s},
                                              {u">"_s, u"<="_s},  {u">="_s, u"<"_s},
                                              {u"=="_s, u"!="_s}, {u"!="_s, u"=="_s}};
    return kNot.value(op);
}

}  // namespace

AnalysisImport importKayentaCanaryConfig(const QByteArray& json, const QString& sourceName,
                                         double intervalSeconds, int count) {
    AnalysisImport out;
    JsonReader reader(sourceName);
    std::optional<JsonObjectReader> root = reader.parseObject(json);
    if (!root) {
        out.error = reader.error();
        return out;
    }
    JsonObjectReader& r = *root;
    // What names and files the config in Kayenta's store.
    for (const auto key :
         {u"id", u"name", u"description", u"configVersion", u"applications", u"createdTimestamp",
          u"updatedTimestamp", u"createdTimestampIso", u"updatedTimestampIso", u"isNew"})
        r.allow(key);
    if (auto judge = r.optionalObject(u"judge"); judge && r.ok()) {
        judge->oneOf(u"name", {u"NetflixACAJudge-v1.0"_s});
        refuseIfSaid(*judge, u"judgeConfigurations",
                     u"the console's judge takes no judge configurations"_s);
        judge->finish();
    }
    refuseIfSaid(r, u"templates",
                 u"filter templates select series of a metric source; the judge compares each "
                 "colour's whole histogram"_s);

    CanaryJudgeSpec spec;
    std::map<QString, double> groupWeights;
    JsonObjectReader classifier = r.object(u"classifier");
    if (r.ok()) {
        JsonObjectReader weights = classifier.object(u"groupWeights");
        for (const QString& group : weights.keys())
            groupWeights[group] = weights.number(group, 0, 1000);
        weights.finish();
        if (auto thresholds = classifier.optionalObject(u"scoreThresholds");
            thresholds && classifier.ok()) {
            spec.bars.pass = thresholds->optionalNumber(u"pass", 95, 0, 100);
            spec.bars.marginal = thresholds->optionalNumber(u"marginal", 75, 0, 100);
            if (thresholds->ok() && spec.bars.marginal > spec.bars.pass)
                thresholds->fail(u"marginal", u"must not be above pass"_s);
            thresholds->finish();
        }
        classifier.finish();
    }

    std::vector<KayentaMetric> read;
    JsonArrayReader metrics = r.array(u"metrics", 50);
    for (qsizetype i = 0; i < metrics.size() && r.ok(); ++i) {
        const std::optional<KayentaMetric> metric =
            readKayentaMetric(metrics.object(i), &out.notes);
        if (!metric)
            break;
        for (const KayentaMetric& earlier : read)
            if (earlier.metric.name == metric->metric.name)
                metrics.fail(i, u"judges %1 a second time"_s.arg(
                                    QString::fromStdString(metric->metric.name)));
        if (r.ok() && !groupWeights.contains(metric->group))
            metrics.fail(
                i, u"group '%1' has no weight in classifier.groupWeights"_s.arg(metric->group));
        read.push_back(*metric);
    }
    if (r.ok() && read.empty())
        r.fail(u"metrics", u"must list at least one metric"_s);
    r.finish();
    if (!reader.ok()) {
        out.error = reader.error();
        out.notes.clear();
        return out;
    }
    // A group's weight is shared by its metrics: Kayenta scores a group by
    // the share of its metrics that pass.
    std::map<QString, int> perGroup;
    for (const KayentaMetric& m : read)
        ++perGroup[m.group];
    for (const auto& [group, weight] : groupWeights)
        if (!perGroup.contains(group))
            out.notes.append(
                u"classifier.groupWeights.%1: no metric is in this group"_s.arg(group));
    for (KayentaMetric& m : read) {
        m.metric.weight = groupWeights[m.group] / perGroup[m.group];
        spec.metrics.push_back(m.metric);
    }
    TrafficStep step;
    step.kind = TrafficStep::Kind::Analysis;
    step.analysis.judge = std::move(spec);
    step.analysis.intervalSeconds = intervalSeconds;
    step.analysis.count = count;
    out.step = std::move(step);
    return out;
}

AnalysisImport importArgoAnalysisTemplate(const QByteArray& yaml, const QString& sourceName) {
    AnalysisImport out;
    const auto fail = [&](const QString& where, const QString& why) {
        out.error = sourceName + u": "_s + where + u": "_s + why;
        out.notes.clear();
        out.step.reset();
        return out;
    };
    if (const QString deep = yamlNestingProblem(yaml, u"an AnalysisTemplate"_s); !deep.isEmpty())
        return fail(u"top level"_s, deep);
    YAML::Node root;
    try {
        root = YAML::Load(yaml.toStdString());
    } catch (const YAML::Exception& e) {
        return fail(u"line %1"_s.arg(e.mark.line + 1),
                    u"not YAML: "_s + QString::fromStdString(e.msg));
    }
    const auto unknownKey = [](const YAML::Node& map, const QStringList& known) -> QString {
        for (auto it = map.begin(); it != map.end(); ++it) {
            const QString key = QString::fromStdString(it->first.as<std::string>());
            if (!known.contains(key))
                return key;
        }
        return {};
    };
    try {
        if (!root.IsMap())
            return fail(u"top level"_s, u"must be a map (apiVersion, kind, metadata, spec)"_s);
        if (const QString key =
                unknownKey(root, {u"apiVersion"_s, u"kind"_s, u"metadata"_s, u"spec"_s});
            !key.isEmpty())
            return fail(key, u"unknown field"_s);
        if (!root["apiVersion"] || !scalar(root["apiVersion"]).startsWith(u"argoproj.io/"_s))
            return fail(u"apiVersion"_s, u"must be argoproj.io/v1alpha1 (Argo Rollouts)"_s);
        const QString kind = root["kind"] ? scalar(root["kind"]) : QString();
        if (kind != u"AnalysisTemplate"_s && kind != u"ClusterAnalysisTemplate"_s)
            return fail(u"kind"_s, u"must be AnalysisTemplate or ClusterAnalysisTemplate (got "
                                   "'%1')"_s.arg(kind));
        const YAML::Node spec = root["spec"];
        if (!spec || !spec.IsMap())
            return fail(u"spec"_s, u"required: a map with metrics"_s);
        if (const QString key = unknownKey(spec, {u"metrics"_s, u"args"_s}); !key.isEmpty())
            return fail(u"spec."_s + key, u"not something the console's analysis step has"_s);
        if (spec["args"])
            out.notes.append(u"spec.args: not used: queries must not refer to them"_s);
        const YAML::Node metrics = spec["metrics"];
        if (!metrics || !metrics.IsSequence() || metrics.size() == 0)
            return fail(u"spec.metrics"_s, u"required: at least one metric"_s);
        if (metrics.size() > 100)
            return fail(u"spec.metrics"_s, u"more than 100 metrics"_s);

        TrafficStep step;
        step.kind = TrafficStep::Kind::Analysis;
        for (std::size_t i = 0; i < metrics.size(); ++i) {
            const YAML::Node metric = metrics[i];
            QString path = u"spec.metrics[%1]"_s.arg(i);
            if (!metric.IsMap() || !metric["name"])
                return fail(path + u".name"_s, u"required: the metric's name"_s);
            path += u" ("_s + scalar(metric["name"]) + u')';
            if (const QString key =
                    unknownKey(metric, {u"name"_s, u"interval"_s, u"count"_s, u"failureLimit"_s,
                                        u"inconclusiveLimit"_s, u"successCondition"_s,
                                        u"failureCondition"_s, u"provider"_s});
                !key.isEmpty())
                return fail(path + u'.' + key,
                            key == u"initialDelay"_s
                                ? u"the console measures from the step's start: put a pause "
                                  "step before the analysis"_s
                            : key == u"consecutiveErrorLimit"_s
                                ? u"the console has no failed queries to count: a source that "
                                  "stops answering is stale, and the step waits"_s
                                : u"not something the console's analysis step has"_s);
            // How often and how long: one cadence for the whole step.
            if (!metric["count"])
                return fail(path + u".count"_s, u"required: the console's step ends after "
                                                "count measurements"_s);
            const int count = metric["count"].as<int>();
            if (count < 1 || count > 10000)
                return fail(path + u".count"_s, u"must be from 1 to 10000"_s);
            double interval = 30;
            if (metric["interval"]) {
                const auto seconds = prometheusDurationSeconds(scalar(metric["interval"]));
                if (!seconds || *seconds < 1 || *seconds > 86400)
                    return fail(path + u".interval"_s,
                                u"'%1': a duration from 1s to 24h (30s, 1m, 5m)"_s.arg(
                                    scalar(metric["interval"])));
                interval = *seconds;
            } else if (count > 1) {
                return fail(path + u".interval"_s,
                            u"required when count is more than 1 (as in Argo Rollouts)"_s);
            }
            const int failureLimit = metric["failureLimit"] ? metric["failureLimit"].as<int>() : 0;
            if (failureLimit < 0 || failureLimit > 10000)
                return fail(path + u".failureLimit"_s, u"must be from 0 to 10000"_s);
            if (metric["inconclusiveLimit"] && metric["inconclusiveLimit"].as<int>() != 0)
                return fail(path + u".inconclusiveLimit"_s,
                            u"a gate is met or not: the console has no inconclusive "
                            "measurement to allow"_s);
            if (i == 0) {
                step.analysis.intervalSeconds = interval;
                step.analysis.count = count;
                step.analysis.failureLimit = failureLimit;
            } else if (interval != step.analysis.intervalSeconds || count != step.analysis.count ||
                       failureLimit != step.analysis.failureLimit) {
                return fail(path, u"interval %1 s, count %2, failureLimit %3 differ from "
                                  "spec.metrics[0]'s (%4 s, %5, %6): the console measures every "
                                  "gate of a step together"_s.arg(interval)
                                      .arg(count)
                                      .arg(failureLimit)
                                      .arg(step.analysis.intervalSeconds)
                                      .arg(step.analysis.count)
                                      .arg(step.analysis.failureLimit));
            }
            // What is measured: a Prometheus query the console reads.
            const YAML::Node provider = metric["provider"];
            if (!provider || !provider.IsMap() || !provider["prometheus"])
                return fail(path + u".provider"_s,
                            u"required: provider.prometheus (the console reads Prometheus' "
                            "terms; other providers do not map)"_s);
            if (const QString key = unknownKey(provider, {u"prometheus"_s}); !key.isEmpty())
                return fail(path + u".provider."_s + key,
                            u"only the Prometheus provider maps onto the console's gates"_s);
            const YAML::Node prometheus = provider["prometheus"];
            if (const QString key = unknownKey(prometheus, {u"address"_s, u"query"_s});
                !key.isEmpty())
                return fail(path + u".provider.prometheus."_s + key,
                            u"not used by the console, which reads the source it watches "
                            "(address and query only)"_s);
            if (prometheus["address"])
                out.notes.append(path + u".provider.prometheus.address: not used: the console "
                                        "reads the source it watches (--prometheus for a "
                                        "Prometheus)"_s);
            if (!prometheus["query"])
                return fail(path + u".provider.prometheus.query"_s, u"required"_s);
            const QString query = scalar(prometheus["query"]);
            if (query.contains(u"{{"_s))
                return fail(path + u".provider.prometheus.query"_s,
                            u"uses a template argument ({{…}}): write the query as the PromQL "
                            "term itself"_s);
            // Pass or fail: one comparison of the query's value.
            const bool success = bool(metric["successCondition"]);
            if (success == bool(metric["failureCondition"]))
                return fail(path, u"needs exactly one of successCondition or failureCondition "
                                  "(a gate is one condition)"_s);
            const QString conditionKey = success ? u"successCondition"_s : u"failureCondition"_s;
            const QString conditionText = scalar(metric[conditionKey.toStdString()]);
            const std::optional<ResultComparison> comparison = resultComparison(conditionText);
            if (!comparison)
                return fail(path + u'.' + conditionKey,
                            u"'%1': the console reads one comparison of result (or result[0]) "
                            "with a number"_s.arg(conditionText));
            const QString op = success ? comparison->op : negated(comparison->op);
            const PromqlCondition gate = consoleConditionOfPromql(query, op, comparison->bar);
            if (!gate.error.isEmpty())
                return fail(path + u".provider.prometheus.query"_s, gate.error);
            ExpressionError error;
            auto parsed = MetricExpression::parse(gate.condition.toStdString(), &error);
            if (!parsed)
                return fail(path, QString::fromStdString(error.describe()));
            step.analysis.gates.push_back(std::move(*parsed));
        }
        out.step = std::move(step);
    } catch (const YAML::Exception& e) {
        return fail(u"line %1"_s.arg(e.mark.line + 1), QString::fromStdString(e.msg));
    }
    return out;
}

AnalysisImport importAnalysisFile(const QString& path, double kayentaIntervalSeconds,
                                  int kayentaCount) {
    AnalysisImport out;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != u"json"_s && suffix != u"yaml"_s && suffix != u"yml"_s) {
        out.error = path + u": not a Kayenta canary config (.json) or an Argo Rollouts "
                           "AnalysisTemplate (.yaml, .yml)"_s;
        return out;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        out.error = path + u": "_s + file.errorString();
        return out;
    }
    constexpr qint64 kMaxBytes = 1024 * 1024;
    if (file.size() > kMaxBytes) {
        out.error = path + u": %1 bytes; an analysis file is at most 1 MiB"_s.arg(file.size());
        return out;
    }
    const QByteArray bytes = file.read(kMaxBytes + 1);
    if (suffix == u"json"_s)
        return importKayentaCanaryConfig(bytes, path, kayentaIntervalSeconds, kayentaCount);
    return importArgoAnalysisTemplate(bytes, path);
}

}  // namespace pulsco
