// The compact writer must always produce JSON that Qt's parser reads back
// to the same values.
#include "bridge/JsonWriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace Qt::StringLiterals;
using pulsco::JsonWriter;

namespace {

QJsonDocument parse(const QByteArray& json) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("not JSON (%s): %s", qPrintable(error.errorString()), json.constData());
    return doc;
}

}  // namespace

class TestJsonWriter : public QObject {
    Q_OBJECT

private slots:
    void nestingAndSeparators();
    void doublesRoundTripExactly();
    void nonFiniteNumbersStayReadable();
    void integersAreExact();
    void strings_data();
    void strings();
    void qtStringTypes();
    void invalidUtf8StillParses();
    void rawValueSplices();
};

void TestJsonWriter::nestingAndSeparators() {
    QByteArray json;
    JsonWriter out(&json);
    out.beginObject();
    out.field("a", 1);
    out.key("list");
    out.beginArray();
    out.value(true);
    out.beginObject();
    out.endObject();
    out.beginArray();
    out.endArray();
    out.value("x");
    out.endArray();
    out.key("empty");
    out.beginObject();
    out.endObject();
    out.endObject();
    QCOMPARE(json, R"({"a":1,"list":[true,{},[],"x"],"empty":{}})"_ba);
}

void TestJsonWriter::doublesRoundTripExactly() {
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> exponent(-300, 300);
    std::uniform_real_distribution<double> mantissa(-10, 10);
    for (int i = 0; i < 20000; ++i) {
        const double v = mantissa(rng) * std::pow(10.0, exponent(rng));
        QByteArray json;
        JsonWriter out(&json);
        out.beginArray();
        out.value(v);
        out.value(0.1);
        out.value(-0.0);
        out.endArray();
        const QJsonArray parsed = parse(json).array();
        QCOMPARE(parsed.size(), 3);
        // Bit-exact: the shortest form that reads back to the same double.
        QCOMPARE(parsed.at(0).toDouble(), v);
        QCOMPARE(parsed.at(1).toDouble(), 0.1);
    }
}

void TestJsonWriter::nonFiniteNumbersStayReadable() {
    QByteArray json;
    JsonWriter out(&json);
    out.beginArray();
    out.value(std::numeric_limits<double>::quiet_NaN());
    out.value(std::numeric_limits<double>::infinity());
    out.value(-std::numeric_limits<double>::infinity());
    out.endArray();
    const QJsonArray parsed = parse(json).array();
    QCOMPARE(parsed.size(), 3);
    QCOMPARE(parsed.at(0).toDouble(), 0.0);
    QCOMPARE(parsed.at(1).toDouble(), std::numeric_limits<double>::max());
    QCOMPARE(parsed.at(2).toDouble(), -std::numeric_limits<double>::max());
}

void TestJsonWriter::integersAreExact() {
    QByteArray json;
    JsonWriter out(&json);
    out.beginArray();
    out.value(std::uint64_t{18446744073709551615u});
    out.value(std::int64_t{-9007199254740993});
    out.value(0);
    out.value(qint64{-5});
    out.value(std::size_t{7});
    out.value(short{-2});
    out.value(3u);
    out.value(false);
    out.endArray();
    QCOMPARE(json, "[18446744073709551615,-9007199254740993,0,-5,7,-2,3,false]"_ba);
}

void TestJsonWriter::strings_data() {
    QTest::addColumn<QByteArray>("utf8");
    QTest::addRow("plain") << "eu-west"_ba;
    QTest::addRow("empty") << ""_ba;
    QTest::addRow("quote and backslash") << R"(say "hi" \ bye)"_ba;
    QTest::addRow("control characters") << "line\nnext\ttab\r\x01\x1f"_ba;
    QTest::addRow("non-ASCII") << "latency +300 ms · grün · 日本"_ba;
}

void TestJsonWriter::strings() {
    QFETCH(QByteArray, utf8);
    QByteArray json;
    JsonWriter out(&json);
    out.beginObject();
    out.field(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())),
              std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())));
    out.endObject();
    const QJsonObject parsed = parse(json).object();
    QCOMPARE(parsed.size(), 1);
    const QString expected = QString::fromUtf8(utf8);
    QCOMPARE(parsed.constBegin().key(), expected);
    QCOMPARE(parsed.constBegin().value().toString(), expected);
}

void TestJsonWriter::qtStringTypes() {
    QByteArray json;
    JsonWriter out(&json);
    out.beginArray();
    out.value(u"grün \"q\""_s);
    out.value("t42"_ba);
    out.value(std::string("std"));
    out.endArray();
    QCOMPARE(json, R"(["grün \"q\"","t42","std"])"_ba);
}

void TestJsonWriter::invalidUtf8StillParses() {
    const char bad[] = "ok \xff\xfe then \xc3";
    QByteArray json;
    JsonWriter out(&json);
    out.beginArray();
    out.value(std::string_view(bad, std::strlen(bad)));
    out.endArray();
    const QJsonArray parsed = parse(json).array();
    QCOMPARE(parsed.size(), 1);
    QVERIFY(parsed.at(0).toString().startsWith(u"ok "_s));
    QVERIFY(parsed.at(0).toString().contains(QChar(0xFFFD)));
}

void TestJsonWriter::rawValueSplices() {
    QByteArray json;
    JsonWriter out(&json);
    out.beginObject();
    out.field("seq", 7);
    out.key("snapshot");
    out.rawValue(R"({"x":1})"_ba);
    out.endObject();
    QCOMPARE(json, R"({"seq":7,"snapshot":{"x":1}})"_ba);
}

QTEST_APPLESS_MAIN(TestJsonWriter)
#include "tst_json_writer.moc"
