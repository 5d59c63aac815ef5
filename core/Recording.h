// The arrival stream pulsco-matchd records (--record) and a replay reads:
// one line per event, a header line first. Plain C++ so the server that
// writes it and the simulator that replays it share one codec
// (docs/file-formats.md, "Recordings").
//
//   pulsco-recording 1 server=blue environment=staging started_unix_ms=1796420857806
//   ids=pseudonymous regions=eu,na,asia part=1 T 12.345 blue-t17 ranked-5v5
//   p3fa9c2e41b07d5aa|25.000|8.333|30,120,- C 13.002 blue-t17 R 45.500 blue-m4 1 G 46.000 120
//
// T: a ticket accepted (its queue; per party member the id, rating mu and
// sigma, ping per region in the header's order, "-" unreachable).
// C: a ticket cancelled. R: a match's result reported (the winning team).
// G: a gap, events the recorder could not write (the disk was behind).
// Times are the server's clock in seconds, never decreasing. Ids and queue
// names are percent-encoded outside [A-Za-z0-9._:@-].
#pragma once

#include "core/Matchmaker.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace pulsco {

inline constexpr int kRecordingFormat = 1;

struct RecordingHeader {
    int format = kRecordingFormat;
    std::string server;       // "blue" or "green"
    std::string environment;  // "staging" or "production"
    double startedUnixMs = 0;
    bool pseudonymous = true;          // ids replaced by salted hashes
    std::vector<std::string> regions;  // the order of every ticket's pings
    int part = 1;                      // rotated parts count from 1
    bool operator==(const RecordingHeader&) const = default;
};

struct RecordedTicket {
    double t = 0;
    std::string ticket;
    TicketRequest request;
};
struct RecordedCancel {
    double t = 0;
    std::string ticket;
};
struct RecordedResult {
    double t = 0;
    std::string match;
    int winnerTeam = 0;
};
struct RecordedGap {
    double t = 0;
    std::uint64_t lost = 0;  // events not written
};
using RecordedEvent = std::variant<RecordedTicket, RecordedCancel, RecordedResult, RecordedGap>;
double timeOf(const RecordedEvent& event);

// One line each, without the newline.
std::string encodeRecordingHeader(const RecordingHeader& header);
std::string encodeRecordedEvent(const RecordedEvent& event);

// nullopt with *error saying why ("field 3 (queue): ...") when the line is
// not a header / an event of this format. `regionCount` is the header's.
std::optional<RecordingHeader> decodeRecordingHeader(std::string_view line, std::string* error);
std::optional<RecordedEvent> decodeRecordedEvent(std::string_view line, std::size_t regionCount,
                                                 std::string* error);

// Percent-encoding of ids and queue names (bytes outside [A-Za-z0-9._:@-]).
std::string recordingEscape(std::string_view text);
std::optional<std::string> recordingUnescape(std::string_view text);

}  // namespace pulsco
