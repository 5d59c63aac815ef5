// The strict JSON reader behind every file and request the product accepts.
#include "bridge/JsonReader.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

class TestJsonReader : public QObject {
    Q_OBJECT
private slots:
    void errors_data();
    void errors();
    void readsValidDocument();
    void optionalFieldsFallBack();
    void firstErrorWins();
    void fileLimits();
};

// Each row: a document and the exact error a person would read.
void TestJsonReader::errors_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::addRow("not json") << QByteArray("{\"a\": ") << u"f.json: invalid JSON at offset"_s;
    QTest::addRow("array at top") << QByteArray("[1]")
                                  << u"f.json: top level: must be a JSON object"_s;
    QTest::addRow("missing") << QByteArray("{}") << u"f.json: name: is required"_s;
    QTest::addRow("wrong type") << QByteArray(R"({"name": 3})")
                                << u"f.json: name: must be a string (got a number)"_s;
    QTest::addRow("unknown field") << QByteArray(R"({"name": "x", "count": 1, "colour": 1})")
                                   << u"f.json: colour: unknown field (known fields: count, name, "
                                      u"nested)"_s;
    QTest::addRow("integer fraction")
        << QByteArray(R"({"name": "x", "count": 1.5})")
        << u"f.json: count: must be an integer from 1 to 10 (got 1.5)"_s;
    QTest::addRow("integer range") << QByteArray(R"({"name": "x", "count": 0})")
                                   << u"f.json: count: must be an integer from 1 to 10 (got 0)"_s;
    QTest::addRow("nested path")
        << QByteArray(R"({"name": "x", "nested": {"items": [1, "two"]}})")
        << u"f.json: nested.items[1]: must be a number >= 0 (got a string)"_s;
    QTest::addRow("nested unknown") << QByteArray(R"({"name": "x", "nested": {"itemz": []}})")
                                    << u"f.json: nested.itemz: unknown field (known fields: items, "
                                       u"mode)"_s;
    QTest::addRow("one of") << QByteArray(R"({"name": "x", "nested": {"mode": "fast"}})")
                            << u"f.json: nested.mode: must be one of slow, steady (got \"fast\")"_s;
}

void TestJsonReader::errors() {
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    JsonReader reader(u"f.json"_s);
    if (auto root = reader.parseObject(json)) {
        root->string(u"name");
        root->optionalInteger(u"count", 1, 1, 10);
        if (auto nested = root->optionalObject(u"nested")) {
            if (auto items = nested->optionalArray(u"items")) {
                for (qsizetype i = 0; i < items->size(); ++i)
                    items->number(i, 0);
            }
            nested->optionalOneOf(u"mode", {u"slow"_s, u"steady"_s}, u"slow"_s);
            nested->finish();
        }
        root->finish();
    }
    QVERIFY(!reader.ok());
    QVERIFY2(reader.error().startsWith(error), qPrintable(reader.error()));
}

void TestJsonReader::readsValidDocument() {
    JsonReader reader(u"ok.json"_s);
    auto root = reader.parseObject(R"({"s": "hi", "n": 2.5, "i": 7, "b": true,
                                      "o": {"k": "v"}, "a": [1, 2, 3]})");
    QVERIFY(root);
    QCOMPARE(root->string(u"s"), u"hi"_s);
    QCOMPARE(root->number(u"n", 0, 10), 2.5);
    QCOMPARE(root->integer(u"i", 0, 10), 7);
    QCOMPARE(root->boolean(u"b"), true);
    auto o = root->object(u"o");
    QCOMPARE(o.string(u"k"), u"v"_s);
    QCOMPARE(o.path(), u"o"_s);
    o.finish();
    auto a = root->array(u"a");
    QCOMPARE(a.size(), 3);
    QCOMPARE(a.integer(2, 0, 5), 3);
    root->finish();
    QVERIFY2(reader.ok(), qPrintable(reader.error()));
}

void TestJsonReader::optionalFieldsFallBack() {
    JsonReader reader(u"opt.json"_s);
    auto root = reader.parseObject("{}");
    QVERIFY(root);
    QCOMPARE(root->optionalString(u"s", u"d"_s), u"d"_s);
    QCOMPARE(root->optionalNumber(u"n", 4.5), 4.5);
    QCOMPARE(root->optionalBoolean(u"b", true), true);
    QVERIFY(!root->optionalObject(u"o"));
    QVERIFY(!root->optionalArray(u"a"));
    root->finish();
    QVERIFY(reader.ok());
}

void TestJsonReader::firstErrorWins() {
    JsonReader reader(u"req"_s);
    auto root = reader.parseObject(R"({"a": "x", "b": "y"})");
    QVERIFY(root);
    root->number(u"a");
    root->number(u"b");
    QCOMPARE(reader.error(), u"req: a: must be a number (got a string)"_s);
    QCOMPARE(root->number(u"b"), 0.0);  // later reads give defaults
}

void TestJsonReader::fileLimits() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"big.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(2000, ' '));
    file.close();
    QString error;
    QVERIFY(!readFileForParsing(path, 1000, &error));
    QVERIFY2(error.startsWith(path + u": too large (2000 bytes"_s), qPrintable(error));
    QVERIFY(readFileForParsing(path, 4000, &error));
    QVERIFY(!readFileForParsing(dir.filePath(u"missing.json"_s), 1000, &error));
    QVERIFY2(error.contains(u"cannot open"_s), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestJsonReader)
#include "tst_jsonreader.moc"
