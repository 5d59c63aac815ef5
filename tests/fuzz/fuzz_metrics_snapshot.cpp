// libFuzzer target: snapshot JSON the console reads from servers (metricsSnapshotFromJson)
// Any input must give a value or a clean error, never a crash or UB.
#include "bridge/MetricsSnapshotJson.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

using namespace pulsco;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QByteArray input =
        QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    QString error;
    const auto snapshot = metricsSnapshotFromJson(input, QStringLiteral("fuzz"), &error);
    if (!snapshot && error.isEmpty())
        __builtin_trap();
    // What we accept we must be able to write back and read again.
    if (snapshot) {
        QString again;
        if (!metricsSnapshotFromJson(metricsSnapshotToJson(*snapshot), QStringLiteral("again"),
                                     &again))
            __builtin_trap();
    }
    return 0;
}
