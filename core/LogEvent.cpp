#include "core/LogEvent.h"

#include <array>
#include <string_view>
#include <utility>

namespace pulsco {

namespace {

constexpr std::array<std::pair<LogEventKind, const char*>, 9> kKinds{{
    {LogEventKind::Match, "match"},
    {LogEventKind::Expiry, "expiry"},
    {LogEventKind::Cancel, "cancel"},
    {LogEventKind::FaultStart, "fault_start"},
    {LogEventKind::FaultEnd, "fault_end"},
    {LogEventKind::Breach, "breach"},
    {LogEventKind::Traffic, "traffic"},
    {LogEventKind::Info, "info"},
    {LogEventKind::Error, "error"},
}};

}  // namespace

const char* toString(LogEventKind kind) {
    for (const auto& [entry, name] : kKinds) {
        if (entry == kind)
            return name;
    }
    return "unknown";
}

std::optional<LogEventKind> logEventKindFromString(const std::string& name) {
    for (const auto& [entry, entryName] : kKinds) {
        if (name == std::string_view(entryName))
            return entry;
    }
    return std::nullopt;
}

}  // namespace pulsco
