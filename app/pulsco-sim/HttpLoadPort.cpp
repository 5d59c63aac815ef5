#include "HttpLoadPort.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace pulsco {

HttpLoadPort::HttpLoadPort(HttpLoadClient& client, std::array<std::vector<int>, 2> colorTargets)
    : m_client(client)
    , m_colorTargets(std::move(colorTargets)) {}

HttpLoadPort::HttpLoadPort(HttpLoadClient& client, Balancer)
    : m_client(client)
    , m_colorTargets{std::vector<int>{0}, std::vector<int>{0}}
    , m_balancer(true) {}

namespace {

// A JSON string literal of `text`, quotes included: queue names and ids of
// a recording are whatever it holds, and must not break the body.
QByteArray jsonString(const std::string& text) {
    QByteArray out;
    out.reserve(qsizetype(text.size()) + 2);
    out += '"';
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x",
                          unsigned(static_cast<unsigned char>(c)));
            out += escaped;
        } else {
            out += c;  // UTF-8 bytes pass as they are
        }
    }
    out += '"';
    return out;
}

}  // namespace

std::optional<Color> colorOfId(const std::string& id) {
    const std::size_t dash = id.find('-');
    if (dash == std::string::npos)
        return std::nullopt;
    return colorFromString(std::string_view(id).substr(0, dash));
}

int HttpLoadPort::target(Color color) {
    const auto c = indexOf(color);
    const std::vector<int>& list =
        m_colorTargets[c].empty() ? m_colorTargets[1 - c] : m_colorTargets[c];
    return list[m_next[c]++ % list.size()];
}

void HttpLoadPort::send(Color color, double intendedMs, const QByteArray& method,
                        const QByteArray& path, const QByteArray& body, Callback done) {
    m_client.send(
        target(color), intendedMs, method, path, body,
        [this, post = method == "POST" && path == "/v1/tickets",
         done = std::move(done)](const HttpLoadAnswer& answer) {
            LoadReply reply;
            reply.status = answer.status;
            reply.failure = answer.failure.toStdString();
            reply.latencyMs = answer.latencyMs;
            if (reply.ok() && !answer.body.isEmpty()) {
                const QJsonObject o = QJsonDocument::fromJson(answer.body).object();
                reply.ticketId = o.value(QLatin1StringView("ticket_id")).toString().toStdString();
                reply.state = o.value(QLatin1StringView("state")).toString().toStdString();
                reply.matchId = o.value(QLatin1StringView("match_id")).toString().toStdString();
                reply.waitMs = o.value(QLatin1StringView("wait_ms")).toDouble();
            }
            if (m_balancer) {
                // A ticket's answers carry its id; a result's, the match's.
                reply.answeredBy =
                    colorOfId(reply.ticketId.empty() ? reply.matchId : reply.ticketId);
                const std::size_t who = reply.answeredBy ? indexOf(*reply.answeredBy) : 2;
                ++m_answeredBy.answers[reply.ok() ? who : 2];
                if (post && answer.status == 201)
                    ++m_answeredBy.ticketsCreated[who];
            }
            done(reply);
        });
}

void HttpLoadPort::createTicket(Color color, double intendedMs, const std::string& queue,
                                const std::vector<LoadMember>& party, Callback done) {
    QByteArray body = "{\"queue\":" + jsonString(queue) + ",\"players\":[";
    for (std::size_t i = 0; i < party.size(); ++i) {
        const LoadMember& m = party[i];
        if (i)
            body += ',';
        body += "{\"id\":" + jsonString(m.id) +
                ",\"rating\":{\"mu\":" + QByteArray::number(m.mu, 'g', 8) +
                ",\"sigma\":" + QByteArray::number(std::max(0.001, m.sigma), 'g', 8) +
                "},\"pings\":{";
        for (std::size_t r = 0; r < m.pings.size(); ++r) {
            if (r)
                body += ',';
            body += jsonString(m.pings[r].first) + ':' + QByteArray::number(m.pings[r].second);
        }
        body += "}}";
    }
    body += "]}";
    send(color, intendedMs, "POST", "/v1/tickets", body, std::move(done));
}

void HttpLoadPort::getTicket(Color color, double intendedMs, const std::string& ticketId,
                             Callback done) {
    send(color, intendedMs, "GET", "/v1/tickets/" + QByteArray::fromStdString(ticketId), {},
         std::move(done));
}

void HttpLoadPort::cancelTicket(Color color, double intendedMs, const std::string& ticketId,
                                Callback done) {
    send(color, intendedMs, "DELETE", "/v1/tickets/" + QByteArray::fromStdString(ticketId), {},
         std::move(done));
}

void HttpLoadPort::reportResult(Color color, double intendedMs, const std::string& matchId,
                                int winnerTeam, Callback done) {
    send(color, intendedMs, "POST", "/v1/matches/" + QByteArray::fromStdString(matchId) + "/result",
         "{\"winner_team\":" + QByteArray::number(winnerTeam) + '}', std::move(done));
}

}  // namespace pulsco
