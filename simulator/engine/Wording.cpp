#include "simulator/engine/Wording.h"

#include "core/NumberText.h"

#include <cmath>
#include <cstdio>

namespace pulsco::sim {

std::string number(double v, int decimals) {
    return fixedText(v, decimals);
}

std::string significant(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, std::abs(v) >= 1000 ? "%.0f" : "%.4g", v);
    return buf;
}

}  // namespace pulsco::sim
