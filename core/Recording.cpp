#include "core/Recording.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace pulsco {

namespace {

bool plain(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '@' || c == '-';
}

std::vector<std::string_view> split(std::string_view text, char by) {
    std::vector<std::string_view> out;
    std::size_t from = 0;
    for (;;) {
        const std::size_t at = text.find(by, from);
        out.push_back(
            text.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from));
        if (at == std::string_view::npos)
            return out;
        from = at + 1;
    }
}

std::optional<double> number(std::string_view text) {
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

std::optional<std::int64_t> integer(std::string_view text) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return v;
}

// Bounds of what a recording can hold: a server's clock (seconds) within a
// thousand years, ratings far beyond any model's. Beyond them a number is
// garbage, and refused rather than written back differently.
constexpr double kMaxSeconds = 3.2e10;
constexpr long long kMaxRecordingParts = 1000000;  // far past any keep-parts setting
constexpr double kMaxRating = 1e6;

std::string fixed(double v, int decimals) {
    // Room for any double in fixed notation (309 digits, sign, decimals):
    // never cut short.
    char text[400];
    const auto [end, ec] =
        std::to_chars(text, text + sizeof text, v, std::chars_format::fixed, decimals);
    return ec == std::errc() ? std::string(text, end) : std::string("0");
}

// The event's time: finite, not negative, within the bound.
std::optional<double> eventTime(std::string_view text, std::string* error) {
    const auto t = number(text);
    if (!t || *t < 0 || *t > kMaxSeconds) {
        *error = "field 2 (time): must be seconds, a number from 0 to 3.2e10";
        return std::nullopt;
    }
    return t;
}

std::optional<std::string> idField(std::string_view text, const char* what, int field,
                                   std::string* error) {
    auto id = recordingUnescape(text);
    if (!id || id->empty()) {
        *error = "field " + std::to_string(field) + " (" + what +
                 "): must be a non-empty percent-encoded id";
        return std::nullopt;
    }
    return id;
}

std::string member(const PartyMember& m) {
    std::string out =
        recordingEscape(m.id) + '|' + fixed(m.rating.mu, 3) + '|' + fixed(m.rating.sigma, 3) + '|';
    for (std::size_t i = 0; i < m.pingMs.size(); ++i) {
        if (i)
            out += ',';
        out += m.pingMs[i] >= kUnreachablePing ? std::string("-") : std::to_string(m.pingMs[i]);
    }
    return out;
}

}  // namespace

double timeOf(const RecordedEvent& event) {
    return std::visit([](const auto& e) { return e.t; }, event);
}

std::string recordingEscape(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (plain(c)) {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::optional<std::string> recordingUnescape(std::string_view text) {
    const auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        return -1;
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size())
                return std::nullopt;  // "%" or "%A" at the end
            const int hi = hex(text[i + 1]), lo = hex(text[i + 2]);
            if (hi < 0 || lo < 0)
                return std::nullopt;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (plain(static_cast<unsigned char>(c))) {
            out += c;
        } else {
            return std::nullopt;
        }
    }
    return out;
}

std::string encodeRecordingHeader(const RecordingHeader& h) {
    std::string regions;
    for (std::size_t i = 0; i < h.regions.size(); ++i)
        regions += (i ? "," : "") + recordingEscape(h.regions[i]);
    return "pulsco-recording " + std::to_string(h.format) + " server=" + recordingEscape(h.server) +
           " environment=" + recordingEscape(h.environment) +
           " started_unix_ms=" + fixed(h.startedUnixMs, 0) +
           " ids=" + (h.pseudonymous ? "pseudonymous" : "raw") + " regions=" + regions +
           " part=" + std::to_string(h.part);
}

