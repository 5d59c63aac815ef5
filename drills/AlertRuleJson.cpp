#include "drills/AlertRuleJson.h"

#include "bridge/JsonReader.h"
#include "drills/PrometheusRules.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

constexpr double kMaxForSeconds = 86400;

// Parses an expression field; records "<path>: at N: <why>" on failure.
std::optional<MetricExpression> readExpression(JsonObjectReader& o, QStringView key,
                                               bool mustCompare) {
    const QString text = o.string(key, 2000);
    if (!o.ok())
        return std::nullopt;
    ExpressionError error;
    std::optional<MetricExpression> e = MetricExpression::parse(text.toStdString(), &error);
    if (!e) {
        o.fail(key, QString::fromStdString(error.describe()));
        return std::nullopt;
    }
    if (mustCompare && !e->isComparison()) {
        o.fail(key, u"must be a condition (a comparison such as p(95)(api_latency_ms) > 150)"_s);
        return std::nullopt;
    }
    return e;
}

AlertRule readRule(JsonObjectReader o) {
    static const QRegularExpression namePattern(u"^[a-z0-9][a-z0-9-]{0,63}$"_s);
    AlertRule rule;
    o.allow(u"$comment");
    rule.name = o.string(u"name", 64);
    if (o.ok() && !namePattern.match(rule.name).hasMatch())
        o.fail(u"name", u"must be 1 to 64 lowercase letters, digits or '-', starting with a "
                        "letter or digit"_s);
    const bool hasExpr = o.has(u"expr");
    const bool hasCheck = o.has(u"check");
    if (o.ok() && hasExpr == hasCheck)
        o.fail(u"expr", hasExpr ? u"give either expr or check, not both"_s
                                : u"required (or a built-in check)"_s);
    if (o.ok() && hasExpr)
        rule.expression = readExpression(o, u"expr", true);
    if (o.ok() && hasCheck) {
        const QString check = o.oneOf(u"check", alertCheckNames());
        rule.check = alertCheckFromString(check).value_or(AlertCheck::None);
    }
    if (o.ok() && o.has(u"value"))
        rule.value = readExpression(o, u"value", false);
    rule.valueUnit = o.optionalString(u"value_unit", {}, 16);
    rule.forSeconds = o.optionalNumber(u"for_s", 0, 0, kMaxForSeconds);
    // Optional, so format-1 files written before it existed load unchanged.
    rule.keepFiringForSeconds =
        o.optionalNumber(u"keep_firing_for_s", kDefaultKeepFiringForSeconds, 0, kMaxForSeconds);
    const QString severity = o.oneOf(u"severity", {u"info"_s, u"warning"_s, u"critical"_s});
    rule.severity = alertSeverityFromString(severity).value_or(AlertSeverity::Warning);
    rule.summary = o.string(u"summary", 300);
    if (o.ok() && rule.summary.trimmed().isEmpty())
        o.fail(u"summary", u"must not be empty"_s);
    rule.runbook = o.optionalString(u"runbook", {}, 300);
    if (o.ok() && !rule.runbook.isEmpty() &&
        (!rule.runbook.endsWith(u".md"_s) || rule.runbook.contains(u".."_s) ||
         rule.runbook.startsWith(u'/')))
        o.fail(u"runbook", u"must be a relative path to a Markdown file (e.g. "
                           "docs/runbooks/api-latency-p95-high.md)"_s);
    o.finish();
    return rule;
}

}  // namespace

AlertRulesLoad parseAlertRules(const QByteArray& json, const QString& sourceName) {
    AlertRulesLoad load;
    JsonReader reader(sourceName);
    std::optional<JsonObjectReader> root = reader.parseObject(json);
    if (!root) {
        load.error = reader.error();
        return load;
    }
    root->allow(u"$comment");
    root->integer(u"format", kAlertRulesFormat, kAlertRulesFormat);
    std::vector<AlertRule> rules;
    JsonArrayReader array = root->array(u"rules", kMaxAlertRules);
    QSet<QString> names;
    for (qsizetype i = 0; reader.ok() && i < array.size(); ++i) {
        AlertRule rule = readRule(array.object(i));
        if (!reader.ok())
            break;
        if (names.contains(rule.name)) {
            reader.fail(array.elementPath(i) + u".name"_s,
                        u"duplicate rule name \"%1\""_s.arg(rule.name));
            break;
        }
        names.insert(rule.name);
        rules.push_back(std::move(rule));
    }
    root->finish();
    if (!reader.ok()) {
        load.error = reader.error();
        return load;
    }
    load.rules = std::move(rules);
    return load;
}

AlertRulesLoad loadAlertRulesFile(const QString& pathOrResource) {
    AlertRulesLoad load;
    const std::optional<QByteArray> bytes =
        readFileForParsing(pathOrResource, kMaxAlertRulesBytes, &load.error);
    if (!bytes)
        return load;
    // A Prometheus rule file reads as well (drills/PrometheusRules.h).
    if (pathOrResource.endsWith(u".yml"_s) || pathOrResource.endsWith(u".yaml"_s))
        return importPrometheusRules(*bytes, pathOrResource);
    return parseAlertRules(*bytes, pathOrResource);
}

QString defaultAlertRulesPath() {
    return u":/pulsco/alerts/default-rules.json"_s;
}

AlertRulesLoad loadDefaultAlertRules() {
    return loadAlertRulesFile(defaultAlertRulesPath());
}

QByteArray alertRulesToJson(const std::vector<AlertRule>& rules) {
    QJsonArray array;
    for (const AlertRule& r : rules) {
        QJsonObject o;
        o.insert(u"name"_s, r.name);
        if (r.check != AlertCheck::None)
            o.insert(u"check"_s, toString(r.check));
        else if (r.expression)
            o.insert(u"expr"_s, QString::fromStdString(r.expression->text()));
        if (r.value)
            o.insert(u"value"_s, QString::fromStdString(r.value->text()));
        if (!r.valueUnit.isEmpty())
            o.insert(u"value_unit"_s, r.valueUnit);
        o.insert(u"for_s"_s, r.forSeconds);
        o.insert(u"keep_firing_for_s"_s, r.keepFiringForSeconds);
        o.insert(u"severity"_s, toString(r.severity));
        o.insert(u"summary"_s, r.summary);
        if (!r.runbook.isEmpty())
            o.insert(u"runbook"_s, r.runbook);
        array.append(o);
    }
    QJsonObject root;
    root.insert(u"format"_s, kAlertRulesFormat);
    root.insert(u"rules"_s, array);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

}  // namespace pulsco
