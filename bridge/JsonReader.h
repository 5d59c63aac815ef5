// Strict JSON reading for every file and request body the product accepts.
// Tracks the field path so each error says where and why, e.g.
//   "scenarios/x.json: population.players: must be an integer from 1 to 1000000"
// refuses unknown fields, and keeps only the first error (later reads return
// defaults) so callers check once at the end and never use a half-read value.
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <limits>
#include <optional>
#include <vector>

namespace pulsco {

class JsonObjectReader;
class JsonArrayReader;

class JsonReader {
public:
    // `source` names what is read: a file path, "POST /v1/tickets", ...
    explicit JsonReader(QString source);

    // Parses `bytes` as a JSON object. On failure records
    // "<source>: invalid JSON at offset N: <why>" (or "top level: must be an object").
    std::optional<JsonObjectReader> parseObject(const QByteArray& bytes);
    JsonObjectReader wrap(const QJsonObject& object, const QString& path = {});

    bool ok() const { return m_error.isEmpty(); }
    // "<source>: <path>: <why>", or "" when everything read was valid.
    const QString& error() const { return m_error; }
    const QString& source() const { return m_source; }
    // Records an error at `path` unless one is already recorded.
    void fail(const QString& path, const QString& why);

private:
    QString m_source;
    QString m_error;
};

class JsonObjectReader {
public:
    static constexpr double kInf = std::numeric_limits<double>::infinity();

    JsonObjectReader(JsonReader* reader, QJsonObject object, QString path);

    bool has(QStringView key) const { return m_object.contains(key); }
    QStringList keys() const { return m_object.keys(); }
    const QJsonObject& raw() const { return m_object; }
    const QString& path() const { return m_path; }
    QString fieldPath(QStringView key) const;
    JsonReader& reader() const { return *m_reader; }
    bool ok() const { return m_reader->ok(); }
    void fail(QStringView key, const QString& why);

    // Required fields: a missing or mistyped field is an error.
    QString string(QStringView key, qsizetype maxLength = 1024);
    QString oneOf(QStringView key, const QStringList& allowed);
    double number(QStringView key, double min = -kInf, double max = kInf);
    qint64 integer(QStringView key, qint64 min, qint64 max);
    bool boolean(QStringView key);
    JsonObjectReader object(QStringView key);
    JsonArrayReader array(QStringView key, qsizetype maxSize = 100000);

    // Optional fields: absent gives the fallback; present but invalid is an error.
    QString optionalString(QStringView key, const QString& fallback, qsizetype maxLength = 1024);
    QString optionalOneOf(QStringView key, const QStringList& allowed, const QString& fallback);
    double optionalNumber(QStringView key, double fallback, double min = -kInf, double max = kInf);
    qint64 optionalInteger(QStringView key, qint64 fallback, qint64 min, qint64 max);
    bool optionalBoolean(QStringView key, bool fallback);
    std::optional<JsonObjectReader> optionalObject(QStringView key);
    std::optional<JsonArrayReader> optionalArray(QStringView key, qsizetype maxSize = 100000);

    // Marks a key as known without reading it (e.g. "$comment").
    void allow(QStringView key);
    // Refuses every field that was not read or allowed. Call once at the end.
    void finish();

private:
    std::optional<QJsonValue> lookup(QStringView key, bool required);

    JsonReader* m_reader;
    QJsonObject m_object;
    QString m_path;
    QStringList m_seen;
};

class JsonArrayReader {
public:
    JsonArrayReader(JsonReader* reader, QJsonArray array, QString path);

    qsizetype size() const { return m_array.size(); }
    const QJsonArray& raw() const { return m_array; }
    const QString& path() const { return m_path; }
    QString elementPath(qsizetype index) const;
    bool ok() const { return m_reader->ok(); }
    void fail(qsizetype index, const QString& why);

    JsonObjectReader object(qsizetype index);
    JsonArrayReader array(qsizetype index, qsizetype maxSize = 100000);
    QString string(qsizetype index, qsizetype maxLength = 1024);
    double number(qsizetype index, double min = -JsonObjectReader::kInf,
                  double max = JsonObjectReader::kInf);
    qint64 integer(qsizetype index, qint64 min, qint64 max);

private:
    JsonReader* m_reader;
    QJsonArray m_array;
    QString m_path;
};

// Reads a whole file for parsing, refusing files over maxBytes.
// On failure returns nullopt and sets *error to "<path>: <why>".
std::optional<QByteArray> readFileForParsing(const QString& path, qint64 maxBytes, QString* error);

}  // namespace pulsco
