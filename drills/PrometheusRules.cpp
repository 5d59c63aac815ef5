#include "drills/PrometheusRules.h"

#include "bridge/PromqlTerms.h"

#include <QRegularExpression>
#include <QSet>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

QString durationText(double seconds) {
    const qint64 s = qint64(std::llround(seconds));
    if (s % 3600 == 0 && s >= 3600)
        return u"%1h"_s.arg(s / 3600);
    if (s % 60 == 0 && s >= 60)
        return u"%1m"_s.arg(s / 60);
    return u"%1s"_s.arg(s);
}

// region_unreachable over pulsco-matchd's per-region gauges, with the
// console's merge of a server set (net/live/SnapshotMerge): a region is out
// when any server has it out, and shed only when every server sheds it. One
// alert per region, labelled with it.
const QString kRegionUnreachablePromql =
    u"(min by (region) (pulsco_region_reachable) == 0) unless on (region) "
    "(min by (region) (pulsco_region_shed) == 1)"_s;

}  // namespace

PromqlTranslation toPromql(const AlertRule& rule) {
    if (rule.check == AlertCheck::RegionUnreachable)
        return {kRegionUnreachablePromql, {}};
    if (!rule.expression)
        return {std::nullopt,
                u"check %1: a built-in check over several snapshots, no PromQL expression"_s.arg(
                    toString(rule.check))};
    // One comparison of one term with a number: the shape of every shipped
    // rule. "and", "or", arithmetic and the like are named, not guessed at.
    static const QRegularExpression shape(
        uR"(^\s*(?:(p)\((\d+(?:\.\d+)?)\)\(([a-z._]+)\)|(rate|max|min|avg)\(([a-z._]+)\)|([a-z._]+))\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?|ok|fail)(%?)\s*$)"_s);
    const QString text = QString::fromStdString(rule.expression->text());
    const QRegularExpressionMatch m = shape.match(text);
    if (!m.hasMatch())
        return {std::nullopt,
                u"'%1': only one comparison of a metric with a number translates"_s.arg(text)};
    PromqlTerm term;
    if (!m.captured(1).isEmpty())
        term = promqlOfTerm(u"p"_s, m.captured(2), m.captured(3));
    else if (!m.captured(4).isEmpty())
        term = m.captured(4) == u"rate"_s
                   ? promqlOfTerm(u"rate"_s, {}, m.captured(5))
                   : PromqlTerm{std::nullopt,
                                u"%1(%2): the console's peak over its session has no PromQL "
                                "counterpart"_s.arg(m.captured(4), m.captured(5))};
    else
        term = promqlOfTerm({}, {}, m.captured(6));
    if (!term.promql)
        return {std::nullopt, term.unsupported};
    double bar = m.captured(8) == u"ok"_s ? 1 : m.captured(8).toDouble();  // fail: 0
    if (!m.captured(9).isEmpty())
        bar /= 100;
    return {u"%1 %2 %3"_s.arg(*term.promql, m.captured(7), QString::number(bar, 'g', 10)), {}};
}

