// `show stat` and `get weight` as HAProxy 2.6 answers them: a real answer
// captured from haproxy 2.6.12 (show-stat-haproxy-2.6.csv: green drained
// after 50 requests at blue 90 / green 10), columns found by name (moved
// columns still read), and each malformed answer refused with the line and
// the field.
#include "net/balancer/HaproxyStat.h"

#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

QByteArray fixture() {
    QFile f(QStringLiteral(PULSCO_SOURCE_DIR "/tests/balancer/show-stat-haproxy-2.6.csv"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

// A small answer with only the columns named, in the order given.
QByteArray table(const QByteArray& header, const QList<QByteArray>& rows) {
    QByteArray out = "# " + header + '\n';
    for (const QByteArray& r : rows)
        out += r + '\n';
    return out + '\n';
}

}  // namespace

class TestHaproxyStat : public QObject {
    Q_OBJECT
private slots:
    void realAnswerOfHaproxy26();
    void columnsAreFoundByName();
    void quotedFieldsWithCommas();
    void malformed_data();
    void malformed();
    void getWeight_data();
    void getWeight();
};

void TestHaproxyStat::realAnswerOfHaproxy26() {
    const QByteArray text = fixture();
    QVERIFY(text.startsWith("# pxname,svname,"));
    QString error;
    const auto stat = parseShowStat(text, u"fixture"_s, &error);
    QVERIFY2(stat, qPrintable(error));
    // The frontend row is passed over; the backend and its two servers read.
    QCOMPARE(stat->rows.size(), std::size_t(3));
    QVERIFY(!stat->find(u"fe"_s, u"FRONTEND"_s));
    const HaproxyStatRow* blue = stat->find(u"pulsco"_s, u"blue"_s);
    const HaproxyStatRow* green = stat->find(u"pulsco"_s, u"green"_s);
    const HaproxyStatRow* backend = stat->find(u"pulsco"_s, u"BACKEND"_s);
    QVERIFY(blue && green && backend);
    QCOMPARE(blue->requests, 46u);
    QCOMPARE(blue->sessions, 46u);
    QCOMPARE(blue->current, 0u);
    QCOMPARE(blue->weight, 90);
    QCOMPARE(blue->status, u"no check"_s);
    QCOMPARE(green->requests, 4u);
    QCOMPARE(green->weight, 10);
    QCOMPARE(green->status, u"DRAIN"_s);
    QCOMPARE(backend->requests, 50u);
    QCOMPARE(backend->status, u"UP"_s);
    QCOMPARE(green->line, 4);
}

void TestHaproxyStat::columnsAreFoundByName() {
    // A later HAProxy may add or move columns: the reader must not care.
    const auto stat =
        parseShowStat(table("weight,new_column,svname,scur,pxname,status,stot,req_tot,",
                            {"7,x,green,3,be,UP,20,19,", "1,y,blue,0,be,DOWN,5,4,"}),
                      u"t"_s, nullptr);
    QVERIFY(stat);
    const HaproxyStatRow* green = stat->find(u"be"_s, u"green"_s);
    QVERIFY(green);
    QCOMPARE(green->weight, 7);
    QCOMPARE(green->current, 3u);
    QCOMPARE(green->sessions, 20u);
    QCOMPARE(green->requests, 19u);
    QCOMPARE(stat->find(u"be"_s, u"blue"_s)->status, u"DOWN"_s);
}

void TestHaproxyStat::quotedFieldsWithCommas() {
    // HAProxy quotes free text (check_desc, last_chk) that holds a comma.
    const auto stat =
        parseShowStat(table("pxname,svname,check_desc,status,req_tot,stot,scur,weight",
                            {"be,blue,\"Layer7, \"\"wrong\"\" status\",DOWN,1,2,3,4"}),
                      u"t"_s, nullptr);
    QVERIFY(stat);
    QCOMPARE(stat->rows.at(0).weight, 4);
    const auto split = splitHaproxyCsv(u"a,\"b,\"\"c\"\"\",d"_s);
    QVERIFY(split);
    QCOMPARE(*split, QStringList({u"a"_s, u"b,\"c\""_s, u"d"_s}));
    QVERIFY(!splitHaproxyCsv(u"a,\"b"_s));
}

void TestHaproxyStat::malformed_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("error");
    const QByteArray h = "pxname,svname,status,req_tot,stot,scur,weight";
    QTest::addRow("empty") << QByteArray("\n\n") << u"s: empty answer (no CSV header)"_s;
    QTest::addRow("no header") << QByteArray("be,blue,UP,1,1,0,1\n")
                               << u"s: line 1: expected the CSV header '# pxname,svname,...', "
                                  "got 'be,blue,UP,1,1,0,1'"_s;
    QTest::addRow("haproxy error")
        << QByteArray("Permission denied\n")
        << u"s: line 1: expected the CSV header '# pxname,svname,...', got 'Permission denied'"_s;
    QTest::addRow("missing column")
        << table("pxname,svname,status,stot,scur,weight", {"be,blue,UP,1,0,1"})
        << u"s: line 1: header: no column 'req_tot'"_s;
    QTest::addRow("short row") << table(h, {"be,blue,UP,1,1,0"})
                               << u"s: line 2: 6 fields, the header has 7"_s;
    QTest::addRow("long row") << table(h, {"be,blue,UP,1,1,0,1,9"})
                              << u"s: line 2: 8 fields, the header has 7"_s;
    QTest::addRow("req_tot word") << table(h, {"be,blue,UP,1,1,0,1", "be,green,UP,x,1,0,1"})
                                  << u"s: line 3 (be/green): req_tot: 'x' is not a number"_s;
    QTest::addRow("req_tot empty (mode tcp)")
        << table(h, {"be,blue,UP,,1,0,1"})
        << u"s: line 2 (be/blue): req_tot: '' is not a number (HAProxy counts HTTP requests "
           "only in mode http)"_s;
    QTest::addRow("stot negative") << table(h, {"be,blue,UP,1,-1,0,1"})
                                   << u"s: line 2 (be/blue): stot: '-1' is not a number"_s;
    QTest::addRow("scur fraction") << table(h, {"be,blue,UP,1,1,0.5,1"})
                                   << u"s: line 2 (be/blue): scur: '0.5' is not a number"_s;
    QTest::addRow("weight empty") << table(h, {"be,blue,UP,1,1,0,"})
                                  << u"s: line 2 (be/blue): weight: '' is not a number"_s;
    QTest::addRow("status empty") << table(h, {"be,blue,,1,1,0,1"})
                                  << u"s: line 2 (be/blue): status: empty"_s;
    QTest::addRow("svname empty") << table(h, {"be,,UP,1,1,0,1"})
                                  << u"s: line 2: pxname or svname empty"_s;
    QTest::addRow("unterminated quote")
        << table(h, {"be,\"blue,UP,1,1,0,1"}) << u"s: line 2: unterminated quote"_s;
}

void TestHaproxyStat::malformed() {
    QFETCH(QByteArray, text);
    QFETCH(QString, error);
    QString got;
    QVERIFY(!parseShowStat(text, u"s"_s, &got));
    QCOMPARE(got, error);
}

void TestHaproxyStat::getWeight_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("current");  // -1: refused
    QTest::addColumn<int>("initial");
    QTest::addColumn<QString>("error");
    QTest::addRow("haproxy 2.6") << u"10 (initial 100)\n\n"_s << 10 << 100 << QString();
    QTest::addRow("zero") << u"0 (initial 1)"_s << 0 << 1 << QString();
    QTest::addRow("256") << u"256 (initial 256)"_s << 256 << 256 << QString();
    QTest::addRow("over 256") << u"300 (initial 100)"_s << -1 << 0
                              << u"g: weight '300 (initial 100)' is over HAProxy's 256"_s;
    QTest::addRow("no initial") << u"10"_s << -1 << 0 << u"g: expected 'N (initial M)', got '10'"_s;
    QTest::addRow("error text") << u"No such server."_s << -1 << 0
                                << u"g: expected 'N (initial M)', got 'No such server.'"_s;
    QTest::addRow("negative") << u"-1 (initial 100)"_s << -1 << 0
                              << u"g: expected 'N (initial M)', got '-1 (initial 100)'"_s;
}

void TestHaproxyStat::getWeight() {
    QFETCH(QString, text);
    QFETCH(int, current);
    QFETCH(int, initial);
    QFETCH(QString, error);
    QString got;
    const auto w = parseGetWeight(text, u"g"_s, &got);
    if (current < 0) {
        QVERIFY(!w);
        QCOMPARE(got, error);
        return;
    }
    QVERIFY2(w, qPrintable(got));
    QCOMPARE(w->current, current);
    QCOMPARE(w->initial, initial);
}

QTEST_GUILESS_MAIN(TestHaproxyStat)
#include "tst_haproxystat.moc"
