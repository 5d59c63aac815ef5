// libFuzzer target: rollout plan files (parseRolloutPlan)
// Any input must give a value or a clean error, never a crash or UB.
#include "rollout/RolloutPlanJson.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

using namespace pulsco;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QByteArray input =
        QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const RolloutPlanLoad load = parseRolloutPlan(input, QStringLiteral("fuzz.json"));
    if (!load.plan && load.error.isEmpty())
        __builtin_trap();
    return 0;
}
