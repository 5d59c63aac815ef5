// The two colours of a blue-green deployment (blue = stable, green =
// candidate) and the "blue." / "green." scope prefix that metric names,
// thresholds and expressions share. One home, so every reader parses a scope
// the same way.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pulsco {

enum class Color { Blue, Green };

inline constexpr Color kColors[] = {Color::Blue, Color::Green};

const char* toString(Color color);  // "blue" / "green"
std::optional<Color> colorFromString(std::string_view name);

// 0 for blue, 1 for green: for arrays indexed by colour.
constexpr std::size_t indexOf(Color color) {
    return color == Color::Blue ? 0 : 1;
}
constexpr Color otherColor(Color color) {
    return color == Color::Blue ? Color::Green : Color::Blue;
}

// A metric name with its optional colour scope: "green.error_rate" is
// {Green, "error_rate"}, "error_rate" is {nullopt, "error_rate"} (both
// colours together). `name` views into the parsed text.
struct ScopedName {
    std::optional<Color> color;
    std::string_view name;
};
ScopedName splitScope(std::string_view text);
// The scope as MetricCatalog spells it: "", "blue" or "green".
std::string_view scopeName(std::optional<Color> color);

}  // namespace pulsco
