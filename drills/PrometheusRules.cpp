#include "drills/PrometheusRules.h"

#include <QRegularExpression>
#include <QSet>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// The window of the console's recent figures (core/RecentWindow): a rate or
// a percentile over the last minute.
const QString kWindow = u"[1m]"_s;

// Restricts a per-instance series to one colour through pulsco_info's label
// (every server exposes pulsco_info{color,environment} 1).
QString colored(const QString& series, const QString& color) {
    if (color.isEmpty())
        return series;
    return u"(%1 * on (instance) group_left (color) pulsco_info{color=\"%2\"})"_s.arg(series,
                                                                                      color);
}

QString percentile(double q, const QString& bucket, const QString& color, double scale) {
    QString out = u"histogram_quantile(%1, sum by (le) (%2))"_s.arg(
        QString::number(q / 100.0, 'g', 6), colored(u"rate(%1%2)"_s.arg(bucket, kWindow), color));
    if (scale != 1)
        out += u" * "_s + QString::number(scale, 'g', 6);
    return out;
}

struct Term {
    std::optional<QString> promql;
    QString unsupported;
};

Term translateTerm(const QString& function, const QString& percentileText, QString name) {
    QString color;
    if (name.startsWith(u"blue."_s) || name.startsWith(u"green."_s)) {
        color = name.section(u'.', 0, 0);
        name = name.section(u'.', 1);
    }
    if (function == u"p"_s) {
        const double q = percentileText.toDouble();
        if (name == u"api_latency_ms"_s)
            return {percentile(q, u"pulsco_http_request_duration_seconds_bucket{class=\"api\"}"_s,
                               color, 1000),
                    {}};
        if (name == u"ticket_wait_s"_s)
            return {percentile(q, u"pulsco_ticket_wait_seconds_bucket"_s, color, 1), {}};
        return {std::nullopt,
                u"p(%1)(%2): no Prometheus histogram of it"_s.arg(percentileText, name)};
    }
    if (function == u"rate"_s && name == u"errors"_s)
        return {
            u"(sum(%1) / sum(%2))"_s.arg(
                colored(u"rate(pulsco_http_requests_total{class=\"api\",code=~\"5..\"}%1)"_s.arg(
                            kWindow),
                        color),
                colored(u"rate(pulsco_http_requests_total{class=\"api\"}%1)"_s.arg(kWindow),
                        color)),
            {}};
    if (function == u"rate"_s && (name == u"tickets_expired"_s || name == u"tickets_cancelled"_s))
        // The console's rate of a ticket outcome is a share of the tickets
        // accepted since the start: the counters themselves, not rate().
        return {u"(sum(%1) / sum(%2))"_s.arg(
                    colored(u"pulsco_tickets_total{state=\"%1\"}"_s.arg(name.mid(8)), color),
                    colored(u"pulsco_tickets_total{state=\"created\"}"_s, color)),
                {}};
    if (function.isEmpty() && name == u"tickets_searching"_s)
        return {u"sum(%1)"_s.arg(colored(u"pulsco_tickets_searching"_s, color)), {}};
    // Players (total scope only, as in the console): pulsco-matchd's online
    // players are those searching plus those in a match.
    if (function.isEmpty() && color.isEmpty()) {
        if (name == u"players_in_queue"_s)
            return {u"sum(pulsco_players_in_queue)"_s, {}};
        if (name == u"players_in_match"_s)
            return {u"sum(pulsco_players_in_match)"_s, {}};
        if (name == u"players_online"_s || name == u"concurrent_players"_s)
            return {u"(sum(pulsco_players_in_queue) + sum(pulsco_players_in_match))"_s, {}};
    }
    const QString shown = function.isEmpty() ? name : function + u'(' + name + u')';
    if (name == u"conservation"_s || name == u"uptime"_s || name.startsWith(u"players_"_s))
        return {std::nullopt,
                u"%1: pulsco-matchd exports no Prometheus metric with its meaning"_s.arg(shown)};
    return {std::nullopt,
            u"%1: no PromQL translation (docs/prometheus.md lists them)"_s.arg(shown)};
}

QString durationText(double seconds) {
    const qint64 s = qint64(std::llround(seconds));
    if (s % 3600 == 0 && s >= 3600)
        return u"%1h"_s.arg(s / 3600);
    if (s % 60 == 0 && s >= 60)
        return u"%1m"_s.arg(s / 60);
    return u"%1s"_s.arg(s);
}

}  // namespace

