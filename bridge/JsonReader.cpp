#include "bridge/JsonReader.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

QString typeName(const QJsonValue& value) {
    switch (value.type()) {
    case QJsonValue::Null:
        return u"null"_s;
    case QJsonValue::Bool:
        return u"a boolean"_s;
    case QJsonValue::Double:
        return u"a number"_s;
    case QJsonValue::String:
        return u"a string"_s;
    case QJsonValue::Array:
        return u"an array"_s;
    case QJsonValue::Object:
        return u"an object"_s;
    case QJsonValue::Undefined:
        break;
    }
    return u"nothing"_s;
}

QString formatNumber(double value) {
    if (std::isinf(value))
        return value > 0 ? u"infinity"_s : u"-infinity"_s;
    // Whole numbers (limits such as 2^53) print in full, not as 9.007e+15.
    if (std::floor(value) == value && std::fabs(value) < 1e18)
        return QString::number(static_cast<qint64>(value));
    return QString::number(value, 'g', 12);
}

QString rangeText(double min, double max) {
    if (std::isinf(min) && std::isinf(max))
        return {};
    if (std::isinf(max))
        return u" >= "_s + formatNumber(min);
    if (std::isinf(min))
        return u" <= "_s + formatNumber(max);
    return u" from "_s + formatNumber(min) + u" to "_s + formatNumber(max);
}

// Shared checks of object fields and array elements; `fail` records an error.
template <typename Fail>
std::optional<double> checkNumber(const QJsonValue& v, double min, double max, Fail fail) {
    if (!v.isDouble()) {
        fail(u"must be a number"_s + rangeText(min, max) + u" (got "_s + typeName(v) + u')');
        return std::nullopt;
    }
    const double d = v.toDouble();
    if (!std::isfinite(d) || d < min || d > max) {
        fail(u"must be a number"_s + rangeText(min, max) + u" (got "_s + formatNumber(d) + u')');
        return std::nullopt;
    }
    return d;
}

template <typename Fail>
std::optional<qint64> checkInteger(const QJsonValue& v, qint64 min, qint64 max, Fail fail) {
    // The message is built only on failure: integers are read in hot loops
    // (histogram buckets of every snapshot).
    const auto expected = [&]() -> QString {
        return u"must be an integer"_s +
               rangeText(static_cast<double>(min), static_cast<double>(max));
    };
    if (!v.isDouble()) {
        fail(expected() + u" (got "_s + typeName(v) + u')');
        return std::nullopt;
    }
    const double d = v.toDouble();
    if (!std::isfinite(d) || std::floor(d) != d || d < static_cast<double>(min) ||
        d > static_cast<double>(max)) {
        fail(expected() + u" (got "_s + formatNumber(d) + u')');
        return std::nullopt;
    }
    return static_cast<qint64>(d);
}

template <typename Fail>
std::optional<QString> checkString(const QJsonValue& v, qsizetype maxLength, Fail fail) {
    if (!v.isString()) {
        fail(u"must be a string (got "_s + typeName(v) + u')');
        return std::nullopt;
    }
    QString s = v.toString();
    if (s.size() > maxLength) {
        fail(u"must be at most "_s + QString::number(maxLength) + u" characters (got "_s +
             QString::number(s.size()) + u')');
        return std::nullopt;
    }
    return s;
}

}  // namespace

JsonReader::JsonReader(QString source)
    : m_source(std::move(source)) {}

std::optional<JsonObjectReader> JsonReader::parseObject(const QByteArray& bytes) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (m_error.isEmpty())
            m_error = m_source + u": invalid JSON at offset "_s +
                      QString::number(parseError.offset) + u": "_s + parseError.errorString();
        return std::nullopt;
    }
    if (!doc.isObject()) {
        fail({}, u"must be a JSON object"_s);
        return std::nullopt;
    }
    return JsonObjectReader(this, doc.object(), {});
}

JsonObjectReader JsonReader::wrap(const QJsonObject& object, const QString& path) {
    return JsonObjectReader(this, object, path);
}

void JsonReader::fail(const QString& path, const QString& why) {
    if (!m_error.isEmpty())
        return;
    m_error = m_source + u": "_s + (path.isEmpty() ? u"top level"_s : path) + u": "_s + why;
}