std::string encodeRecordedEvent(const RecordedEvent& event) {
    struct Encode {
        std::string operator()(const RecordedTicket& e) const {
            std::string out = "T " + fixed(e.t, 3) + ' ' + recordingEscape(e.ticket) + ' ' +
                              recordingEscape(e.request.queue);
            for (const PartyMember& m : e.request.players)
                out += ' ' + member(m);
            return out;
        }
        std::string operator()(const RecordedCancel& e) const {
            return "C " + fixed(e.t, 3) + ' ' + recordingEscape(e.ticket);
        }
        std::string operator()(const RecordedResult& e) const {
            return "R " + fixed(e.t, 3) + ' ' + recordingEscape(e.match) + ' ' +
                   std::to_string(e.winnerTeam);
        }
        std::string operator()(const RecordedGap& e) const {
            return "G " + fixed(e.t, 3) + ' ' + std::to_string(e.lost);
        }
    };
    return std::visit(Encode{}, event);
}

std::optional<RecordingHeader> decodeRecordingHeader(std::string_view line, std::string* error) {
    const auto fields = split(line, ' ');
    if (fields.size() < 2 || fields[0] != "pulsco-recording") {
        *error = "not a recording: the first line must start with \"pulsco-recording\"";
        return std::nullopt;
    }
    const auto format = integer(fields[1]);
    if (!format || *format != kRecordingFormat) {
        *error = "format " + std::string(fields[1]) + " is not one this build reads (it reads " +
                 std::to_string(kRecordingFormat) + ")";
        return std::nullopt;
    }
    RecordingHeader h;
    bool sawRegions = false, sawServer = false;
    std::vector<std::string_view> seen;
    for (std::size_t i = 2; i < fields.size(); ++i) {
        const std::size_t eq = fields[i].find('=');
        if (eq == std::string_view::npos) {
            *error = "header field " + std::to_string(i + 1) + ": must be key=value";
            return std::nullopt;
        }
        const std::string_view key = fields[i].substr(0, eq), value = fields[i].substr(eq + 1);
        // A key given twice has no one meaning: refused rather than
        // silently taking the first or the last.
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
            *error = "header " + std::string(key) + ": given twice";
            return std::nullopt;
        }
        seen.push_back(key);
        const auto text = recordingUnescape(value);
        if (key == "server" && text) {
            h.server = *text;
            sawServer = true;
        } else if (key == "environment" && text) {
            h.environment = *text;
        } else if (key == "started_unix_ms") {
            const auto v = number(value);
            if (!v || *v < 0 || *v > kMaxSeconds * 1000) {
                *error = "header started_unix_ms: must be a number from 0 to 3.2e13";
                return std::nullopt;
            }
            h.startedUnixMs = *v;
        } else if (key == "ids") {
            if (value != "pseudonymous" && value != "raw") {
                *error = "header ids: must be pseudonymous or raw";
                return std::nullopt;
            }
            h.pseudonymous = value == "pseudonymous";
        } else if (key == "regions") {
            sawRegions = true;
            for (const std::string_view r : split(value, ',')) {
                const auto name = recordingUnescape(r);
                if (!name || name->empty()) {
                    *error = "header regions: must be region names separated by commas";
                    return std::nullopt;
                }
                h.regions.push_back(*name);
            }
        } else if (key == "part") {
            const auto v = integer(value);
            if (!v || *v < 1 || *v > kMaxRecordingParts) {
                *error = "header part: must be an integer from 1 to " +
                         std::to_string(kMaxRecordingParts);
                return std::nullopt;
            }
            h.part = int(*v);
        }
        // Keys a later format adds are left for it: this format's own
        // fields are all checked above.
    }
    if (!sawServer || !sawRegions) {
        *error = std::string("header: ") + (sawServer ? "regions" : "server") + " is missing";
        return std::nullopt;
    }
    return h;
}