PrometheusRulesExport exportPrometheusRules(const std::vector<AlertRule>& rules,
                                            const QString& generatedFrom) {
    PrometheusRulesExport out;
    YAML::Emitter y;
    y << YAML::BeginMap << YAML::Key << "groups" << YAML::Value << YAML::BeginSeq;
    y << YAML::BeginMap << YAML::Key << "name" << YAML::Value << "pulsco";
    y << YAML::Key << "rules" << YAML::Value << YAML::BeginSeq;
    for (const AlertRule& rule : rules) {
        const PromqlTranslation t = toPromql(rule);
        if (!t.promql) {
            out.left << rule.name + u": "_s + t.unsupported;
            continue;
        }
        ++out.exported;
        y << YAML::BeginMap;
        y << YAML::Key << "alert" << YAML::Value << rule.name.toStdString();
        y << YAML::Key << "expr" << YAML::Value << t.promql->toStdString();
        if (rule.forSeconds > 0)
            y << YAML::Key << "for" << YAML::Value << durationText(rule.forSeconds).toStdString();
        if (rule.keepFiringForSeconds > 0)
            y << YAML::Key << "keep_firing_for" << YAML::Value
              << durationText(rule.keepFiringForSeconds).toStdString();
        y << YAML::Key << "labels" << YAML::Value << YAML::BeginMap;
        y << YAML::Key << "severity" << YAML::Value << toString(rule.severity).toStdString();
        y << YAML::Key << "service" << YAML::Value << "pulsco";
        y << YAML::EndMap;
        y << YAML::Key << "annotations" << YAML::Value << YAML::BeginMap;
        y << YAML::Key << "summary" << YAML::Value << rule.summary.toStdString();
        if (!rule.runbook.isEmpty())
            y << YAML::Key << "runbook" << YAML::Value << rule.runbook.toStdString();
        // The console's own condition, for a reader and for the import.
        y << YAML::Key << "pulsco_expr" << YAML::Value << rule.conditionText().toStdString();
        y << YAML::EndMap;
        y << YAML::EndMap;
    }
    y << YAML::EndSeq << YAML::EndMap << YAML::EndSeq << YAML::EndMap;

    QByteArray header = "# Prometheus alert rules for pulsco-matchd, generated from " +
                        generatedFrom.toUtf8() +
                        "\n# by `make alert-rules` (pulsco-rules export). Do not edit: edit the "
                        "console's rules and\n# regenerate; tst_prometheus_rules fails when "
                        "this file drifts. docs/prometheus.md.\n";
    if (!out.left.isEmpty()) {
        header += "#\n# Left out (no PromQL counterpart):\n";
        for (const QString& why : std::as_const(out.left))
            header += "#   " + why.toUtf8() + '\n';
    }
    out.yaml = header + QByteArray(y.c_str()) + '\n';
    return out;
}

namespace {

// HighErrorRate, high_error_rate, "high error rate" -> high-error-rate.
QString consoleName(const QString& alert) {
    QString out;
    for (qsizetype i = 0; i < alert.size(); ++i) {
        const QChar c = alert[i];
        if (c.isUpper() && i > 0 && alert[i - 1].isLower() && !out.endsWith(u'-'))
            out += u'-';
        if (c.isLetterOrNumber() && c.unicode() < 128)
            out += c.toLower();
        else if (!out.isEmpty() && !out.endsWith(u'-'))
            out += u'-';
    }
    while (out.endsWith(u'-'))
        out.chop(1);
    return out.left(64);
}

QString scalarOf(const YAML::Node& node) {
    return QString::fromStdString(node.as<std::string>());
}

}  // namespace

