// libFuzzer target: drill files (parseDrill)
// Any input must give a value or a clean error, never a crash or UB.
#include "drills/DrillJson.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

using namespace pulsco;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QByteArray input =
        QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const DrillLoad load = parseDrill(input, QStringLiteral("fuzz.json"));
    if (!load.drill && load.error.isEmpty())
        __builtin_trap();
    return 0;
}