// --- objects -----------------------------------------------------------------

JsonObjectReader::JsonObjectReader(JsonReader* reader, QJsonObject object, QString path)
    : m_reader(reader)
    , m_object(std::move(object))
    , m_path(std::move(path)) {}

QString JsonObjectReader::fieldPath(QStringView key) const {
    return m_path.isEmpty() ? key.toString() : m_path + u'.' + key;
}

void JsonObjectReader::fail(QStringView key, const QString& why) {
    m_reader->fail(key.isEmpty() ? m_path : fieldPath(key), why);
}

void JsonObjectReader::allow(QStringView key) {
    if (!m_seen.contains(key))
        m_seen.append(key.toString());
}

std::optional<QJsonValue> JsonObjectReader::lookup(QStringView key, bool required) {
    allow(key);
    if (!m_reader->ok())
        return std::nullopt;
    const auto it = m_object.constFind(key);
    if (it == m_object.constEnd()) {
        if (required)
            fail(key, u"is required"_s);
        return std::nullopt;
    }
    return it.value();
}

QString JsonObjectReader::string(QStringView key, qsizetype maxLength) {
    const std::optional<QJsonValue> v = lookup(key, true);
    if (!v)
        return {};
    return checkString(*v, maxLength, [&](const QString& why) { fail(key, why); })
        .value_or(QString());
}

QString JsonObjectReader::oneOf(QStringView key, const QStringList& allowed) {
    const QString value = string(key);
    if (ok() && !allowed.contains(value)) {
        fail(key, u"must be one of "_s + allowed.join(u", "_s) + u" (got \""_s + value + u"\")"_s);
        return {};
    }
    return value;
}

double JsonObjectReader::number(QStringView key, double min, double max) {
    const std::optional<QJsonValue> v = lookup(key, true);
    if (!v)
        return 0;
    return checkNumber(*v, min, max, [&](const QString& why) { fail(key, why); }).value_or(0.0);
}

qint64 JsonObjectReader::integer(QStringView key, qint64 min, qint64 max) {
    const std::optional<QJsonValue> v = lookup(key, true);
    if (!v)
        return 0;
    return checkInteger(*v, min, max, [&](const QString& why) { fail(key, why); }).value_or(0);
}

bool JsonObjectReader::boolean(QStringView key) {
    const std::optional<QJsonValue> v = lookup(key, true);
    if (!v)
        return false;
    if (!v->isBool()) {
        fail(key, u"must be true or false (got "_s + typeName(*v) + u')');
        return false;
    }
    return v->toBool();
}

JsonObjectReader JsonObjectReader::object(QStringView key) {
    const std::optional<QJsonValue> v = lookup(key, true);
    if (v && !v->isObject())
        fail(key, u"must be an object (got "_s + typeName(*v) + u')');
    return JsonObjectReader(m_reader, v && v->isObject() ? v->toObject() : QJsonObject(),
                            fieldPath(key));
}

JsonArrayReader JsonObjectReader::array(QStringView key, qsizetype maxSize) {
    const std::optional<QJsonValue> v = lookup(key, true);
    QJsonArray result;
    if (v && !v->isArray())
        fail(key, u"must be an array (got "_s + typeName(*v) + u')');
    else if (v && v->toArray().size() > maxSize)
        fail(key, u"must have at most "_s + QString::number(maxSize) + u" elements (got "_s +
                      QString::number(v->toArray().size()) + u')');
    else if (v)
        result = v->toArray();
    return JsonArrayReader(m_reader, result, fieldPath(key));
}

QString JsonObjectReader::optionalString(QStringView key, const QString& fallback,
                                         qsizetype maxLength) {
    return has(key) ? string(key, maxLength) : (allow(key), fallback);
}

QString JsonObjectReader::optionalOneOf(QStringView key, const QStringList& allowed,
                                        const QString& fallback) {
    return has(key) ? oneOf(key, allowed) : (allow(key), fallback);
}

double JsonObjectReader::optionalNumber(QStringView key, double fallback, double min, double max) {
    return has(key) ? number(key, min, max) : (allow(key), fallback);
}

