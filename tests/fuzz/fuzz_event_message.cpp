// libFuzzer target: messages of the /v1/events WebSocket stream as the
// console reads them (parseEventMessage: envelope, snapshot, ticket, match).
// Any input must give a message or a clean error, never a crash or UB.
#include "net/live/EventMessage.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

using namespace pulsco;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QByteArray input =
        QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    QString error;
    const auto message =
        parseEventMessage(input, {QStringLiteral("fuzz"), QStringLiteral("blue"), 12.5, 0}, &error);
    if (!message && !error.startsWith(QStringLiteral("fuzz: ")))
        __builtin_trap();  // a refusal must name its source and say why
    if (message && message->snapshot && message->type != QStringLiteral("snapshot"))
        __builtin_trap();
    return 0;
}
