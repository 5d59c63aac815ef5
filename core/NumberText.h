// Numbers as text in the messages core writes (the judge's reasons, a
// fault's wording, a comparison's table): printf's formats, no locale, so a
// message reads the same on every machine and in every test.
#pragma once

#include <string>

namespace pulsco {

// Fixed decimals: fixedText(2.5, 0) is "2" or "3" as printf rounds.
std::string fixedText(double v, int decimals);
// `digits` significant digits, printf's %g (an exponent when it is shorter).
std::string significantText(double v, int digits);
// "+" before a positive value's text; a negative one has its own "-".
std::string withSign(double v, const std::string& text);

}  // namespace pulsco
