// libFuzzer target: queues.json (parseQueueConfig)
// Any input must give a value or a clean error, never a crash or UB.
#include "bridge/QueueConfigJson.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

using namespace pulsco;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QByteArray input =
        QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    QString error;
    const auto config = parseQueueConfig(input, QStringLiteral("fuzz.json"), &error);
    if (!config && error.isEmpty())
        __builtin_trap();  // a refusal must say why
    return 0;
}
