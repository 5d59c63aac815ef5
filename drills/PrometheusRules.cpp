#include "drills/PrometheusRules.h"

#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

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

}  // namespace pulsco
