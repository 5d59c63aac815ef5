#include "net/prometheus/PrometheusTextParser.h"

#include <QSet>

#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

const PrometheusFamily* PrometheusExposition::family(const QByteArray& name) const {
    for (const auto& f : families)
        if (f.name == name)
            return &f;
    return nullptr;
}

std::optional<double>
PrometheusExposition::value(const QByteArray& seriesName,
                            const QMap<QByteArray, QByteArray>& labels) const {
    for (const auto& f : families)
        for (const auto& s : f.samples)
            if (s.name == seriesName && s.labels == labels)
                return s.value;
    return std::nullopt;
}

namespace {

bool isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool isNameChar(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9');
}
bool isLabelStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isLabelChar(char c) {
    return isLabelStart(c) || (c >= '0' && c <= '9');
}

bool validMetricName(QByteArrayView n) {
    if (n.isEmpty() || !isNameStart(n.front()))
        return false;
    for (char c : n)
        if (!isNameChar(c))
            return false;
    return true;
}

std::optional<double> parseValue(QByteArrayView v) {
    if (v == "+Inf" || v == "Inf")
        return INFINITY;
    if (v == "-Inf")
        return -INFINITY;
    if (v == "NaN")
        return NAN;
    if (v.isEmpty())
        return std::nullopt;
    for (char c : v)
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return std::nullopt;
    bool ok = false;
    const double d = v.toByteArray().toDouble(&ok);
    if (!ok)
        return std::nullopt;
    return d;
}

struct Parser {
    const QString& source;
    QString* error;
    int line = 0;

    bool fail(const QString& why) {
        *error = source + u": line %1: "_s.arg(line) + why;
        return false;
    }
    static QString text(QByteArrayView v) { return QString::fromUtf8(v); }

    // name{a="b",c="d"} value [timestamp]
    bool parseSample(QByteArrayView l, PrometheusSample& out) {
        qsizetype i = 0;
        while (i < l.size() && isNameChar(l[i]))
            ++i;
        out.name = l.first(i).toByteArray();
        if (!validMetricName(out.name))
            return fail(u"metric name: must match [a-zA-Z_:][a-zA-Z0-9_:]*"_s);
        if (i < l.size() && l[i] == '{') {
            ++i;
            for (;;) {
                if (i < l.size() && l[i] == '}') {
                    ++i;
                    break;
                }
                const qsizetype start = i;
                if (i >= l.size() || !isLabelStart(l[i]))
                    return fail(u"labels of %1: label name expected"_s.arg(text(out.name)));
                while (i < l.size() && isLabelChar(l[i]))
                    ++i;
                const QByteArray label = l.sliced(start, i - start).toByteArray();
                if (label.startsWith("__"))
                    return fail(
                        u"label %1: names starting with __ are reserved"_s.arg(text(label)));
                if (i + 1 >= l.size() || l[i] != '=' || l[i + 1] != '"')
                    return fail(u"label %1: must be followed by =\"value\""_s.arg(text(label)));
                i += 2;
                QByteArray value;
                bool closed = false;
                while (i < l.size()) {
                    const char c = l[i++];
                    if (c == '"') {
                        closed = true;
                        break;
                    }
                    if (c == '\\') {
                        if (i >= l.size())
                            break;
                        const char e = l[i++];
                        if (e == 'n')
                            value += '\n';
                        else if (e == '\\' || e == '"')
                            value += e;
                        else
                            return fail(u"label %1: unknown escape \\%2"_s.arg(text(label))
                                            .arg(QChar::fromLatin1(e)));
                    } else {
                        value += c;
                    }
                }
                if (!closed)
                    return fail(u"label %1: unterminated value"_s.arg(text(label)));
                if (out.labels.contains(label))
                    return fail(u"label %1: given twice"_s.arg(text(label)));
                out.labels.insert(label, value);
                if (i < l.size() && l[i] == ',') {
                    ++i;
                    continue;
                }
                if (i < l.size() && l[i] == '}') {
                    ++i;
                    break;
                }
                return fail(u"labels of %1: expected ',' or '}'"_s.arg(text(out.name)));
            }
        }
        if (i >= l.size() || (l[i] != ' ' && l[i] != '\t'))
            return fail(u"%1: a space and a value must follow the name"_s.arg(text(out.name)));
        const QList<QByteArray> rest = l.sliced(i).toByteArray().simplified().split(' ');
        if (rest.isEmpty() || rest.size() > 2 || rest[0].isEmpty())
            return fail(u"%1: expected a value and an optional timestamp"_s.arg(text(out.name)));
        const auto v = parseValue(rest[0]);
        if (!v)
            return fail(u"%1: value '%2' is not a number"_s.arg(text(out.name), text(rest[0])));
        out.value = *v;
        if (rest.size() == 2) {
            bool ok = false;
            out.timestampMs = rest[1].toLongLong(&ok);
            if (!ok)
                return fail(u"%1: timestamp must be an integer (ms)"_s.arg(text(out.name)));
        }
        out.line = line;
        return true;
    }
};

// The family a series belongs to, given the declared types.
QByteArray familyOf(const QByteArray& series, const QMap<QByteArray, QByteArray>& types) {
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        if (series.endsWith(suffix)) {
            const QByteArray base = series.chopped(qsizetype(strlen(suffix)));
            const QByteArray t = types.value(base);
            if (t == "histogram" || (t == "summary" && qstrcmp(suffix, "_bucket") != 0))
                return base;
        }
    }
    return series;
}