std::optional<RecordedEvent> decodeRecordedEvent(std::string_view line, std::size_t regionCount,
                                                 std::string* error) {
    const auto fields = split(line, ' ');
    const std::string_view kind = fields[0];
    const auto need = [&](std::size_t n, const char* shape) {
        if (fields.size() == n)
            return true;
        *error =
            std::string("must be \"") + shape + "\" (" + std::to_string(fields.size()) + " fields)";
        return false;
    };
    if (kind == "C") {
        if (!need(3, "C <time> <ticket>"))
            return std::nullopt;
        const auto t = eventTime(fields[1], error);
        const auto ticket = t ? idField(fields[2], "ticket", 3, error) : std::nullopt;
        if (!ticket)
            return std::nullopt;
        return RecordedCancel{*t, *ticket};
    }
    if (kind == "R") {
        if (!need(4, "R <time> <match> <winner team>"))
            return std::nullopt;
        const auto t = eventTime(fields[1], error);
        const auto match = t ? idField(fields[2], "match", 3, error) : std::nullopt;
        if (!match)
            return std::nullopt;
        const auto winner = integer(fields[3]);
        if (!winner || *winner < 0 || *winner > 64) {
            *error = "field 4 (winner team): must be a team number from 0";
            return std::nullopt;
        }
        return RecordedResult{*t, *match, int(*winner)};
    }
    if (kind == "G") {
        if (!need(3, "G <time> <lost events>"))
            return std::nullopt;
        const auto t = eventTime(fields[1], error);
        if (!t)
            return std::nullopt;
        const auto lost = integer(fields[2]);
        if (!lost || *lost < 1) {
            *error = "field 3 (lost events): must be an integer >= 1";
            return std::nullopt;
        }
        return RecordedGap{*t, std::uint64_t(*lost)};
    }
    if (kind != "T") {
        *error =
            "field 1: \"" + std::string(kind.substr(0, 16)) + "\" is not an event (T, C, R or G)";
        return std::nullopt;
    }
    if (fields.size() < 5) {
        *error = "must be \"T <time> <ticket> <queue> <member>...\" with at least one member";
        return std::nullopt;
    }
    const auto t = eventTime(fields[1], error);
    const auto ticket = t ? idField(fields[2], "ticket", 3, error) : std::nullopt;
    const auto queue = ticket ? idField(fields[3], "queue", 4, error) : std::nullopt;
    if (!queue)
        return std::nullopt;
    RecordedTicket e{*t, *ticket, {*queue, {}}};
    for (std::size_t i = 4; i < fields.size(); ++i) {
        const std::string where = "field " + std::to_string(i + 1) + " (member)";
        const auto parts = split(fields[i], '|');
        if (parts.size() != 4) {
            *error = where + ": must be id|mu|sigma|pings";
            return std::nullopt;
        }
        PartyMember m;
        const auto id = recordingUnescape(parts[0]);
        const auto mu = number(parts[1]), sigma = number(parts[2]);
        if (!id || id->empty() || !mu || !sigma || *sigma < 0 || std::abs(*mu) > kMaxRating ||
            *sigma > kMaxRating) {
            *error = where + ": id must be non-empty, mu a number, sigma a number >= 0 (both "
                             "within 1e6)";
            return std::nullopt;
        }
        m.id = *id;
        m.rating = {*mu, *sigma};
        const auto pings = split(parts[3], ',');
        if (pings.size() != regionCount) {
            *error = where + ": needs one ping per region of the header (" +
                     std::to_string(regionCount) + "), has " + std::to_string(pings.size());
            return std::nullopt;
        }
        for (const std::string_view p : pings) {
            if (p == "-") {
                m.pingMs.push_back(kUnreachablePing);
                continue;
            }
            const auto ms = integer(p);
            if (!ms || *ms < 0 || *ms >= kUnreachablePing) {
                *error = where + ": a ping must be milliseconds from 0 to 65534, or -";
                return std::nullopt;
            }
            m.pingMs.push_back(int(*ms));
        }
        e.request.players.push_back(std::move(m));
    }
    return e;
}

}  // namespace pulsco
