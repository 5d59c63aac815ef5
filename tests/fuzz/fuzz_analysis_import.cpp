// libFuzzer target: analysis written for other canary tools
// (rollout/AnalysisImport): every input is read both as a Kayenta canary
// config (JSON) and as an Argo Rollouts AnalysisTemplate (YAML, yaml-cpp).
// Each must give a step or a clean error, never a crash or UB, and a step
// it gives must read back through the plan's own step reader.
#include "rollout/AnalysisImport.h"
#include "rollout/RolloutPlanJson.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QString>

#include <cstddef>
#include <cstdint>

using namespace pulsco;

namespace {

void check(const AnalysisImport& in) {
    if (!in.step) {
        if (in.error.isEmpty())
            __builtin_trap();
        return;
    }
    QString error;
    if (!trafficStepsFromJson(QJsonDocument(trafficStepsToJson({*in.step})).toJson(),
                              QStringLiteral("fuzz"), &error))
        __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const QByteArray input =
        QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    check(importKayentaCanaryConfig(input, QStringLiteral("fuzz.json")));
    check(importArgoAnalysisTemplate(input, QStringLiteral("fuzz.yaml")));
    return 0;
}