AlertRulesLoad importPrometheusRules(const QByteArray& yaml, const QString& sourceName) {
    AlertRulesLoad load;
    if (const QString deep = yamlNestingProblem(yaml, u"a rule file"_s); !deep.isEmpty()) {
        load.error = sourceName + u": "_s + deep;
        return load;
    }
    YAML::Node root;
    try {
        root = YAML::Load(yaml.toStdString());
    } catch (const YAML::Exception& e) {
        load.error = u"%1: line %2: not YAML: %3"_s.arg(sourceName)
                         .arg(e.mark.line + 1)
                         .arg(QString::fromStdString(e.msg));
        return load;
    }
    const auto fail = [&](const QString& where, const QString& why) {
        load.error = sourceName + u": "_s + where + u": "_s + why;
        return load;
    };
    if (!root.IsMap() || !root["groups"] || !root["groups"].IsSequence())
        return fail(u"groups"_s, u"required: a list of rule groups (Prometheus' rule format)"_s);
    std::vector<AlertRule> rules;
    QSet<QString> names;
    const YAML::Node groups = root["groups"];
    try {
        for (std::size_t g = 0; g < groups.size(); ++g) {
            const YAML::Node group = groups[g];
            const QString groupPath = u"groups[%1]"_s.arg(g);
            if (!group.IsMap() || !group["rules"] || !group["rules"].IsSequence())
                return fail(groupPath + u".rules"_s, u"required: a list of rules"_s);
            const YAML::Node list = group["rules"];
            for (std::size_t r = 0; r < list.size(); ++r) {
                const YAML::Node node = list[r];
                QString path = u"%1.rules[%2]"_s.arg(groupPath).arg(r);
                if (!node.IsMap())
                    return fail(path, u"must be a map (alert, expr, for, labels, annotations)"_s);
                if (node["record"])
                    return fail(path + u" (record '"_s + scalarOf(node["record"]) + u"')"_s,
                                u"a recording rule: the console reads alerting rules only"_s);
                if (!node["alert"] || !node["alert"].IsScalar())
                    return fail(path + u".alert"_s, u"required: the alert's name"_s);
                const QString alert = scalarOf(node["alert"]);
                path += u" (alert '"_s + alert + u"')"_s;
                for (auto it = node.begin(); it != node.end(); ++it) {
                    const QString key = QString::fromStdString(it->first.as<std::string>());
                    if (!QStringList{u"alert"_s, u"expr"_s, u"for"_s, u"keep_firing_for"_s,
                                     u"labels"_s, u"annotations"_s}
                             .contains(key))
                        return fail(path + u'.' + key, u"unknown field"_s);
                }
                AlertRule rule;
                rule.name = consoleName(alert);
                if (rule.name.isEmpty())
                    return fail(path, u"the name has no letter or digit the console can use"_s);
                if (names.contains(rule.name))
                    return fail(path, u"its console name '%1' is taken by an earlier rule"_s.arg(
                                          rule.name));
                if (!node["expr"] || !node["expr"].IsScalar())
                    return fail(path + u".expr"_s, u"required: a PromQL condition"_s);
                if (scalarOf(node["expr"]).simplified() == kRegionUnreachablePromql) {
                    rule.check = AlertCheck::RegionUnreachable;
                } else {
                    const PromqlCondition read = consoleConditionOfPromql(scalarOf(node["expr"]));
                    if (!read.error.isEmpty())
                        return fail(path + u".expr"_s, read.error);
                    const QString& condition = read.condition;
                    const QString& term = read.term;
                    ExpressionError error;
                    rule.expression = MetricExpression::parse(condition.toStdString(), &error);
                    rule.value = MetricExpression::parse(term.toStdString(), &error);
                    if (!rule.expression || !rule.value)
                        return fail(path + u".expr"_s, QString::fromStdString(error.describe()));
                    rule.valueUnit = term.contains(u"latency_ms"_s) ? u"ms"_s
                                     : term.contains(u"wait_s"_s)   ? u"s"_s
                                     : term.startsWith(u"rate("_s)  ? u"%"_s
                                                                    : QString();
                }
                for (const char* key : {"for", "keep_firing_for"}) {
                    if (!node[key])
                        continue;
                    const auto seconds = prometheusDurationSeconds(scalarOf(node[key]));
                    if (!seconds)
                        return fail(path + u'.' + QLatin1StringView(key),
                                    u"'%1': not a Prometheus duration (1m, 90s, 1h30m)"_s.arg(
                                        scalarOf(node[key])));
                    (QByteArrayView(key) == "for" ? rule.forSeconds : rule.keepFiringForSeconds) =
                        *seconds;
                }
                if (node["labels"] && node["labels"]["severity"]) {
                    const QString severity = scalarOf(node["labels"]["severity"]);
                    const auto parsed = alertSeverityFromString(severity);
                    if (!parsed)
                        return fail(path + u".labels.severity"_s,
                                    u"'%1': must be info, warning or critical"_s.arg(severity));
                    rule.severity = *parsed;
                }
                const YAML::Node annotations = node["annotations"];
                if (!annotations || !annotations["summary"] ||
                    scalarOf(annotations["summary"]).trimmed().isEmpty())
                    return fail(path + u".annotations.summary"_s,
                                u"required: the line the Alerts panel shows"_s);
                rule.summary = scalarOf(annotations["summary"]).left(300);
                if (annotations["runbook"]) {
                    rule.runbook = scalarOf(annotations["runbook"]);
                    if (!rule.runbook.endsWith(u".md"_s) || rule.runbook.contains(u".."_s) ||
                        rule.runbook.startsWith(u'/') || rule.runbook.contains(u"://"_s))
                        return fail(path + u".annotations.runbook"_s,
                                    u"'%1': the console opens runbooks from the repository: a "
                                    "relative path to a Markdown file (docs/runbooks/x.md)"_s.arg(
                                        rule.runbook));
                }
                names.insert(rule.name);
                rules.push_back(std::move(rule));
                // Aliases can repeat a list without growing the file.
                if (rules.size() > std::size_t(kMaxAlertRules))
                    return fail(path, u"more than %1 rules"_s.arg(kMaxAlertRules));
            }
        }
    } catch (const YAML::Exception& e) {
        return fail(u"line %1"_s.arg(e.mark.line + 1), QString::fromStdString(e.msg));
    }
    load.rules = std::move(rules);
    return load;
}

}  // namespace pulsco