qint64 JsonObjectReader::optionalInteger(QStringView key, qint64 fallback, qint64 min, qint64 max) {
    return has(key) ? integer(key, min, max) : (allow(key), fallback);
}

bool JsonObjectReader::optionalBoolean(QStringView key, bool fallback) {
    return has(key) ? boolean(key) : (allow(key), fallback);
}

std::optional<JsonObjectReader> JsonObjectReader::optionalObject(QStringView key) {
    allow(key);
    if (!has(key))
        return std::nullopt;
    return object(key);
}

std::optional<JsonArrayReader> JsonObjectReader::optionalArray(QStringView key, qsizetype maxSize) {
    allow(key);
    if (!has(key))
        return std::nullopt;
    return array(key, maxSize);
}

void JsonObjectReader::finish() {
    if (!m_reader->ok())
        return;
    for (auto it = m_object.constBegin(); it != m_object.constEnd(); ++it) {
        if (!m_seen.contains(it.key())) {
            QStringList known = m_seen;
            known.sort();
            fail(it.key(), u"unknown field"_s + (known.isEmpty() ? QString()
                                                                 : u" (known fields: "_s +
                                                                       known.join(u", "_s) + u')'));
            return;
        }
    }
}

// --- arrays ------------------------------------------------------------------

JsonArrayReader::JsonArrayReader(JsonReader* reader, QJsonArray array, QString path)
    : m_reader(reader)
    , m_array(std::move(array))
    , m_path(std::move(path)) {}

QString JsonArrayReader::elementPath(qsizetype index) const {
    return m_path + u'[' + QString::number(index) + u']';
}

void JsonArrayReader::fail(qsizetype index, const QString& why) {
    m_reader->fail(elementPath(index), why);
}

JsonObjectReader JsonArrayReader::object(qsizetype index) {
    const QJsonValue v = m_array.at(index);
    if (m_reader->ok() && !v.isObject())
        fail(index, u"must be an object (got "_s + typeName(v) + u')');
    return JsonObjectReader(m_reader, v.toObject(), elementPath(index));
}

JsonArrayReader JsonArrayReader::array(qsizetype index, qsizetype maxSize) {
    const QJsonValue v = m_array.at(index);
    QJsonArray result;
    if (m_reader->ok() && !v.isArray())
        fail(index, u"must be an array (got "_s + typeName(v) + u')');
    else if (v.toArray().size() > maxSize)
        fail(index, u"must have at most "_s + QString::number(maxSize) + u" elements"_s);
    else
        result = v.toArray();
    return JsonArrayReader(m_reader, result, elementPath(index));
}

QString JsonArrayReader::string(qsizetype index, qsizetype maxLength) {
    if (!m_reader->ok())
        return {};
    return checkString(m_array.at(index), maxLength, [&](const QString& why) { fail(index, why); })
        .value_or(QString());
}

double JsonArrayReader::number(qsizetype index, double min, double max) {
    if (!m_reader->ok())
        return 0;
    return checkNumber(m_array.at(index), min, max, [&](const QString& why) { fail(index, why); })
        .value_or(0.0);
}

qint64 JsonArrayReader::integer(qsizetype index, qint64 min, qint64 max) {
    if (!m_reader->ok())
        return 0;
    return checkInteger(m_array.at(index), min, max, [&](const QString& why) { fail(index, why); })
        .value_or(0);
}

// --- files -------------------------------------------------------------------

std::optional<QByteArray> readFileForParsing(const QString& path, qint64 maxBytes, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = path + u": cannot open: "_s + file.errorString();
        return std::nullopt;
    }
    if (file.size() > maxBytes) {
        if (error)
            *error = path + u": too large ("_s + QString::number(file.size()) +
                     u" bytes; the limit is "_s + QString::number(maxBytes) + u')';
        return std::nullopt;
    }
    QByteArray bytes = file.read(maxBytes + 1);
    if (bytes.size() > maxBytes) {
        if (error)
            *error =
                path + u": too large (the limit is "_s + QString::number(maxBytes) + u" bytes)"_s;
        return std::nullopt;
    }
    return bytes;
}

}  // namespace pulsco
