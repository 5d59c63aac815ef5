#include "bridge/ReplayComparisonJson.h"

#include "bridge/JsonReader.h"
#include "bridge/MarkdownText.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

constexpr int kReportFormat = 1;
const QString kKind = u"pulsco-replay-comparison"_s;

QJsonValue optionalValue(const std::optional<double>& v) {
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

std::optional<double> readOptional(JsonObjectReader& o, QStringView key) {
    if (o.has(key) && o.raw().value(key).isNull()) {
        o.allow(key);
        return std::nullopt;
    }
    return o.number(key);
}

}  // namespace

QString comparisonFigureText(const std::optional<double>& v) {
    if (!v)
        return u"no data"_s;
    const double a = std::fabs(*v);
    // Whole numbers (a ping in ms, a count) print without decimals.
    const int digits = a == 0 || (a < 1e9 && *v == std::floor(*v)) ? 0
                       : a < 0.01                                  ? 5
                       : a < 1                                     ? 3
                       : a < 100                                   ? 2
                                                                   : 1;
    return QString::number(*v, 'f', digits);
}

QString comparisonChangeText(double v) {
    return (v > 0 ? u"+"_s : QString()) + comparisonFigureText(v);
}

QString comparisonGroupName(const GroupComparison& group) {
    if (group.queue.empty())
        return u"all traffic"_s;
    QString name = QString::fromStdString(group.queue);
    if (!group.region.empty())
        name += u" / "_s + QString::fromStdString(group.region);
    return name;
}

QByteArray replayComparisonToJson(const ReplayComparisonReport& r) {
    QJsonObject o;
    o.insert(u"format"_s, kReportFormat);
    o.insert(u"kind"_s, kKind);
    o.insert(u"recording"_s, r.recording);
    o.insert(u"a"_s, QJsonObject{{u"rules"_s, r.rulesA}, {u"trace_hash"_s, r.traceHashA}});
    o.insert(u"b"_s, QJsonObject{{u"rules"_s, r.rulesB}, {u"trace_hash"_s, r.traceHashB}});
    o.insert(u"amplify"_s, r.amplify);
    o.insert(u"seed"_s, double(r.seed));
    o.insert(u"resamples"_s, r.resamples);
    o.insert(u"confidence"_s, r.confidence);
    o.insert(u"min_arrivals"_s, double(r.minArrivals));
    o.insert(u"arrivals"_s, double(r.arrivals));
    o.insert(u"verdict"_s, r.comparison.regressed() ? u"regressed"_s : u"passed"_s);
    QJsonArray regressions;
    for (const std::string& line : r.comparison.regressions)
        regressions.append(QString::fromStdString(line));
    o.insert(u"regressions"_s, regressions);
    QJsonArray groups;
    for (const GroupComparison& g : r.comparison.groups) {
        QJsonArray metrics;
        for (const MetricChange& m : g.metrics)
            metrics.append(QJsonObject{
                {u"metric"_s, QString::fromStdString(m.metric)},
                {u"a"_s, optionalValue(m.a)},
                {u"b"_s, optionalValue(m.b)},
                {u"change"_s, m.change},
                {u"low"_s, m.low},
                {u"high"_s, m.high},
                {u"samples_a"_s, double(m.samplesA)},
                {u"samples_b"_s, double(m.samplesB)},
                {u"bar"_s, QString::fromStdString(m.bar)},
                {u"judged"_s, m.judged},
                {u"regressed"_s, m.regressed},
                {u"verdict"_s, QString::fromStdString(m.verdict)},
            });
        groups.append(QJsonObject{{u"queue"_s, QString::fromStdString(g.queue)},
                                  {u"region"_s, QString::fromStdString(g.region)},
                                  {u"arrivals"_s, double(g.arrivals)},
                                  {u"metrics"_s, metrics}});
    }
    o.insert(u"groups"_s, groups);
    return QJsonDocument(o).toJson();
}

