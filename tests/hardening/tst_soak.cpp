// Soak: pulsco-matchd under many concurrent keep-alive connections of mixed
// traffic (create, get, cancel, stats, metrics) at 5 requests per second
// each, open model. The CI variant runs 20 s with 200 connections; every
// answer must be the one planned (errors only where the test provokes
// them), nothing may go unanswered, and the resident set size (from /proc)
// must not run away after the warm-up (a gross-leak guard: under 2x).
//
// tests/bench/soak.sh runs the real thing (1000 connections, 10 minutes,
// 1-minute warm-up) through the environment:
//   PULSCO_SOAK_CONNECTIONS, PULSCO_SOAK_SECONDS, PULSCO_SOAK_WARMUP_S,
//   PULSCO_SOAK_RATE (per connection), PULSCO_BENCH=1 (print BENCH lines)
// and prints BENCH soak.rss_growth_pct and soak.p95_ms.
#include "HardeningQueues.h"
#include "OpenModelLoad.h"
#include "SoakTraffic.h"

#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>

using namespace Qt::StringLiterals;

namespace {
double envNumber(const char* name, double fallback) {
    bool ok = false;
    const double v = qEnvironmentVariable(name).toDouble(&ok);
    return ok && v > 0 ? v : fallback;
}
}  // namespace

class TestSoak : public QObject {
    Q_OBJECT
private slots:
    void mixedTrafficStaysCorrectAndFlat();
};

void TestSoak::mixedTrafficStaysCorrectAndFlat() {
    const int connections = int(envNumber("PULSCO_SOAK_CONNECTIONS", 200));
    const double seconds = envNumber("PULSCO_SOAK_SECONDS", 20);
    const int warmup = int(envNumber("PULSCO_SOAK_WARMUP_S", 5));
    const double rate = envNumber("PULSCO_SOAK_RATE", 5);
    const bool bench = qEnvironmentVariableIsSet("PULSCO_BENCH");
    QVERIFY(seconds > warmup);

    // Both ends hold a socket per connection; the server inherits the limit.
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
    if (files.rlim_cur < rlim_t(connections + 200))
        QSKIP(qPrintable(u"RLIMIT_NOFILE hard limit %1 is below the %2 sockets this run needs"_s
                             .arg(qulonglong(files.rlim_max))
                             .arg(connections + 200)));

    QTemporaryDir dir;
    QVERIFY(writeHardeningQueues(dir.filePath(u"queues.json"_s)));
    pulsco::test::MatchdProcess server(
        hardeningMatchd(dir.filePath(u"data"_s), dir.filePath(u"queues.json"_s)));
    QVERIFY2(server.start(), server.stderrText().constData());

    SoakTraffic traffic(connections);
    OpenModelLoad load(server.port(), connections, rate, traffic.planner());
    QVERIFY(load.connectAll());
    qint64 rssAtWarmup = 0, rssPeak = 0, rssEnd = 0;
    const LoadReport report = load.run(seconds, [&](int second) {
        const qint64 rss = residentKiB(server.pid());
        if (second == warmup)
            rssAtWarmup = rss;
        if (second >= warmup)
            rssPeak = std::max(rssPeak, rss);
        rssEnd = rss;
    });
    const double growthPct =
        rssAtWarmup > 0 ? 100.0 * double(rssEnd - rssAtWarmup) / double(rssAtWarmup) : -1;
    qInfo("%d connections x %.1f req/s for %.0f s: %llu sent, %llu answered, %llu unexpected, "
          "%llu unanswered; p50 %.1f ms, p95 %.1f ms, p99 %.1f ms; RSS %lld KiB after %d s "
          "warm-up, %lld KiB at the end (%+.1f %%), peak %lld KiB",
          connections, rate, seconds, report.sent, report.answered, report.unexpected,
          report.unanswered, report.percentileMs(0.50), report.percentileMs(0.95),
          report.percentileMs(0.99), rssAtWarmup, warmup, rssEnd, growthPct, rssPeak);
    for (const auto& [kind, n] : report.byKind)
        qInfo("  %s: %llu", kind.constData(), n);
    if (bench) {
        std::printf("BENCH soak.p95_ms %.1f ms\n", report.percentileMs(0.95));
        std::printf("BENCH soak.rss_growth_pct %.2f %%\n", growthPct);
        std::printf("BENCH soak.error_responses %llu count\n",
                    report.unexpected + report.unanswered);
        std::fflush(stdout);
    }
    for (const QString& e : report.examples)
        qWarning().noquote() << e;
    QCOMPARE(report.unexpected, 0ULL);
    QCOMPARE(report.unanswered, 0ULL);
    QVERIFY(report.byKind.count("provoked_404") && report.byKind.count("cancel"));
    QVERIFY2(rssAtWarmup > 0 && rssPeak < 2 * rssAtWarmup,
             qPrintable(u"RSS %1 KiB after warm-up, peak %2 KiB"_s.arg(rssAtWarmup).arg(rssPeak)));
    QCOMPARE(server.terminate(), 0);
}

QTEST_GUILESS_MAIN(TestSoak)
#include "tst_soak.moc"
