#include "TargetRun.h"

#include "HttpLoadPort.h"
#include "TargetDiscovery.h"
#include "net/load/HttpLoadClient.h"
#include "simulator/RunReport.h"
#include "simulator/engine/LivePlayers.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QSaveFile>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <set>
#include <sys/resource.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

double cpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

QString endpointTable(const LivePlayers& players) {
    QString out = u"\nclient-side, per endpoint (latency from the intended send time)\n"_s;
    out += QString::asprintf("  %-30s %10s %8s %9s %9s %9s\n", "endpoint", "requests", "errors",
                             "p50 ms", "p95 ms", "p99 ms");
    for (int i = 0; i < kLoadEndpointCount; ++i) {
        const EndpointFigures& e = players.endpoints()[static_cast<std::size_t>(i)];
        out += QString::asprintf(
            "  %-30s %10llu %8llu %9.2f %9.2f %9.2f\n", toString(static_cast<LoadEndpoint>(i)),
            static_cast<unsigned long long>(e.requests), static_cast<unsigned long long>(e.errors),
            e.latencyMs.quantile(0.5), e.latencyMs.quantile(0.95), e.latencyMs.quantile(0.99));
    }
    return out;
}

// --balancer: who answered, as the answers' id prefixes tell.
QString answeredByTable(const HttpLoadPort::AnsweredBy& by) {
    QString out = u"\nbehind the load balancer, by the server the answer's id names\n"_s;
    out += QString::asprintf("  %-14s %12s %16s\n", "server", "2xx answers", "tickets created");
    const char* names[] = {"blue", "green", "unattributed"};
    for (std::size_t i = 0; i < 3; ++i)
        out += QString::asprintf("  %-14s %12llu %16llu\n", names[i],
                                 static_cast<unsigned long long>(by.answers[i]),
                                 static_cast<unsigned long long>(by.ticketsCreated[i]));
    out += u"  (unattributed: errors, timeouts, and ids of a server not named blue or green)\n"_s;
    return out;
}

}  // namespace

