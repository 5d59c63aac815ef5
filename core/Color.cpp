#include "core/Color.h"

namespace pulsco {

const char* toString(Color color) {
    return color == Color::Blue ? "blue" : "green";
}

std::optional<Color> colorFromString(std::string_view name) {
    if (name == "blue")
        return Color::Blue;
    if (name == "green")
        return Color::Green;
    return std::nullopt;
}

ScopedName splitScope(std::string_view text) {
    for (Color color : kColors) {
        const std::string_view prefix = toString(color);
        if (text.size() > prefix.size() + 1 && text.starts_with(prefix) &&
            text[prefix.size()] == '.')
            return {color, text.substr(prefix.size() + 1)};
    }
    return {std::nullopt, text};
}

std::string_view scopeName(std::optional<Color> color) {
    return color ? std::string_view(toString(*color)) : std::string_view();
}

}  // namespace pulsco
