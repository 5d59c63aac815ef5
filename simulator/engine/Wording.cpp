#include "simulator/engine/Wording.h"

#include <cmath>
#include <cstdio>

namespace pulsco::sim {

std::string number(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string significant(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, std::abs(v) >= 1000 ? "%.0f" : "%.4g", v);
    return buf;
}

}  // namespace pulsco::sim
