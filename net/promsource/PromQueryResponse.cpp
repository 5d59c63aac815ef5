#include "net/promsource/PromQueryResponse.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// Prometheus writes sample values as strings: a number, "NaN", "+Inf", "-Inf".
std::optional<double> sampleValue(const QJsonValue& v) {
    if (!v.isString())
        return std::nullopt;
    const QString text = v.toString();
    if (text == u"NaN")
        return std::numeric_limits<double>::quiet_NaN();
    if (text == u"+Inf" || text == u"Inf")
        return std::numeric_limits<double>::infinity();
    if (text == u"-Inf")
        return -std::numeric_limits<double>::infinity();
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !std::isfinite(value))
        return std::nullopt;
    return value;
}

// [<unix seconds>, "<value>"]
std::optional<PromPoint> point(const QJsonValue& v, QString* why) {
    const QJsonArray pair = v.toArray();
    if (!v.isArray() || pair.size() != 2 || !pair.at(0).isDouble()) {
        *why = u"must be [<unix seconds>, \"<value>\"]"_s;
        return std::nullopt;
    }
    const auto value = sampleValue(pair.at(1));
    if (!value) {
        *why = u"value must be a number in a string (or NaN, +Inf, -Inf)"_s;
        return std::nullopt;
    }
    return PromPoint{pair.at(0).toDouble(), *value};
}

}  // namespace

std::optional<PromQueryResult> parsePromQueryResponse(const QByteArray& body, int httpStatus,
                                                      const QString& what, PromQueryError* error) {
    const auto fail = [&](const QString& type,
                          const QString& why) -> std::optional<PromQueryResult> {
        if (error)
            *error = {type, what + u": "_s + why};
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        if (httpStatus != 0 && httpStatus != 200)
            return fail(u"http"_s, u"HTTP %1 and no Prometheus answer (is this a Prometheus "
                                   "server?)"_s.arg(httpStatus));
        return fail(u"response"_s,
                    parseError.error != QJsonParseError::NoError
                        ? u"not JSON at offset %1: %2 (is this a Prometheus server?)"_s
                              .arg(parseError.offset)
                              .arg(parseError.errorString())
                        : u"top level must be an object"_s);
    }
    const QJsonObject top = doc.object();
    const QString status = top.value(u"status").toString();
    if (status == u"error") {
        const QString type = top.value(u"errorType").toString();
        const QString message = top.value(u"error").toString();
        return fail(type.isEmpty() ? u"response"_s : type,
                    (type.isEmpty() ? QString() : type + u": "_s) +
                        (message.isEmpty() ? u"error without a message"_s : message));
    }
    if (status != u"success")
        return fail(u"response"_s, u"status: must be \"success\" or \"error\""_s);
    if (httpStatus != 0 && httpStatus != 200)
        return fail(u"http"_s, u"HTTP %1 with a success body"_s.arg(httpStatus));
    const QJsonValue dataValue = top.value(u"data");
    if (!dataValue.isObject())
        return fail(u"response"_s, u"data: must be an object"_s);
    const QJsonObject data = dataValue.toObject();
    PromQueryResult out;
    out.resultType = data.value(u"resultType").toString();
    for (const QJsonValue& w : top.value(u"warnings").toArray())
        out.warnings << w.toString();
    const QJsonValue result = data.value(u"result");
    if (out.resultType == u"scalar") {
        QString why;
        const auto p = point(result, &why);
        if (!p)
            return fail(u"response"_s, u"data.result: "_s + why);
        out.series.push_back({{}, {*p}});
        return out;
    }
    if (out.resultType != u"vector" && out.resultType != u"matrix")
        return fail(
            u"response"_s,
            u"data.resultType: \"%1\" is not a vector, matrix or scalar"_s.arg(out.resultType));
    if (!result.isArray())
        return fail(u"response"_s, u"data.result: must be an array"_s);
    const bool matrix = out.resultType == u"matrix";
    const QJsonArray series = result.toArray();
    out.series.reserve(std::size_t(series.size()));
    for (qsizetype i = 0; i < series.size(); ++i) {
        const QString at = u"data.result[%1]"_s.arg(i);
        const QJsonObject entry = series.at(i).toObject();
        const QJsonValue metric = entry.value(u"metric");
        if (!series.at(i).isObject() || !metric.isObject())
            return fail(u"response"_s, at + u".metric: must be an object"_s);
        PromSeries s;
        const QJsonObject labels = metric.toObject();
        for (auto it = labels.begin(); it != labels.end(); ++it) {
            if (!it.value().isString())
                return fail(u"response"_s,
                            at + u".metric.%1: label values must be strings"_s.arg(it.key()));
            s.labels.insert(it.key(), it.value().toString());
        }
        QString why;
        if (matrix) {
            const QJsonValue values = entry.value(u"values");
            if (!values.isArray())
                return fail(u"response"_s, at + u".values: must be an array"_s);
            const QJsonArray list = values.toArray();
            s.points.reserve(std::size_t(list.size()));
            for (qsizetype k = 0; k < list.size(); ++k) {
                const auto p = point(list.at(k), &why);
                if (!p)
                    return fail(u"response"_s, at + u".values[%1]: "_s.arg(k) + why);
                if (!s.points.empty() && p->atUnixSeconds <= s.points.back().atUnixSeconds)
                    return fail(u"response"_s, at + u".values[%1]: time must increase"_s.arg(k));
                s.points.push_back(*p);
            }
        } else {
            const auto p = point(entry.value(u"value"), &why);
            if (!p)
                return fail(u"response"_s, at + u".value: "_s + why);
            s.points.push_back(*p);
        }
        out.series.push_back(std::move(s));
    }
    return out;
}

}  // namespace pulsco
