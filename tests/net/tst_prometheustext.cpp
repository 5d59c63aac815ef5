// Prometheus text exposition: what the writer produces the strict parser
// reads back (histograms included), and malformed text is refused with the
// line number.
#include "net/prometheus/PrometheusTextParser.h"
#include "net/prometheus/PrometheusTextWriter.h"

#include <QRandomGenerator>
#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace pulsco;

class TestPrometheusText : public QObject {
    Q_OBJECT
private slots:
    void roundTripCountersAndGauges();
    void roundTripHistograms_data();
    void roundTripHistograms();
    void labelEscaping();
    void refuses_data();
    void refuses();
    void acceptsStockFeatures();
};

void TestPrometheusText::roundTripCountersAndGauges() {
    PrometheusTextWriter w;
    w.family("pulsco_http_requests_total", "counter", "HTTP requests answered, by status code.");
    w.sample("pulsco_http_requests_total", {{"code", "200"}}, 12345);
    w.sample("pulsco_http_requests_total", {{"code", "503"}}, 2);
    w.family("pulsco_queue_depth", "gauge", "Tickets searching, by queue.");
    w.sample("pulsco_queue_depth", {{"queue", "ranked-5v5"}}, 17);
    w.sample("pulsco_queue_depth", {{"queue", "casual"}}, 0.5);
    QString error;
    const auto parsed = PrometheusTextParser::parse(w.text(), u"test"_s, &error);
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(parsed->families.size(), std::size_t(2));
    QCOMPARE(parsed->family("pulsco_http_requests_total")->type, QByteArray("counter"));
    QCOMPARE(parsed->family("pulsco_http_requests_total")->help,
             QByteArray("HTTP requests answered, by status code."));
    QCOMPARE(parsed->value("pulsco_http_requests_total", {{"code", "200"}}), 12345.0);
    QCOMPARE(parsed->value("pulsco_queue_depth", {{"queue", "casual"}}), 0.5);
    QVERIFY(!parsed->value("pulsco_queue_depth", {{"queue", "nope"}}));
}

void TestPrometheusText::roundTripHistograms_data() {
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 1; seed <= 25; ++seed)
        QTest::addRow("seed %u", seed) << seed;
}

void TestPrometheusText::roundTripHistograms() {
    QFETCH(quint32, seed);
    QRandomGenerator rng(seed);
    Histogram h;
    const int n = int(rng.bounded(2000));
    double sum = 0;
    for (int i = 0; i < n; ++i) {
        const double ms = std::exp(rng.generateDouble() * 9.0) * 0.05;  // 0.05 ms .. 400 ms
        h.record(ms);
        sum += ms;
    }
    const std::vector<double> bounds = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5};
    PrometheusTextWriter w;
    w.family("pulsco_http_request_duration_seconds", "histogram", "Request latency.");
    w.histogram("pulsco_http_request_duration_seconds", {{"route", "all"}}, h, bounds, 0.001);
    QString error;
    const auto parsed = PrometheusTextParser::parse(w.text(), u"test"_s, &error);
    QVERIFY2(parsed, qPrintable(error + u"\n"_s + QString::fromUtf8(w.text())));
    const auto* f = parsed->family("pulsco_http_request_duration_seconds");
    QVERIFY(f);
    QCOMPARE(f->type, QByteArray("histogram"));
    QCOMPARE(f->samples.size(), bounds.size() + 3);  // buckets, +Inf, _sum, _count
    QCOMPARE(parsed->value("pulsco_http_request_duration_seconds_count", {{"route", "all"}}),
             double(n));
    QCOMPARE(parsed->value("pulsco_http_request_duration_seconds_bucket",
                           {{"route", "all"}, {"le", "+Inf"}}),
             double(n));
    QVERIFY(
        std::fabs(*parsed->value("pulsco_http_request_duration_seconds_sum", {{"route", "all"}}) -
                  sum / 1000) <= 1e-9 * std::max(1.0, sum));
    // Each bucket holds the observations below its bound, within the
    // histogram's 1 % bucket resolution.
    for (double b : bounds) {
        const auto v =
            parsed->value("pulsco_http_request_duration_seconds_bucket",
                          {{"route", "all"}, {"le", PrometheusTextWriter::formatValue(b)}});
        QVERIFY(v);
        QCOMPARE(*v, double(h.cumulativeCounts({b * 1000})[0]));
    }
}

