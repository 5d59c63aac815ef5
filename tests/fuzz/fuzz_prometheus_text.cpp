// libFuzzer target: Prometheus text exposition (PrometheusTextParser)
// Any input must give a value or a clean error, never a crash or UB.
#include "net/prometheus/PrometheusTextParser.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

using namespace pulsco;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QByteArray input =
        QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    QString error;
    const auto exposition = PrometheusTextParser::parse(input, QStringLiteral("fuzz"), &error);
    if (!exposition && error.isEmpty())
        __builtin_trap();
    return 0;
}
