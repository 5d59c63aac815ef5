#include "net/prometheus/PrometheusTextWriter.h"

#include <cmath>

namespace pulsco {

QByteArray PrometheusTextWriter::formatValue(double value) {
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    if (value == std::floor(value) && std::fabs(value) < 1e15)
        return QByteArray::number(static_cast<qint64>(value));
    // The shortest text that reads back as the same double: "0.15", not
    // "0.14999999999999999" (a bucket's le label is read by people too).
    for (int precision = 15; precision < 17; ++precision) {
        const QByteArray text = QByteArray::number(value, 'g', precision);
        if (text.toDouble() == value)
            return text;
    }
    return QByteArray::number(value, 'g', 17);
}

QByteArray PrometheusTextWriter::escapeLabelValue(const QByteArray& value) {
    QByteArray out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QByteArray PrometheusTextWriter::escapeHelp(const QByteArray& help) {
    QByteArray out;
    for (char c : help) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

void PrometheusTextWriter::family(const QByteArray& name, const QByteArray& type,
                                  const QByteArray& help) {
    m_out += "# HELP " + name + ' ' + escapeHelp(help) + '\n';
    m_out += "# TYPE " + name + ' ' + type + '\n';
}

void PrometheusTextWriter::writeSeries(const QByteArray& name, const Labels& labels,
                                       const QByteArray* extraName, const QByteArray* extraValue,
                                       double value) {
    m_out += name;
    if (!labels.isEmpty() || extraName) {
        m_out += '{';
        bool first = true;
        for (const auto& [k, v] : labels) {
            if (!first)
                m_out += ',';
            first = false;
            m_out += k + "=\"" + escapeLabelValue(v) + '"';
        }
        if (extraName) {
            if (!first)
                m_out += ',';
            m_out += *extraName + "=\"" + escapeLabelValue(*extraValue) + '"';
        }
        m_out += '}';
    }
    m_out += ' ' + formatValue(value) + '\n';
}

void PrometheusTextWriter::sample(const QByteArray& name, const Labels& labels, double value) {
    writeSeries(name, labels, nullptr, nullptr, value);
}

void PrometheusTextWriter::single(const QByteArray& name, const QByteArray& type,
                                  const QByteArray& help, double value) {
    family(name, type, help);
    sample(name, {}, value);
}

void PrometheusTextWriter::histogram(const QByteArray& name, const Labels& labels,
                                     const Histogram& histogram,
                                     const std::vector<double>& upperBounds, double scale) {
    std::vector<double> bounds;
    bounds.reserve(upperBounds.size() + 1);
    for (double b : upperBounds)
        bounds.push_back(b / scale);  // into the histogram's own unit
    bounds.push_back(INFINITY);
    const std::vector<std::uint64_t> counts = histogram.cumulativeCounts(bounds);
    static const QByteArray le = "le";
    const QByteArray bucketName = name + "_bucket";
    for (std::size_t i = 0; i < upperBounds.size(); ++i) {
        const QByteArray bound = formatValue(upperBounds[i]);
        writeSeries(bucketName, labels, &le, &bound, double(counts[i]));
    }
    static const QByteArray inf = "+Inf";
    // The +Inf bucket is the count by definition, whatever rounding did.
    writeSeries(bucketName, labels, &le, &inf, double(histogram.count()));
    writeSeries(name + "_sum", labels, nullptr, nullptr, histogram.sum() * scale);
    writeSeries(name + "_count", labels, nullptr, nullptr, double(histogram.count()));
}

}  // namespace pulsco
