// Number formats of the engine's event log and threshold lines.
#pragma once

#include <string>

namespace pulsco::sim {

// Fixed decimals: number(2.5, 0) is "2" or "3" as printf rounds.
std::string number(double v, int decimals);
// Four significant digits ("113.3" s of wait, a 0.001234 error rate), and
// whole numbers from 1000 on rather than an exponent.
std::string significant(double v);

}  // namespace pulsco::sim
