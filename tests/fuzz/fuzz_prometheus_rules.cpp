// libFuzzer target: Prometheus rule files (importPrometheusRules, yaml-cpp)
// Any input must give rules or a clean error, never a crash or UB.
#include "drills/PrometheusRules.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

using namespace pulsco;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QByteArray input =
        QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const AlertRulesLoad load = importPrometheusRules(input, QStringLiteral("fuzz.yml"));
    if (!load.rules && load.error.isEmpty())
        __builtin_trap();
    return 0;
}