void TestPrometheusText::labelEscaping() {
    PrometheusTextWriter w;
    w.family("x", "gauge", "Help with \\ backslash\nand newline.");
    const QByteArray nasty = "a\"b\\c\nd";
    w.sample("x", {{"v", nasty}}, 1);
    QString error;
    const auto parsed = PrometheusTextParser::parse(w.text(), u"t"_s, &error);
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(parsed->family("x")->samples[0].labels.value("v"), nasty);
    QCOMPARE(parsed->family("x")->help, QByteArray("Help with \\ backslash\nand newline."));
}

void TestPrometheusText::refuses_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");
    QTest::addRow("no final newline")
        << QByteArray("x 1") << u"line 1: the exposition must end with a newline"_s;
    QTest::addRow("bad name") << QByteArray("1x 1\n") << u"line 1: metric name"_s;
    QTest::addRow("no value") << QByteArray("x\n") << u"line 1: x: a space and a value"_s;
    QTest::addRow("bad value") << QByteArray("x abc\n") << u"line 1: x: value 'abc'"_s;
    QTest::addRow("unterminated label")
        << QByteArray("x{a=\"b} 1\n") << u"line 1: label a: unterminated"_s;
    QTest::addRow("bad escape") << QByteArray("x{a=\"\\t\"} 1\n") << u"unknown escape"_s;
    QTest::addRow("duplicate label") << QByteArray("x{a=\"1\",a=\"2\"} 1\n") << u"given twice"_s;
    QTest::addRow("bad type") << QByteArray("# TYPE x thing\nx 1\n")
                              << u"line 1: # TYPE x: type must be"_s;
    QTest::addRow("type twice") << QByteArray("# TYPE x gauge\n# TYPE x gauge\n")
                                << u"line 2: # TYPE x: given twice"_s;
    QTest::addRow("type after samples")
        << QByteArray("x 1\n# TYPE x gauge\n") << u"line 2: # TYPE x: must come before"_s;
    QTest::addRow("interleaved") << QByteArray("x 1\ny 1\nx{a=\"b\"} 2\n")
                                 << u"line 3: x: samples of one family"_s;
    QTest::addRow("duplicate series")
        << QByteArray("x{a=\"b\"} 1\nx{a=\"b\"} 2\n") << u"line 2: x: the same series"_s;
    QTest::addRow("negative counter")
        << QByteArray("# TYPE c counter\nc -1\n") << u"line 2: c: a counter"_s;
    QTest::addRow("bucket without le")
        << QByteArray("# TYPE h histogram\nh_bucket 1\nh_sum 1\nh_count 1\n")
        << u"line 2: histogram h: bucket without an le"_s;
    QTest::addRow("decreasing buckets")
        << QByteArray("# TYPE h histogram\nh_bucket{le=\"1\"} 5\nh_bucket{le=\"2\"} "
                      "4\nh_bucket{le=\"+Inf\"} 5\nh_sum 1\nh_count 5\n")
        << u"line 3: histogram h: bucket counts must not decrease"_s;
    QTest::addRow("no +Inf")
        << QByteArray("# TYPE h histogram\nh_bucket{le=\"1\"} 5\nh_sum 1\nh_count 5\n")
        << u"the last bucket must be le=\"+Inf\""_s;
    QTest::addRow("count mismatch")
        << QByteArray("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 5\nh_sum 1\nh_count 6\n")
        << u"_count differs"_s;
    QTest::addRow("reserved label") << QByteArray("x{__name__=\"y\"} 1\n") << u"reserved"_s;
}

void TestPrometheusText::refuses() {
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    QString error;
    QVERIFY(!PrometheusTextParser::parse(text, u"GET /metrics"_s, &error));
    QVERIFY2(error.startsWith(u"GET /metrics: line "_s), qPrintable(error));
    QVERIFY2(error.contains(expected), qPrintable(error));
}

void TestPrometheusText::acceptsStockFeatures() {
    const QByteArray text = "# A plain comment\n"
                            "# HELP up Whether up.\n"
                            "# TYPE up gauge\n"
                            "up 1 1700000000000\n"
                            "\n"
                            "odd{a=\"x\",} NaN\n"
                            "inf -Inf\n";
    QString error;
    const auto parsed = PrometheusTextParser::parse(text, u"t"_s, &error);
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(parsed->family("up")->samples[0].timestampMs, qint64(1700000000000));
    QVERIFY(std::isnan(*parsed->value("odd", {{"a", "x"}})));
    QVERIFY(std::isinf(*parsed->value("inf")));
    QCOMPARE(parsed->family("odd")->type, QByteArray("untyped"));
}

QTEST_GUILESS_MAIN(TestPrometheusText)
#include "tst_prometheustext.moc"
