// libFuzzer target: answers of Prometheus' query API as the console's
// Prometheus source reads them (parsePromQueryResponse), and an accepted
// answer built into snapshots as every query of a refresh at once
// (buildPromSnapshots: labels, bucket bounds and values from outside).
// Any input must give a result or a clean error, never a crash or UB.
#include "net/promsource/PromQueryResponse.h"
#include "net/promsource/PromSnapshotBuilder.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

using namespace pulsco;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QByteArray input =
        QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    PromQueryError error;
    const auto result = parsePromQueryResponse(input, 200, QStringLiteral("fuzz"), &error);
    if (!result) {
        if (!error.message.startsWith(QStringLiteral("fuzz: ")))
            __builtin_trap();  // a refusal must name its source and say why
        return 0;
    }
    PromAnswers answers;
    for (auto& answer : answers)
        answer = *result;
    double at = 0;
    if (!result->series.empty() && !result->series.front().points.empty())
        at = result->series.front().points.front().atUnixSeconds;
    const PromBuild build = buildPromSnapshots(answers, at, at - 600, {});
    for (const auto& [color, snapshot] : build.parts)
        if (!snapshot || (color != Color::Blue && color != Color::Green))
            __builtin_trap();
    return 0;
}