std::optional<ReplayComparisonReport>
replayComparisonFromJson(const QByteArray& json, const QString& source, QString* error) {
    JsonReader reader(source);
    auto top = reader.parseObject(json);
    if (!top) {
        *error = reader.error();
        return std::nullopt;
    }
    ReplayComparisonReport r;
    top->integer(u"format", kReportFormat, kReportFormat);
    top->oneOf(u"kind", {kKind});
    r.recording = top->string(u"recording", 4096);
    for (const auto& [key, rules, hash] : {std::tuple{u"a"_s, &r.rulesA, &r.traceHashA},
                                           std::tuple{u"b"_s, &r.rulesB, &r.traceHashB}}) {
        JsonObjectReader side = top->object(key);
        *rules = side.string(u"rules", 4096);
        *hash = side.string(u"trace_hash", 32);
        side.finish();
    }
    r.amplify = int(top->integer(u"amplify", 1, 1000));
    r.seed = quint64(top->number(u"seed", 0, 9007199254740992.0));
    r.resamples = int(top->integer(u"resamples", 1, 1000000));
    r.confidence = top->number(u"confidence", 0.5, 0.999999);
    r.minArrivals = quint64(top->integer(u"min_arrivals", 0, qint64(1) << 53));
    r.arrivals = quint64(top->integer(u"arrivals", 0, qint64(1) << 53));
    const QString verdict = top->oneOf(u"verdict", {u"passed"_s, u"regressed"_s});
    JsonArrayReader regressions = top->array(u"regressions");
    for (qsizetype i = 0; i < regressions.size() && reader.ok(); ++i)
        r.comparison.regressions.push_back(regressions.string(i, 4096).toStdString());
    JsonArrayReader groups = top->array(u"groups");
    for (qsizetype i = 0; i < groups.size() && reader.ok(); ++i) {
        JsonObjectReader g = groups.object(i);
        GroupComparison group;
        group.queue = g.string(u"queue").toStdString();
        group.region = g.string(u"region").toStdString();
        group.arrivals = quint64(g.integer(u"arrivals", 0, qint64(1) << 53));
        JsonArrayReader metrics = g.array(u"metrics");
        for (qsizetype k = 0; k < metrics.size() && reader.ok(); ++k) {
            JsonObjectReader m = metrics.object(k);
            MetricChange c;
            c.metric = m.string(u"metric", 64).toStdString();
            c.a = readOptional(m, u"a");
            c.b = readOptional(m, u"b");
            c.change = m.number(u"change");
            c.low = m.number(u"low");
            c.high = m.number(u"high");
            c.samplesA = quint64(m.integer(u"samples_a", 0, qint64(1) << 53));
            c.samplesB = quint64(m.integer(u"samples_b", 0, qint64(1) << 53));
            c.bar = m.string(u"bar", 64).toStdString();
            c.judged = m.boolean(u"judged");
            c.regressed = m.boolean(u"regressed");
            c.verdict = m.string(u"verdict", 4096).toStdString();
            if (reader.ok() && c.low > c.high)
                m.fail(u"low", u"must not be above high"_s);
            if (reader.ok() && c.regressed && !c.judged)
                m.fail(u"regressed", u"cannot be true for a figure that was not judged"_s);
            m.finish();
            group.metrics.push_back(std::move(c));
        }
        g.finish();
        r.comparison.groups.push_back(std::move(group));
    }
    // The verdict is what the figures say, not a field taken on trust.
    if (reader.ok()) {
        bool anyRegressed = false;
        for (const GroupComparison& g : r.comparison.groups)
            for (const MetricChange& m : g.metrics)
                anyRegressed = anyRegressed || m.regressed;
        if (anyRegressed != (verdict == u"regressed"_s))
            top->fail(u"verdict",
                      u"says \""_s + verdict + u"\" but "_s +
                          (anyRegressed ? u"a figure regressed"_s : u"no figure regressed"_s));
        else if (anyRegressed == r.comparison.regressions.empty())
            top->fail(u"regressions",
                      u"must list the regressed figures, and only when there are"_s);
    }
    top->finish();
    if (!reader.ok()) {
        *error = reader.error();
        return std::nullopt;
    }
    return r;
}

