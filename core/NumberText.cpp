#include "core/NumberText.h"

#include <cstdio>

namespace pulsco {

std::string fixedText(double v, int decimals) {
    char buffer[352];  // %.*f of the largest double with a few decimals
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
    return buffer;
}

std::string significantText(double v, int digits) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, v);
    return buffer;
}

std::string withSign(double v, const std::string& text) {
    return v > 0 ? "+" + text : text;
}

}  // namespace pulsco
