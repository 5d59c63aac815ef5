// JSON of the pulsco-matchd API: request bodies read strictly with
// JsonReader (every 400 names the field and why) and answers written with
// JsonWriter. Field by field in docs/api.md.
#pragma once

#include "core/Matchmaker.h"
#include "core/MetricsSnapshot.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace pulsco {

// Limits of POST /v1/tickets bodies.
inline constexpr qsizetype kMaxPlayerIdLength = 64;
inline constexpr qsizetype kMaxPartyInBody = 16;

// Parses POST /v1/tickets. Pings are mapped to config.regions indices;
// "rating" is optional (absent -> nullopt in `bodyRatings`). Returns nullopt
// and *error ("players[1].pings.mars: unknown region ...") when invalid.
struct TicketBody {
    TicketRequest request;
    std::vector<std::optional<Rating>> bodyRatings;  // per player, as sent
};
std::optional<TicketBody> parseTicketBody(const QByteArray& body, const QueueConfig& config,
                                          QString* error);

// A POST /v1/tickets body parsed ahead, on an I/O thread (HttpRequest::prepared).
struct PreparedTicketBody {
    std::optional<TicketBody> body;
    QString error;
};

// {"winner_team": N} with N in [0, teamCount).
std::optional<int> parseResultBody(const QByteArray& body, int teamCount, QString* error);

// Players of a ticket as stored: [{"id":..,"rating":{"mu":..,"sigma":..},"pings":{..}}].
QByteArray playersToJson(const std::vector<PartyMember>& players, const QueueConfig& config);
std::optional<std::vector<PartyMember>> playersFromJson(const QByteArray& json,
                                                        const QueueConfig& config, QString* error);

// An integrity audit as the snapshot's `integrity` object
// (docs/snapshot-schema.md; the same fields as bridge/MetricsSnapshotJson
// writes there, which does not export its writer).
QByteArray integrityJson(const IntegrityReport& report);
// GET /v1/integrity: {"audit": {..}|null, "running", "interval_s", "audits_completed"}.
QByteArray integrityAnswerJson(const std::optional<IntegrityReport>& last, bool running,
                               double intervalSeconds, std::uint64_t completed);

}  // namespace pulsco
