#include "ReplayRun.h"

#include "ReplayCommon.h"

#include "bridge/MetricsSnapshotJson.h"
#include "bridge/QueueConfigJson.h"
#include "simulator/engine/ReplayEngine.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace pulsco {

int runReplay(const ReplayRunOptions& options) {
    const std::optional<Recording> loaded = loadReplayRecording(options.path);
    if (!loaded)
        return 2;
    QString error;
    const auto rules = loadQueueConfig(options.queuesPath, &error);
    if (!rules)
        return replayBadInput(u"--queues: "_s + error);
    const Recording& recording = *loaded;

    ReplayOptions replay;
    replay.amplify = options.amplify;
    replay.seed = options.seed;
    QElapsedTimer wall;
    wall.start();
    ReplayEngine engine(*rules, recording.header.regions, recording.events, replay);
    for (const std::string& note : engine.notes())
        std::fprintf(stderr, "pulsco-sim: --replay: %s\n", note.c_str());
    const double duration = engine.durationSeconds();
    while (!engine.finished()) {
        const double next = std::min(duration, engine.runTime() + 1.0);
        if (options.speed > 0) {
            const double due = next / options.speed * 1000.0;
            const auto waitMs =
                static_cast<unsigned long>(std::max(0.0, due - double(wall.elapsed())));
            if (waitMs > 0)
                QThread::msleep(waitMs);
        }
        engine.advanceTo(next);
    }
    const double wallSeconds = double(wall.nsecsElapsed()) / 1e9;
    const MetricsSnapshot s = engine.snapshot();
    const ReplayArrivals& a = engine.arrivals();
    std::uint64_t refused = 0;
    for (const auto& [why, n] : engine.refused())
        refused += n;

    QString out;
    out += u"replay of %1 (%2 part(s), %3 events, server %4, ids %5)\n"_s.arg(
        options.path, QString::number(recording.files.size()),
        QString::number(recording.events.size()), QString::fromStdString(recording.header.server),
        recording.header.pseudonymous ? u"pseudonymous"_s : u"raw"_s);
    out += u"arrivals: %1 (amplify %2)\n"_s.arg(a.total).arg(options.amplify);
    out += u"  by queue: "_s + countsLine(a.byQueue) + u'\n';
    out += u"  by party size: "_s + countsLine(a.byPartySize) + u'\n';
    out += u"  by home region: "_s + countsLine(a.byHomeRegion) + u'\n';
    out += u"tickets: %1 accepted, %2 refused by the rules, %3 matched, %4 expired, %5 "
           "cancelled, %6 searching\n"_s.arg(s.total.tickets.created)
               .arg(refused)
               .arg(s.total.tickets.matched)
               .arg(s.total.tickets.expired)
               .arg(s.total.tickets.cancelled)
               .arg(s.total.tickets.searching);
    if (refused > 0)
        out += u"  refused: "_s + countsLine(engine.refused()) + u'\n';
    out += u"matches: %1; wait p50 %2 s, p95 %3 s; quality p50 %4\n"_s.arg(s.total.matchesTotal)
               .arg(s.total.ticketWaitSeconds.quantile(0.5), 0, 'f', 1)
               .arg(s.total.ticketWaitSeconds.quantile(0.95), 0, 'f', 1)
               .arg(s.total.matchQuality.quantile(0.5), 0, 'f', 3);
    out += u"trace hash %1; %2 s replayed in %3 s wall (%4 arrivals/s)\n"_s
               .arg(QString::number(engine.traceHash(), 16))
               .arg(engine.runTime(), 0, 'f', 1)
               .arg(wallSeconds, 0, 'f', 3)
               .arg(wallSeconds > 0 ? double(a.total) / wallSeconds : 0.0, 0, 'f', 0);
    std::fputs(qPrintable(out), stdout);
    std::fflush(stdout);

    if (!options.reportPath.isEmpty()) {
        QJsonObject report;
        report.insert(u"format"_s, 1);
        report.insert(u"replay"_s, options.path);
        report.insert(u"files"_s, QJsonArray::fromStringList(recording.files));
        report.insert(u"notes"_s, QJsonArray::fromStringList(recording.notes));
        report.insert(u"amplify"_s, options.amplify);
        report.insert(u"seed"_s, double(options.seed));
        report.insert(u"trace_hash"_s, QString::number(engine.traceHash(), 16));
        QJsonObject arrivals;
        arrivals.insert(u"total"_s, double(a.total));
        arrivals.insert(u"by_queue"_s, countsJson(a.byQueue));
        arrivals.insert(u"by_party_size"_s, countsJson(a.byPartySize));
        arrivals.insert(u"by_home_region"_s, countsJson(a.byHomeRegion));
        report.insert(u"arrivals"_s, arrivals);
        report.insert(u"refused"_s, countsJson(engine.refused()));
        report.insert(u"wall_seconds"_s, wallSeconds);
        report.insert(u"snapshot"_s, QJsonDocument::fromJson(metricsSnapshotToJson(s)).object());
        if (!saveReplayFile(options.reportPath, QJsonDocument(report).toJson(), &error))
            return replayBadInput(u"--report: "_s + error);
    }
    return 0;
}

}  // namespace pulsco