QString replayComparisonMarkdown(const ReplayComparisonReport& r) {
    QString md;
    md += u"# Replay comparison\n\n"_s;
    md += u"- Recording: `%1` (%2 arrivals, amplify %3, seed %4)\n"_s.arg(r.recording)
              .arg(r.arrivals)
              .arg(r.amplify)
              .arg(r.seed);
    md += u"- A: `%1` (trace %2)\n- B: `%3` (trace %4)\n"_s.arg(r.rulesA, r.traceHashA, r.rulesB,
                                                                r.traceHashB);
    md += u"- Intervals: paired bootstrap, %1 resamples, %2 %; groups under %3 arrivals are "
          "not judged\n\n"_s.arg(r.resamples)
              .arg(r.confidence * 100, 0, 'g', 4)
              .arg(r.minArrivals);
    if (r.comparison.regressed()) {
        md +=
            u"**Verdict: B regresses** on %1 figure(s):\n\n"_s.arg(r.comparison.regressions.size());
        md += u"| group | figure | A | B | change | interval | bar |\n"_s
              u"|---|---|---:|---:|---:|---|---|\n"_s;
        for (const GroupComparison& g : r.comparison.groups)
            for (const MetricChange& m : g.metrics)
                if (m.regressed)
                    md += u"| %1 | %2 | %3 | %4 | %5 | [%6, %7] | %8 |\n"_s.arg(
                        markdownTableCell(comparisonGroupName(g)), QString::fromStdString(m.metric),
                        comparisonFigureText(m.a), comparisonFigureText(m.b),
                        comparisonChangeText(m.change), comparisonChangeText(m.low),
                        comparisonChangeText(m.high),
                        markdownTableCell(QString::fromStdString(m.bar)));
    } else {
        md += u"**Verdict: B passes**: no figure breaks its bar beyond chance.\n"_s;
    }
    for (const GroupComparison& g : r.comparison.groups) {
        md += u"\n## %1 (%2 arrivals)\n\n"_s.arg(markdownTableCell(comparisonGroupName(g)))
                  .arg(g.arrivals);
        md += u"| figure | A | B | change | interval | bar | verdict |\n"_s
              u"|---|---:|---:|---:|---|---|---|\n"_s;
        for (const MetricChange& m : g.metrics) {
            const bool both = m.a && m.b;
            md += u"| %1 | %2 | %3 | %4 | %5 | %6 | %7 |\n"_s.arg(
                QString::fromStdString(m.metric), comparisonFigureText(m.a),
                comparisonFigureText(m.b), both ? comparisonChangeText(m.change) : u"-"_s,
                both ? u"["_s + comparisonChangeText(m.low) + u", "_s +
                           comparisonChangeText(m.high) + u']'
                     : u"-"_s,
                m.bar.empty() ? u"-"_s : markdownTableCell(QString::fromStdString(m.bar)),
                (m.regressed ? u"**REGRESSED**: "_s : QString()) +
                    markdownTableCell(QString::fromStdString(m.verdict)));
        }
    }
    return md;
}

std::optional<ComparisonOptions> loadComparisonOptions(const QString& path, QString* error) {
    const auto bytes = readFileForParsing(path, 1 << 20, error);
    if (!bytes)
        return std::nullopt;
    JsonReader reader(path);
    auto top = reader.parseObject(*bytes);
    if (!top) {
        *error = reader.error();
        return std::nullopt;
    }
    ComparisonOptions options;
    top->allow(u"$comment");
    options.minArrivals = quint64(top->optionalInteger(u"min_arrivals", 100, 0, qint64(1) << 53));
    options.resamples = int(top->optionalInteger(u"resamples", 1000, 10, 100000));
    options.confidence = top->optionalNumber(u"confidence", 0.95, 0.5, 0.999);
    if (auto bars = top->optionalObject(u"thresholds")) {
        for (const QString& metric : bars->keys()) {
            const QString text = bars->string(metric, 64);
            if (!reader.ok())
                break;
            std::erase_if(options.bars,
                          [&](const ComparisonBar& b) { return b.metric == metric.toStdString(); });
            if (text.isEmpty())
                continue;  // "" removes the figure's default bar
            std::string why;
            auto bar = parseComparisonBar(metric.toStdString(), text.toStdString(), &why);
            if (!bar) {
                bars->fail(metric, QString::fromStdString(why));
                break;
            }
            options.bars.push_back(std::move(*bar));
        }
    }
    top->finish();
    if (!reader.ok()) {
        *error = reader.error();
        return std::nullopt;
    }
    return options;
}

}  // namespace pulsco
