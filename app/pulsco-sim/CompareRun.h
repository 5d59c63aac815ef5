// pulsco-sim --replay PATH --compare A.json B.json: the recording through
// two queue-rule files (two replays at once, one per core), the paired
// comparison of core/ReplayComparison, printed as Markdown; --report writes
// the JSON the console opens, --markdown the Markdown, --thresholds sets
// the bars. Exit 0 when B passes, 1 when it regresses, 2 on bad input.
#pragma once

#include <QString>

#include <cstdint>

namespace pulsco {

struct CompareRunOptions {
    QString recordingPath;
    QString rulesA, rulesB;
    QString thresholdsPath;  // "" = the default bars
    int amplify = 1;
    std::uint64_t seed = 1;
    QString reportPath;    // JSON
    QString markdownPath;  // Markdown (it is always printed too)
};

int runCompare(const CompareRunOptions& options);

}  // namespace pulsco
