// libFuzzer target: gate and alert expressions (MetricExpression::parse),
// then evaluation of what parsed against an empty snapshot.
// Any input must give an expression or a clean error, never a crash or UB.
#include "core/MetricExpression.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace pulsco;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    ExpressionError error;
    const auto expression = MetricExpression::parse(text, &error);
    if (!expression) {
        if (error.message.empty() || error.position > text.size())
            __builtin_trap();  // a refusal must say why and where
        return 0;
    }
    (void)expression->evaluate(MetricsSnapshot{});
    (void)expression->metrics();
    return 0;
}
