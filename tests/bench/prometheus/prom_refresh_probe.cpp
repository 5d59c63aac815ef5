// prom_refresh_probe PROMETHEUS_URL SERVER_URL...
//
// Reads the servers a running Prometheus scrapes through the console's own
// Prometheus source (net/promsource), as the Dashboard does, and the same
// servers' own /v1/stats. Once the source sees every API answer the
// servers counted, it runs 50 refreshes one after the other and prints:
//   BENCH prom.refresh_ms <median> ms          all queries of one refresh, answers read, snapshot
//   built BENCH prom.p95_agreement_pct <x> %         |console p95 through Prometheus - the servers'
//   p95| /
//                                              the servers' p95 (their histograms merged
//                                              bucket-wise)
// Exit 1 when Prometheus never shows the requests (with why). The servers
// must be idle while it runs (tests/bench/prometheus.sh stops the load first).
#include "bridge/MetricsSnapshotJson.h"
#include "net/live/SnapshotMerge.h"
#include "net/promsource/PrometheusSource.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

using namespace pulsco;

namespace {

SnapshotPtr ownStats(QNetworkAccessManager& network, const QString& base) {
    QNetworkReply* reply = network.get(QNetworkRequest(QUrl(base + QStringLiteral("/v1/stats"))));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    QString error;
    auto s = metricsSnapshotFromJson(reply->readAll(), base + QStringLiteral("/v1/stats"), &error);
    if (!s) {
        std::fprintf(stderr, "prom_refresh_probe: %s\n", qPrintable(error));
        return nullptr;
    }
    return std::make_shared<const MetricsSnapshot>(std::move(*s));
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3) {
        std::fprintf(stderr, "usage: prom_refresh_probe PROMETHEUS_URL SERVER_URL...\n");
        return 2;
    }
    QNetworkAccessManager network;
    // The servers' own figures, read again while the source disagrees: a
    // server may still answer requests wrk left queued after it stopped, so
    // a first read can fall behind what Prometheus scrapes next.
    const auto readOwn = [&]() -> std::optional<MetricsSnapshot> {
        std::vector<ColoredSnapshot> parts;
        for (int i = 2; i < args.size(); ++i) {
            const SnapshotPtr s = ownStats(network, args[i]);
            if (!s)
                return std::nullopt;
            parts.push_back({s->green.requestsTotal > 0 ? Color::Green : Color::Blue, s});
        }
        return mergeServerSnapshots(parts);
    };
    std::optional<MetricsSnapshot> own = readOwn();
    if (!own)
        return 1;
    std::uint64_t expected = own->total.apiLatencyMs.count();

    PrometheusSourceConfig config;
    config.url = args[1];
    PrometheusSource source(config);
    source.setHistorySeconds(0);
    source.setRefreshIntervalMs(200);
    source.start();
    QElapsedTimer waited;
    waited.start();
    QEventLoop loop;
    QObject::connect(&source, &PrometheusSource::refreshed, &loop, &QEventLoop::quit);
    while (!source.latestSnapshot() ||
           source.latestSnapshot()->total.apiLatencyMs.count() != expected) {
        if (waited.elapsed() > 60000) {
            std::fprintf(stderr,
                         "prom_refresh_probe: the source never showed the servers' %llu API "
                         "requests (%s)\n",
                         static_cast<unsigned long long>(expected), qPrintable(source.problem()));
            return 1;
        }
        loop.exec();
        if (source.latestSnapshot() &&
            source.latestSnapshot()->total.apiLatencyMs.count() != expected) {
            own = readOwn();
            if (!own)
                return 1;
            expected = own->total.apiLatencyMs.count();
        }
    }
    const double console = source.latestSnapshot()->total.apiLatencyMs.quantile(0.95);
    const double truth = own->total.apiLatencyMs.quantile(0.95);

    // Timed one after the other: the timer's refreshes are pushed away.
    source.setRefreshIntervalMs(3600 * 1000);
    std::vector<double> ms;
    for (int i = 0; i < 50; ++i) {
        const int before = source.refreshesDone();
        source.refresh();
        while (source.refreshesDone() == before)
            loop.exec();
        ms.push_back(source.lastRefreshMs());
    }
    std::sort(ms.begin(), ms.end());
    std::fprintf(stderr,
                 "prom_refresh_probe: %llu API requests; console p95 through Prometheus %.3f ms, "
                 "the servers' own %.3f ms; 50 refreshes of %d queries: min %.2f, median %.2f, "
                 "max %.2f ms\n",
                 static_cast<unsigned long long>(expected), console, truth, kPromQueryCount,
                 ms.front(), ms[ms.size() / 2], ms.back());
    std::printf("BENCH prom.refresh_ms %.2f ms\n", ms[ms.size() / 2]);
    std::printf("BENCH prom.p95_agreement_pct %.2f %%\n", std::abs(console - truth) / truth * 100);
    return 0;
}
