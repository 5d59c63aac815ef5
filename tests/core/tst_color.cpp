// The colour names and the "blue." / "green." scope every metric reader
// shares (thresholds, expressions, the simulator's live checks).
#include "core/Color.h"

#include <QTest>

using namespace pulsco;

class TestColor : public QObject {
    Q_OBJECT
private slots:
    void names();
    void splitScope_data();
    void splitScope();
};

void TestColor::names() {
    QCOMPARE(QString::fromLatin1(toString(Color::Blue)), u"blue"_qs);
    QCOMPARE(QString::fromLatin1(toString(Color::Green)), u"green"_qs);
    QCOMPARE(colorFromString("green"), std::optional<Color>(Color::Green));
    QVERIFY(!colorFromString("Green").has_value());
    QVERIFY(!colorFromString("both").has_value());
    QCOMPARE(indexOf(Color::Blue), std::size_t(0));
    QCOMPARE(indexOf(Color::Green), std::size_t(1));
    QCOMPARE(kColors[indexOf(Color::Green)], Color::Green);
    QCOMPARE(otherColor(Color::Blue), Color::Green);
    QVERIFY(scopeName(std::nullopt).empty());
    QCOMPARE(std::string(scopeName(Color::Green)), std::string("green"));
}

void TestColor::splitScope_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("color");  // -1: no scope
    QTest::addColumn<QString>("name");
    QTest::addRow("unscoped") << u"error_rate"_qs << -1 << u"error_rate"_qs;
    QTest::addRow("blue") << u"blue.api_latency_p95_ms"_qs << 0 << u"api_latency_p95_ms"_qs;
    QTest::addRow("green") << u"green.error_rate"_qs << 1 << u"error_rate"_qs;
    // Only a whole colour followed by a dot is a scope.
    QTest::addRow("prefix word") << u"greenish.x"_qs << -1 << u"greenish.x"_qs;
    QTest::addRow("no name") << u"green."_qs << -1 << u"green."_qs;
    QTest::addRow("colour alone") << u"blue"_qs << -1 << u"blue"_qs;
    QTest::addRow("other scope") << u"red.errors"_qs << -1 << u"red.errors"_qs;
    QTest::addRow("case") << u"Green.errors"_qs << -1 << u"Green.errors"_qs;
}

void TestColor::splitScope() {
    QFETCH(QString, text);
    QFETCH(int, color);
    QFETCH(QString, name);
    const std::string source = text.toStdString();
    const ScopedName scoped = pulsco::splitScope(source);
    QCOMPARE(scoped.color.has_value(), color >= 0);
    if (color >= 0)
        QCOMPARE(indexOf(*scoped.color), std::size_t(color));
    QCOMPARE(QString::fromStdString(std::string(scoped.name)), name);
}

QTEST_APPLESS_MAIN(TestColor)
#include "tst_color.moc"
