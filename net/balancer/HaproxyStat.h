// What HAProxy's runtime API answers, read without any IO: `show stat` CSV
// and `get weight`. Columns are found by their header name, never by
// position, because HAProxy appends columns between versions (2.6 has 100+).
// A field the console needs that is missing or not a number is an error
// naming the source, the line and the field; nothing is guessed.
#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace pulsco {

// One backend or server row of `show stat` (frontend rows carry no weight
// and no server counters; they are passed over, see parseShowStat).
struct HaproxyStatRow {
    int line = 0;                // 1-based line in the answer, for messages
    QString proxy;               // pxname
    QString server;              // svname: a server name, or "BACKEND"
    QString status;              // "UP", "DOWN", "DRAIN", "MAINT", "no check", "UP 1/3", ...
    std::uint64_t requests = 0;  // req_tot: HTTP requests (mode http only)
    std::uint64_t sessions = 0;  // stot: sessions (connections) in total
    std::uint64_t current = 0;   // scur: sessions open now
    int weight = 0;              // weight: the effective weight
};

struct HaproxyStatTable {
    std::vector<HaproxyStatRow> rows;
    // The row of `server` in `proxy` ("BACKEND" for the backend itself).
    const HaproxyStatRow* find(const QString& proxy, const QString& server) const;
};

// Parses a whole `show stat` answer. `source` starts every error ("haproxy
// 127.0.0.1:9999 show stat: line 3 (pulsco/green): req_tot: 'x' is not a
// number"). Empty lines are allowed (HAProxy ends with one).
std::optional<HaproxyStatTable> parseShowStat(const QByteArray& text, const QString& source,
                                              QString* error);

// `get weight be/srv` answers "10 (initial 100)".
struct HaproxyWeight {
    int current = 0;
    int initial = 0;
};
std::optional<HaproxyWeight> parseGetWeight(const QString& text, const QString& source,
                                            QString* error);

// One CSV line split as HAProxy writes it: fields separated by commas, a
// field with a comma or quote in double quotes with "" for a quote. Returns
// nothing on an unterminated quote.
std::optional<QStringList> splitHaproxyCsv(const QString& line);

}  // namespace pulsco