bool checkHistogram(const PrometheusFamily& f, Parser& p) {
    // Group series by labels without "le".
    const auto keyOf = [](const QMap<QByteArray, QByteArray>& labels) {
        QByteArray key;
        for (auto it = labels.cbegin(); it != labels.cend(); ++it)
            key += it.key() + '\x02' + it.value() + '\x01';
        return key;
    };
    QMap<QByteArray, std::vector<const PrometheusSample*>> buckets;
    QMap<QByteArray, double> counts;
    for (const auto& s : f.samples) {
        if (s.name.endsWith("_bucket")) {
            auto labels = s.labels;
            if (!labels.contains("le")) {
                p.line = s.line;
                return p.fail(
                    u"histogram %1: bucket without an le label"_s.arg(Parser::text(f.name)));
            }
            labels.remove("le");
            buckets[keyOf(labels)].push_back(&s);
        } else if (s.name.endsWith("_count")) {
            counts[keyOf(s.labels)] = s.value;
        }
    }
    for (auto it = buckets.cbegin(); it != buckets.cend(); ++it) {
        double previousLe = -INFINITY, previousCount = 0;
        bool sawInf = false;
        for (const PrometheusSample* s : it.value()) {
            p.line = s->line;
            const auto le = parseValue(s->labels.value("le"));
            if (!le)
                return p.fail(u"histogram %1: le must be a number"_s.arg(Parser::text(f.name)));
            if (!(*le > previousLe))
                return p.fail(u"histogram %1: le bounds must increase"_s.arg(Parser::text(f.name)));
            if (s->value < previousCount)
                return p.fail(
                    u"histogram %1: bucket counts must not decrease"_s.arg(Parser::text(f.name)));
            previousLe = *le;
            previousCount = s->value;
            sawInf = std::isinf(*le);
        }
        if (!sawInf)
            return p.fail(
                u"histogram %1: the last bucket must be le=\"+Inf\""_s.arg(Parser::text(f.name)));
        if (!counts.contains(it.key()))
            return p.fail(u"histogram %1: _count missing"_s.arg(Parser::text(f.name)));
        if (counts.value(it.key()) != previousCount)
            return p.fail(
                u"histogram %1: _count differs from the +Inf bucket"_s.arg(Parser::text(f.name)));
    }
    return true;
}

}  // namespace