int runAgainstTargets(const Scenario& given, const TargetRunOptions& options) {
    // Figures only the in-process engine has (true skill, its queue, its
    // tick) cannot be judged from outside: said, not silently failed.
    Scenario scenario = given;
    std::string skipped;
    std::erase_if(scenario.thresholds, [&](const Threshold& t) {
        if (!t.inProcessOnly)
            return false;
        if (!skipped.empty())
            skipped.append(", ");
        skipped.append(t.metric);
        return true;
    });
    if (!skipped.empty())
        std::fprintf(stderr,
                     "pulsco-sim: note: not judged in a --target run (in-process figures): %s\n",
                     skipped.c_str());
    Targets targets;
    if (QString error; !discoverTargets(options.urls, &targets, &error)) {
        std::fprintf(stderr, "pulsco-sim: %s\n", qPrintable(error));
        return 2;
    }
    const QList<QUrl>& urls = targets.urls;
    const std::array<std::vector<int>, 2>& colorTargets = targets.byColor;
    const int green = scenario.traffic.greenWeightPercent;
    if (options.balancer) {
        // The balancer's weights decide; the players' own draw would only
        // label requests whose answer names no server (errors, timeouts).
        if (green > 0)
            std::fprintf(stderr,
                         "pulsco-sim: note: --balancer: green_weight %d %% is ignored; the "
                         "balancer's weights decide\n",
                         green);
        scenario.traffic.greenWeightPercent = 0;
    } else if ((green > 0 && colorTargets[1].empty()) || (green < 100 && colorTargets[0].empty()))
        std::fprintf(stderr,
                     "pulsco-sim: note: green_weight %d %% but only %s servers given; all "
                     "traffic goes to them\n",
                     green, colorTargets[1].empty() ? "blue" : "green");

    HttpLoadClient client(urls, options.connections, scenario.service.timeoutMs);
    HttpLoadPort port = options.balancer ? HttpLoadPort(client, HttpLoadPort::Balancer{})
                                         : HttpLoadPort(client, colorTargets);
    // Built with QString: GCC 12 -O3 warns falsely (-Wrestrict) on chained
    // std::string additions.
    const std::string runTag =
        QString(u"r"_s + QString::number(QDateTime::currentMSecsSinceEpoch() % 100000000) + u'x' +
                QString::number(getpid() % 10000))
            .toStdString();
    LivePlayers players(scenario, port, runTag);

    const double durationMs = scenario.durationSeconds * 1000.0;
    const double drainMs =
        std::min({1000.0, durationMs / 10.0, static_cast<double>(scenario.service.timeoutMs)});
    std::uint64_t abandoned = 0;
    const double cpuAtStart = cpuSeconds();
    const bool tty = isatty(fileno(stderr)) != 0;
    double lastProgressMs = 0;
    QTimer pacer;
    pacer.setTimerType(Qt::PreciseTimer);
    pacer.setInterval(1);
    QEventLoop loop;
    QObject::connect(&pacer, &QTimer::timeout, &loop, [&] {
        const double now = client.nowMs();
        // New requests stop a little before the end so the answers in flight
        // can land inside the duration; whatever is still out at the end is
        // abandoned (and said).
        if (now >= durationMs - drainMs)
            players.stop();
        // With a ledger, answers still out at the end are awaited (up to the
        // request timeout): a ticket the server acknowledges after the end
        // must be in the ledger too, or the two disagree.
        const double endMs =
            options.ledgerPath.isEmpty() ? durationMs : durationMs + scenario.service.timeoutMs;
        if (now >= endMs || (now >= durationMs - drainMs && players.inFlight() == 0)) {
            abandoned = players.inFlight();
            pacer.stop();
            client.abortAll();
            loop.quit();
            return;
        }
        players.runDue(now);
        if (tty && now - lastProgressMs >= 500) {
            lastProgressMs = now;
            const EnvironmentMetrics t = players.total();
            std::fprintf(stderr,
                         "\r%s: %.0f / %.0f s, %llu requests, %llu errors, %d connections   ",
                         scenario.name.c_str(), now / 1000.0, durationMs / 1000.0,
                         static_cast<unsigned long long>(t.requestsTotal),
                         static_cast<unsigned long long>(t.errorsTotal), client.openConnections());
        }
    });
    pacer.start();
    loop.exec();
    if (tty)
        std::fprintf(stderr, "\r\033[K");
    const double wallSeconds = client.nowMs() / 1000.0;
    const double cpu = cpuSeconds() - cpuAtStart;

    RunSummary summary = players.summary(wallSeconds);
    summary.target = options.urls.join(u',').toStdString();
    const EnvironmentMetrics total = players.total();
    std::fputs(qPrintable(summaryTable(summary, wallSeconds)), stdout);
    std::fputs(qPrintable(endpointTable(players)), stdout);
    if (options.balancer)
        std::fputs(qPrintable(answeredByTable(port.answeredBy())), stdout);
    std::printf("\nload generator: %llu requests in %.2f s wall, %.2f CPU-s (%.0f requests per "
                "CPU-second), %s, %llu requests abandoned in flight at the end\n",
                static_cast<unsigned long long>(total.requestsTotal), wallSeconds, cpu,
                cpu > 0 ? static_cast<double>(total.requestsTotal) / cpu : 0.0,
                options.balancer ? "1 load balancer"
                                 : qPrintable(QString::number(urls.size()) + u" servers"_s),
                static_cast<unsigned long long>(abandoned));
    std::fflush(stdout);

    if (!options.ledgerPath.isEmpty()) {
        QSaveFile out(options.ledgerPath);
        bool ok = out.open(QIODevice::WriteOnly);
        for (Color color : kColors)
            for (const std::string& id : players.acknowledged(color))
                ok = ok && out.write(QByteArray(toString(color)) + ' ' + id.c_str() + '\n') > 0;
        if (!ok || !out.commit()) {
            std::fprintf(stderr, "pulsco-sim: --ledger: cannot write %s: %s\n",
                         qPrintable(options.ledgerPath), qPrintable(out.errorString()));
            return 2;
        }
    }
    if (!options.reportPath.isEmpty()) {
        MetricsSnapshot last;
        last.source = options.urls.join(u',').toStdString();
        last.sequence = 1;
        last.timeSeconds = wallSeconds;
        last.wallTimeUnixMs = static_cast<double>(QDateTime::currentMSecsSinceEpoch());
        last.total = total;
        last.blue = players.metrics(Color::Blue);
        last.green = players.metrics(Color::Green);
        last.concurrentPlayersPeak = players.peakOnline();
        QSaveFile out(options.reportPath);
        if (!out.open(QIODevice::WriteOnly) ||
            out.write(reportJson(summary, last, wallSeconds)) < 0 || !out.commit()) {
            std::fprintf(stderr, "pulsco-sim: --report: cannot write %s: %s\n",
                         qPrintable(options.reportPath), qPrintable(out.errorString()));
            return 2;
        }
    }
    return summary.passed() ? 0 : 1;
}

}  // namespace pulsco
