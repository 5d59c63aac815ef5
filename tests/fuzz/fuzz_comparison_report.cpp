// libFuzzer target: replay comparison reports the console opens
// (replayComparisonFromJson). Any input gives a report or a clean error,
// never a crash or UB; what is accepted writes back to JSON that reads again
// to the same bytes.
#include "bridge/ReplayComparisonJson.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

using namespace pulsco;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QByteArray input =
        QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    QString error;
    const auto report = replayComparisonFromJson(input, QStringLiteral("fuzz"), &error);
    if (!report && error.isEmpty())
        __builtin_trap();
    if (report) {
        (void)replayComparisonMarkdown(*report);
        const QByteArray written = replayComparisonToJson(*report);
        QString again;
        const auto back = replayComparisonFromJson(written, QStringLiteral("again"), &again);
        if (!back || replayComparisonToJson(*back) != written)
            __builtin_trap();
    }
    return 0;
}
