// libFuzzer target: recordings as a replay reads them (core/Recording.h):
// the first line as a header, the others as events. Any input gives an
// event or a clean error, never a crash or UB; what decodes encodes back to
// a line that decodes to the same line again.
#include "core/Recording.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace pulsco;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::size_t regions = 3;
    std::size_t from = 0;
    bool first = true;
    while (from <= input.size()) {
        std::size_t end = input.find('\n', from);
        if (end == std::string_view::npos)
            end = input.size();
        const std::string_view line = input.substr(from, end - from);
        std::string error;
        if (first) {
            if (const auto h = decodeRecordingHeader(line, &error)) {
                regions = h->regions.size();
                std::string again;
                if (!decodeRecordingHeader(encodeRecordingHeader(*h), &again))
                    __builtin_trap();
            } else if (error.empty()) {
                __builtin_trap();  // a refusal says why
            }
            first = false;
        } else if (const auto e = decodeRecordedEvent(line, regions, &error)) {
            const std::string encoded = encodeRecordedEvent(*e);
            const auto back = decodeRecordedEvent(encoded, regions, &error);
            if (!back || encodeRecordedEvent(*back) != encoded)
                __builtin_trap();
        } else if (error.empty()) {
            __builtin_trap();
        }
        from = end + 1;
    }
    return 0;
}
