#include "bridge/PromqlTerms.h"

#include <QRegularExpression>
#include <QStringList>

#include <algorithm>
#include <vector>

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

QString percentileOf(double q, const QString& bucket, const QString& color, double scale) {
    QString out = u"histogram_quantile(%1, sum by (le) (%2))"_s.arg(
        QString::number(q / 100.0, 'g', 6), colored(u"rate(%1%2)"_s.arg(bucket, kWindow), color));
    if (scale != 1)
        out += u" * "_s + QString::number(scale, 'g', 6);
    return out;
}

QString withoutSpaces(const QString& text) {
    QString out;
    out.reserve(text.size());
    for (const QChar c : text)
        if (!c.isSpace())
            out += c;
    return out;
}

struct Candidate {
    QString function, percentile, name;
    QString text() const {
        if (function == u"p"_s)
            return u"p(%1)(%2)"_s.arg(percentile, name);
        return function.isEmpty() ? name : function + u'(' + name + u')';
    }
};

}  // namespace

PromqlTerm promqlOfTerm(const QString& function, const QString& percentile, const QString& scoped) {
    QString color, name = scoped;
    if (name.startsWith(u"blue."_s) || name.startsWith(u"green."_s)) {
        color = name.section(u'.', 0, 0);
        name = name.section(u'.', 1);
    }
    if (function == u"p"_s) {
        const double q = percentile.toDouble();
        if (name == u"api_latency_ms"_s)
            return {percentileOf(q, u"pulsco_http_request_duration_seconds_bucket{class=\"api\"}"_s,
                                 color, 1000),
                    {}};
        if (name == u"ticket_wait_s"_s)
            return {percentileOf(q, u"pulsco_ticket_wait_seconds_bucket"_s, color, 1), {}};
        return {std::nullopt, u"p(%1)(%2): no Prometheus histogram of it"_s.arg(percentile, name)};
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
    const QString shown = function.isEmpty() ? scoped : function + u'(' + scoped + u')';
    if (name == u"conservation"_s || name == u"uptime"_s || name.startsWith(u"players_"_s))
        return {std::nullopt,
                u"%1: pulsco-matchd exports no Prometheus metric with its meaning"_s.arg(shown)};
    return {std::nullopt,
            u"%1: no PromQL translation (docs/prometheus.md lists them)"_s.arg(shown)};
}

std::optional<QString> consoleTermOfPromql(const QString& promql) {
    const QString wanted = withoutSpaces(promql);
    static const QRegularExpression quantile(uR"(^histogram_quantile\(([0-9.eE+-]+),)"_s);
    const QRegularExpressionMatch q = quantile.match(wanted);
    std::vector<Candidate> candidates;
    for (const QString& color : {QString(), u"blue"_s, u"green"_s}) {
        const QString scope = color.isEmpty() ? QString() : color + u'.';
        if (q.hasMatch()) {
            const QString percentile = QString::number(q.captured(1).toDouble() * 100, 'g', 6);
            candidates.push_back({u"p"_s, percentile, scope + u"api_latency_ms"_s});
            candidates.push_back({u"p"_s, percentile, scope + u"ticket_wait_s"_s});
        }
        for (const char* rate : {"errors", "tickets_expired", "tickets_cancelled"})
            candidates.push_back({u"rate"_s, {}, scope + QLatin1StringView(rate)});
        candidates.push_back({{}, {}, scope + u"tickets_searching"_s});
    }
    for (const char* players : {"players_online", "players_in_queue", "players_in_match"})
        candidates.push_back({{}, {}, QString::fromLatin1(players)});
    for (const Candidate& c : candidates) {
        const PromqlTerm term = promqlOfTerm(c.function, c.percentile, c.name);
        if (term.promql && withoutSpaces(*term.promql) == wanted)
            return c.text();
    }
    return std::nullopt;
}

PromqlCondition consoleConditionOfPromql(const QString& termPromql, const QString& op, double bar) {
    PromqlCondition out;
    static const QStringList kOperators{u"<"_s, u"<="_s, u">"_s, u">="_s, u"=="_s, u"!="_s};
    if (!kOperators.contains(op)) {
        out.error = u"'%1': not a comparison the console reads (< <= > >= == !=)"_s.arg(op);
        return out;
    }
    const std::optional<QString> term = consoleTermOfPromql(termPromql);
    if (!term) {
        out.error = u"'%1' is not a PromQL term the console reads (docs/prometheus.md, \"Alert "
                    "rules\", lists them)"_s.arg(termPromql.simplified());
        return out;
    }
    out.term = *term;
    QString barText = QString::number(bar, 'g', 10);
    if (term->startsWith(u"rate("_s))
        barText = QString::number(bar * 100, 'g', 10) + u'%';
    out.condition = *term + u' ' + op + u' ' + barText;
    return out;
}

PromqlCondition consoleConditionOfPromql(const QString& comparison) {
    static const QRegularExpression shape(
        uR"(^(.*\S)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)$)"_s);
    const QString text = comparison.simplified();
    const QRegularExpressionMatch m = shape.match(text);
    if (!m.hasMatch()) {
        PromqlCondition out;
        out.error = u"'%1': the console reads one comparison of a term with a number "
                    "(docs/prometheus.md lists the terms)"_s.arg(text);
        return out;
    }
    return consoleConditionOfPromql(m.captured(1), m.captured(2), m.captured(3).toDouble());
}

std::optional<double> prometheusDurationSeconds(const QString& text) {
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

QString yamlNestingProblem(const QByteArray& yaml, const QString& what) {
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
    if (deepest > 32 || widest > 160)
        return u"nested deeper than %1 needs (%2 brackets, %3 columns of indentation and dashes "
               "at most)"_s.arg(what)
                   .arg(deepest)
                   .arg(widest);
    return {};
}

}  // namespace pulsco
