#include "net/balancer/HaproxyStat.h"

#include <QRegularExpression>
#include <QStringList>

#include <algorithm>
#include <array>

namespace pulsco {

const HaproxyStatRow* HaproxyStatTable::find(const QString& proxy, const QString& server) const {
    const auto it = std::find_if(rows.begin(), rows.end(), [&](const HaproxyStatRow& r) {
        return r.proxy == proxy && r.server == server;
    });
    return it == rows.end() ? nullptr : &*it;
}

std::optional<QStringList> splitHaproxyCsv(const QString& line) {
    QStringList fields;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (quoted) {
            if (c == u'"') {
                if (i + 1 < line.size() && line.at(i + 1) == u'"') {
                    field += u'"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
        } else if (c == u'"') {
            quoted = true;
        } else if (c == u',') {
            fields << field;
            field.clear();
        } else {
            field += c;
        }
    }
    if (quoted)
        return std::nullopt;
    fields << field;
    return fields;
}

namespace {

bool fail(QString* error, const QString& message) {
    if (error)
        *error = message;
    return false;
}

bool readCount(const QString& text, std::uint64_t* out) {
    bool ok = false;
    const qulonglong v = text.toULongLong(&ok, 10);
    if (!ok || text.startsWith(u'+'))
        return false;
    *out = v;
    return true;
}

}  // namespace

std::optional<HaproxyStatTable> parseShowStat(const QByteArray& text, const QString& source,
                                              QString* error) {
    const QStringList lines = QString::fromUtf8(text).split(u'\n');
    qsizetype first = 0;
    while (first < lines.size() && lines.at(first).trimmed().isEmpty())
        ++first;
    if (first == lines.size()) {
        fail(error, source + QStringLiteral(": empty answer (no CSV header)"));
        return std::nullopt;
    }
    const QString header = lines.at(first);
    if (!header.startsWith(QLatin1String("# "))) {
        fail(error, source + QStringLiteral(": line %1: expected the CSV header '# pxname,svname,"
                                            "...', got '%2'")
                                 .arg(first + 1)
                                 .arg(header.left(80)));
        return std::nullopt;
    }
    const auto names = splitHaproxyCsv(header.mid(2));
    if (!names) {
        fail(error,
             source + QStringLiteral(": line %1: header: unterminated quote").arg(first + 1));
        return std::nullopt;
    }
    // The columns read. Everything else HAProxy reports is not needed and
    // not looked at.
    enum Col { Px, Sv, Status, ReqTot, Stot, Scur, Weight, Count };
    static const std::array<QLatin1String, Count> wanted{
        QLatin1String("pxname"),  QLatin1String("svname"), QLatin1String("status"),
        QLatin1String("req_tot"), QLatin1String("stot"),   QLatin1String("scur"),
        QLatin1String("weight")};
    std::array<qsizetype, Count> at{};
    for (int c = 0; c < Count; ++c) {
        at[c] = names->indexOf(wanted[c]);
        if (at[c] < 0) {
            fail(error, source + QStringLiteral(": line %1: header: no column '%2'")
                                     .arg(first + 1)
                                     .arg(wanted[c]));
            return std::nullopt;
        }
    }

    HaproxyStatTable table;
    for (qsizetype i = first + 1; i < lines.size(); ++i) {
        const QString& line = lines.at(i);
        if (line.trimmed().isEmpty())
            continue;
        const int lineNo = int(i + 1);
        const auto fields = splitHaproxyCsv(line);
        if (!fields) {
            fail(error, source + QStringLiteral(": line %1: unterminated quote").arg(lineNo));
            return std::nullopt;
        }
        if (fields->size() != names->size()) {
            fail(error, source + QStringLiteral(": line %1: %2 fields, the header has %3")
                                     .arg(lineNo)
                                     .arg(fields->size())
                                     .arg(names->size()));
            return std::nullopt;
        }
        HaproxyStatRow row;
        row.line = lineNo;
        row.proxy = fields->at(at[Px]);
        row.server = fields->at(at[Sv]);
        if (row.proxy.isEmpty() || row.server.isEmpty()) {
            fail(error, source + QStringLiteral(": line %1: pxname or svname empty").arg(lineNo));
            return std::nullopt;
        }
        // A frontend is the listening side: no weight, no server counters.
        // It is not a row this table describes (nor one the console asks for).
        if (row.server == QLatin1String("FRONTEND"))
            continue;
        const QString where =
            source + QStringLiteral(": line %1 (%2/%3): ").arg(lineNo).arg(row.proxy, row.server);
        row.status = fields->at(at[Status]);
        if (row.status.isEmpty()) {
            fail(error, where + QStringLiteral("status: empty"));
            return std::nullopt;
        }
        const std::array<std::pair<Col, std::uint64_t*>, 3> counts{
            {{ReqTot, &row.requests}, {Stot, &row.sessions}, {Scur, &row.current}}};
        for (const auto& [col, out] : counts) {
            const QString& v = fields->at(at[col]);
            if (!readCount(v, out)) {
                fail(error, where + QStringLiteral("%1: '%2' is not a number%3")
                                        .arg(wanted[col], v,
                                             col == ReqTot && v.isEmpty()
                                                 ? QStringLiteral(" (HAProxy counts HTTP requests "
                                                                  "only in mode http)")
                                                 : QString()));
                return std::nullopt;
            }
        }
        std::uint64_t weight = 0;
        const QString& w = fields->at(at[Weight]);
        // HAProxy's weights are 0..256 per server; a backend's is the sum.
        if (!readCount(w, &weight) || weight > 1'000'000) {
            fail(error, where + QStringLiteral("weight: '%1' is not a number").arg(w));
            return std::nullopt;
        }
        row.weight = int(weight);
        table.rows.push_back(std::move(row));
    }
    return table;
}

std::optional<HaproxyWeight> parseGetWeight(const QString& text, const QString& source,
                                            QString* error) {
    static const QRegularExpression re(QStringLiteral("^(\\d{1,3}) \\(initial (\\d{1,3})\\)$"));
    const QString answer = text.trimmed();
    const auto m = re.match(answer);
    if (!m.hasMatch()) {
        fail(error,
             source + QStringLiteral(": expected 'N (initial M)', got '%1'").arg(answer.left(80)));
        return std::nullopt;
    }
    HaproxyWeight w;
    w.current = m.captured(1).toInt();
    w.initial = m.captured(2).toInt();
    if (w.current > 256 || w.initial > 256) {
        fail(error, source + QStringLiteral(": weight '%1' is over HAProxy's 256").arg(answer));
        return std::nullopt;
    }
    return w;
}

}  // namespace pulsco
