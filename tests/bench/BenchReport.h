// The one output format of every benchmark: `BENCH <name> <value> <unit>`.
#pragma once

#include <chrono>
#include <cstdio>

namespace pulsco::bench {

inline void report(const char* name, double value, const char* unit) {
    std::printf("BENCH %s %.6g %s\n", name, value, unit);
    std::fflush(stdout);
}

inline double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace pulsco::bench
