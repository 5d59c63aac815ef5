#include "CompareRun.h"

#include "ReplayCommon.h"

#include "bridge/QueueConfigJson.h"
#include "bridge/ReplayComparisonJson.h"
#include "simulator/engine/ReplayEngine.h"

#include <QElapsedTimer>

#include <cstdio>
#include <future>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

struct ReplayResult {
    ReplayOutcomes outcomes;
    std::uint64_t traceHash = 0;
    std::vector<std::string> notes;
};

ReplayResult replayOnce(const QueueConfig& rules, const Recording& recording,
                        const ReplayOptions& options) {
    ReplayEngine engine(rules, recording.header.regions, recording.events, options);
    engine.advanceTo(engine.durationSeconds());
    return {engine.outcomes(), engine.traceHash(), engine.notes()};
}

}  // namespace

int runCompare(const CompareRunOptions& options) {
    const std::optional<Recording> loaded = loadReplayRecording(options.recordingPath);
    if (!loaded)
        return 2;
    QString error;
    const auto rulesA = loadQueueConfig(options.rulesA, &error);
    if (!rulesA)
        return replayBadInput(u"--compare (A): "_s + error);
    const auto rulesB = loadQueueConfig(options.rulesB, &error);
    if (!rulesB)
        return replayBadInput(u"--compare (B): "_s + error);
    ComparisonOptions comparison;
    if (!options.thresholdsPath.isEmpty()) {
        const auto loaded = loadComparisonOptions(options.thresholdsPath, &error);
        if (!loaded)
            return replayBadInput(u"--thresholds: "_s + error);
        comparison = *loaded;
    }
    comparison.seed = options.seed;
    const Recording& recording = *loaded;

    ReplayOptions replay;
    replay.amplify = options.amplify;
    replay.seed = options.seed;
    QElapsedTimer wall;
    wall.start();
    std::fprintf(stderr, "pulsco-sim: replaying %zu events through A and B...\n",
                 recording.events.size());
    // The two replays share nothing but the read-only recording: one per core.
    auto futureB = std::async(std::launch::async, replayOnce, std::cref(*rulesB),
                              std::cref(recording), replay);
    const ReplayResult a = replayOnce(*rulesA, recording, replay);
    const ReplayResult b = futureB.get();
    for (const auto& [side, result] : {std::pair{"A", &a}, std::pair{"B", &b}})
        for (const std::string& note : result->notes)
            std::fprintf(stderr, "pulsco-sim: --compare (%s): %s\n", side, note.c_str());
    std::fprintf(stderr, "pulsco-sim: replays done in %.1f s; bootstrap of %d resamples...\n",
                 double(wall.elapsed()) / 1000.0, comparison.resamples);

    int shown = 0;
    comparison.progress = [&shown](std::uint64_t done, std::uint64_t total) {
        const int percent = total ? int(100 * done / total) : 100;
        if (percent / 10 > shown / 10) {
            std::fprintf(stderr, "pulsco-sim: bootstrap %d %%\n", percent);
            shown = percent;
        }
    };
    std::string why;
    auto compared = compareReplays(a.outcomes, b.outcomes, comparison, &why);
    if (!compared)
        return replayBadInput(u"--compare: "_s + QString::fromStdString(why));
    ReplayComparisonReport report;
    report.recording = options.recordingPath;
    report.rulesA = options.rulesA;
    report.rulesB = options.rulesB;
    report.traceHashA = QString::number(a.traceHash, 16);
    report.traceHashB = QString::number(b.traceHash, 16);
    report.amplify = options.amplify;
    report.seed = options.seed;
    report.resamples = comparison.resamples;
    report.confidence = comparison.confidence;
    report.minArrivals = comparison.minArrivals;
    report.arrivals = a.outcomes.arrivals.size();
    report.comparison = std::move(*compared);
    std::fprintf(stderr, "pulsco-sim: compared in %.1f s\n", double(wall.elapsed()) / 1000.0);

    const QString markdown = replayComparisonMarkdown(report);
    std::fputs(qPrintable(markdown), stdout);
    std::fflush(stdout);
    if (!options.reportPath.isEmpty() &&
        !saveReplayFile(options.reportPath, replayComparisonToJson(report), &error))
        return replayBadInput(u"--report: "_s + error);
    if (!options.markdownPath.isEmpty() &&
        !saveReplayFile(options.markdownPath, markdown.toUtf8(), &error))
        return replayBadInput(u"--markdown: "_s + error);
    return report.comparison.regressed() ? 1 : 0;
}

}  // namespace pulsco
