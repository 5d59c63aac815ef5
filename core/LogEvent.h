// One line of the event log the console shows (matches, expiries, faults,
// threshold breaches...). Batched by a Source, filtered and searched by the UI.
#pragma once

#include <optional>
#include <string>

namespace pulsco {

enum class LogEventKind {
    Match,
    Expiry,
    Cancel,
    FaultStart,
    FaultEnd,
    Breach,
    Traffic,
    Info,
    Error
};
const char* toString(LogEventKind kind);  // "match", "expiry", ...
std::optional<LogEventKind> logEventKindFromString(const std::string& name);

struct LogEvent {
    LogEventKind kind = LogEventKind::Info;
    double timeSeconds = 0;     // source time (simulated or server uptime)
    double wallTimeUnixMs = 0;  // wall clock when it happened
    std::string color;          // "blue", "green" or ""
    std::string text;
    bool operator==(const LogEvent&) const = default;
};

}  // namespace pulsco