std::optional<PrometheusExposition>
PrometheusTextParser::parse(const QByteArray& text, const QString& source, QString* error) {
    Parser p{source, error};
    PrometheusExposition out;
    QMap<QByteArray, QByteArray> types;
    QMap<QByteArray, qsizetype> index;  // family name -> position in out.families
    QSet<QByteArray> helped;
    QSet<QByteArray> closed;  // families whose samples ended (no interleaving)
    QSet<QByteArray> seriesSeen;
    QByteArray current;
    const auto familyAt = [&](const QByteArray& name) -> PrometheusFamily& {
        if (!index.contains(name)) {
            index.insert(name, qsizetype(out.families.size()));
            out.families.push_back({name, "untyped", {}, {}});
        }
        return out.families[std::size_t(index.value(name))];
    };
    if (!text.isEmpty() && !text.endsWith('\n')) {
        p.line = int(text.count('\n')) + 1;
        p.fail(u"the exposition must end with a newline"_s);
        return std::nullopt;
    }
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype n = 0; n + 1 < lines.size() || (n < lines.size() && !lines[n].isEmpty()); ++n) {
        p.line = int(n + 1);
        const QByteArray& l = lines[n];
        if (l.trimmed().isEmpty())
            continue;
        if (l.startsWith('#')) {
            const QList<QByteArray> parts = l.simplified().split(' ');
            if (parts.size() < 3 || (parts[1] != "HELP" && parts[1] != "TYPE"))
                continue;  // a plain comment
            const QByteArray& name = parts[2];
            if (!validMetricName(name)) {
                p.fail(u"# %1: invalid metric name '%2'"_s.arg(Parser::text(parts[1]),
                                                               Parser::text(name)));
                return std::nullopt;
            }
            if (closed.contains(name) ||
                (index.contains(name) && !familyAt(name).samples.empty())) {
                p.fail(u"# %1 %2: must come before the family's samples"_s.arg(
                    Parser::text(parts[1]), Parser::text(name)));
                return std::nullopt;
            }
            PrometheusFamily& f = familyAt(name);
            if (parts[1] == "TYPE") {
                if (types.contains(name)) {
                    p.fail(u"# TYPE %1: given twice"_s.arg(Parser::text(name)));
                    return std::nullopt;
                }
                const QByteArray type = parts.size() > 3 ? parts[3] : QByteArray();
                if (parts.size() != 4 ||
                    !(type == "counter" || type == "gauge" || type == "histogram" ||
                      type == "summary" || type == "untyped")) {
                    p.fail(
                        u"# TYPE %1: type must be counter, gauge, histogram, summary or untyped"_s
                            .arg(Parser::text(name)));
                    return std::nullopt;
                }
                types.insert(name, type);
                f.type = type;
            } else {
                if (helped.contains(name)) {
                    p.fail(u"# HELP %1: given twice"_s.arg(Parser::text(name)));
                    return std::nullopt;
                }
                helped.insert(name);
                const qsizetype at = l.indexOf(name) + name.size();
                QByteArray help = l.mid(at).trimmed();
                help.replace("\\n", "\n").replace("\\\\", "\\");
                f.help = help;
            }
            continue;
        }
        PrometheusSample s;
        if (!p.parseSample(l, s))
            return std::nullopt;
        const QByteArray fam = familyOf(s.name, types);
        if (fam != current) {
            if (!current.isEmpty())
                closed.insert(current);
            if (closed.contains(fam)) {
                p.fail(u"%1: samples of one family must be together"_s.arg(Parser::text(fam)));
                return std::nullopt;
            }
            current = fam;
        }
        const QByteArray type = types.value(fam, "untyped");
        if ((type == "counter") && (s.value < 0 || std::isnan(s.value))) {
            p.fail(u"%1: a counter must not be negative"_s.arg(Parser::text(s.name)));
            return std::nullopt;
        }
        QByteArray key = s.name;
        for (auto it = s.labels.cbegin(); it != s.labels.cend(); ++it)
            key += '\x01' + it.key() + '\x02' + it.value();
        if (seriesSeen.contains(key)) {
            p.fail(u"%1: the same series appears twice"_s.arg(Parser::text(s.name)));
            return std::nullopt;
        }
        seriesSeen.insert(key);
        familyAt(fam).samples.push_back(std::move(s));
    }
    for (const auto& f : out.families) {
        if (f.type == "histogram" && !checkHistogram(f, p))
            return std::nullopt;
    }
    return out;
}

}  // namespace pulsco