PromqlTranslation toPromql(const AlertRule& rule) {
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
    Term term;
    if (!m.captured(1).isEmpty())
        term = translateTerm(u"p"_s, m.captured(2), m.captured(3));
    else if (!m.captured(4).isEmpty())
        term = m.captured(4) == u"rate"_s
                   ? translateTerm(u"rate"_s, {}, m.captured(5))
                   : Term{std::nullopt, u"%1(%2): the console's peak over its session has no "
                                        "PromQL counterpart"_s.arg(m.captured(4), m.captured(5))};
    else
        term = translateTerm({}, {}, m.captured(6));
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

// Every term the export can write, by its PromQL: the import's inverse is
// the export itself, so the two cannot disagree.
std::optional<QString> termOf(const QString& promqlTerm, double quantile) {
    static const QStringList kColors = {QString(), u"blue"_s, u"green"_s};
    QStringList candidates;
    for (const QString& color : kColors) {
        const QString scope = color.isEmpty() ? QString() : color + u'.';
        if (quantile >= 0) {
            const QString q = QString::number(quantile * 100, 'g', 6);
            candidates << u"p(%1)(%2api_latency_ms)"_s.arg(q, scope)
                       << u"p(%1)(%2ticket_wait_s)"_s.arg(q, scope);
        }
        candidates << u"rate(%1errors)"_s.arg(scope) << u"rate(%1tickets_expired)"_s.arg(scope)
                   << u"rate(%1tickets_cancelled)"_s.arg(scope)
                   << u"%1tickets_searching"_s.arg(scope);
    }
    candidates << u"players_online"_s << u"players_in_queue"_s << u"players_in_match"_s;
    for (const QString& candidate : std::as_const(candidates)) {
        AlertRule probe;
        ExpressionError error;
        probe.expression =
            MetricExpression::parse(QString(candidate + u" > 0"_s).toStdString(), &error);
        const PromqlTranslation t = probe.expression ? toPromql(probe) : PromqlTranslation{};
        if (t.promql && t.promql->chopped(4) == promqlTerm)
            return candidate;
    }
    return std::nullopt;
}

// "1m", "90s", "1h30m", "0s"; nullopt otherwise.
std::optional<double> durationSeconds(const QString& text) {
    static const QRegularExpression part(u"(\\d+)(ms|s|m|h|d|w|y)"_s);
    static const QRegularExpression whole(u"^(?:\\d+(?:ms|s|m|h|d|w|y))+$"_s);
    if (!whole.match(text).hasMatch())
        return std::nullopt;
    double seconds = 0;
    auto it = part.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        const double n = m.captured(1).toDouble();
        const QString unit = m.captured(2);
        seconds += unit == u"ms"_s  ? n / 1000
                   : unit == u"s"_s ? n
                   : unit == u"m"_s ? n * 60
                   : unit == u"h"_s ? n * 3600
                   : unit == u"d"_s ? n * 86400
                   : unit == u"w"_s ? n * 604800
                                    : n * 31536000;
    }
    return seconds;
}

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
    // yaml-cpp recurses once per level of nesting: a file nested thousands
    // deep would exhaust the stack. A rule file needs a handful of levels.
    int depth = 0, deepest = 0, indent = 0, widest = 0;
    bool lineStart = true;
    for (const char c : yaml) {
        if (c == '[' || c == '{')
            deepest = std::max(deepest, ++depth);
        else if (c == ']' || c == '}')
            --depth;
        if (c == '\n') {
            lineStart = true;
            indent = 0;
        } else if (lineStart && (c == ' ' || c == '-' || c == '?')) {
            // "- - - x" nests as deep as indentation does.
            widest = std::max(widest, ++indent);
        } else {
            lineStart = false;
        }
    }
    if (deepest > 32 || widest > 160) {
        load.error = sourceName + u": nested deeper than a rule file needs (%1 brackets, %2 "
                                  "columns of indentation and dashes at most)"_s.arg(deepest)
                                      .arg(widest);
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
                const QString expr = scalarOf(node["expr"]).simplified();
                static const QRegularExpression comparison(
                    uR"(^(.*\S)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)$)"_s);
                const QRegularExpressionMatch m = comparison.match(expr);
                if (!m.hasMatch())
                    return fail(path + u".expr"_s,
                                u"'%1': the console reads one comparison of a term with a "
                                "number (docs/prometheus.md lists the terms)"_s.arg(expr));
                static const QRegularExpression quantile(uR"(^histogram_quantile\(([0-9.]+),)"_s);
                const auto q = quantile.match(m.captured(1));
                const std::optional<QString> term =
                    termOf(m.captured(1), q.hasMatch() ? q.captured(1).toDouble() : -1);
                if (!term)
                    return fail(path + u".expr"_s,
                                u"'%1' is not a PromQL term the console reads (docs/"
                                "prometheus.md, \"Alert rules\", lists them)"_s.arg(m.captured(1)));
                double bar = m.captured(3).toDouble();
                QString barText = QString::number(bar, 'g', 10);
                if (term->startsWith(u"rate("_s))
                    barText = QString::number(bar * 100, 'g', 10) + u'%';
                const QString condition = *term + u' ' + m.captured(2) + u' ' + barText;
                ExpressionError error;
                rule.expression = MetricExpression::parse(condition.toStdString(), &error);
                rule.value = MetricExpression::parse(term->toStdString(), &error);
                if (!rule.expression || !rule.value)
                    return fail(path + u".expr"_s, QString::fromStdString(error.describe()));
                rule.valueUnit = term->contains(u"latency_ms"_s) ? u"ms"_s
                                 : term->contains(u"wait_s"_s)   ? u"s"_s
                                 : term->startsWith(u"rate("_s)  ? u"%"_s
                                                                 : QString();
                for (const char* key : {"for", "keep_firing_for"}) {
                    if (!node[key])
                        continue;
                    const auto seconds = durationSeconds(scalarOf(node[key]));
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
