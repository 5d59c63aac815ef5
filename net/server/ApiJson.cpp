#include "net/server/ApiJson.h"

#include "bridge/JsonReader.h"
#include "bridge/JsonWriter.h"
#include "bridge/MetricsSnapshotJson.h"

#include <QSet>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

bool validPlayerId(const QString& id) {
    if (id.isEmpty() || id.size() > kMaxPlayerIdLength)
        return false;
    for (QChar c : id) {
        const char16_t u = c.unicode();
        if (!((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
              u == '-' || u == '_' || u == '.' || u == ':' || u == '@'))
            return false;
    }
    return true;
}

// Reads one player object; regions map to indices of `config.regions`.
PartyMember readPlayer(JsonObjectReader p, const QueueConfig& config,
                       std::optional<Rating>* rating) {
    PartyMember m;
    const QString id = p.string(u"id", kMaxPlayerIdLength);
    if (p.ok() && !validPlayerId(id))
        p.fail(u"id",
               u"must be 1 to %1 characters of A-Z a-z 0-9 - _ . : @"_s.arg(kMaxPlayerIdLength));
    m.id = id.toStdString();
    if (auto r = p.optionalObject(u"rating")) {
        Rating value;
        value.mu = r->number(u"mu", -1000, 1000);
        value.sigma = r->number(u"sigma", 0.001, 1000);
        r->finish();
        *rating = value;
    }
    m.pingMs.assign(config.regions.size(), kUnreachablePing);
    JsonObjectReader pings = p.object(u"pings");
    if (p.ok() && pings.keys().isEmpty())
        p.fail(u"pings", u"must name at least one region (known: "_s + QString::fromStdString([&] {
                             std::string all;
                             for (const auto& r : config.regions)
                                 all += (all.empty() ? "" : ", ") + r;
                             return all;
                         }()) +
                             u')');
    for (const QString& region : pings.keys()) {
        const int index = config.regionIndex(region.toStdString());
        if (index < 0) {
            pings.fail(region, u"unknown region"_s);
            break;
        }
        m.pingMs[std::size_t(index)] = int(pings.integer(region, 0, 10000));
    }
    pings.finish();
    p.finish();
    return m;
}

}  // namespace

std::optional<TicketBody> parseTicketBody(const QByteArray& body, const QueueConfig& config,
                                          QString* error) {
    JsonReader reader(u"POST /v1/tickets"_s);
    auto root = reader.parseObject(body);
    TicketBody out;
    if (root) {
        const QString queue = root->string(u"queue", 128);
        if (root->ok() && config.queueIndex(queue.toStdString()) < 0) {
            QStringList known;
            for (const auto& q : config.queues)
                known << QString::fromStdString(q.name);
            root->fail(u"queue",
                       u"unknown queue '"_s + queue + u"' (known: "_s + known.join(u", ") + u')');
        }
        out.request.queue = queue.toStdString();
        JsonArrayReader players = root->array(u"players", kMaxPartyInBody);
        if (root->ok() && players.size() == 0)
            root->fail(u"players", u"must hold at least one player"_s);
        QSet<QString> seen;
        for (qsizetype i = 0; i < players.size() && reader.ok(); ++i) {
            std::optional<Rating> rating;
            PartyMember m = readPlayer(players.object(i), config, &rating);
            const QString id = QString::fromStdString(m.id);
            if (reader.ok() && seen.contains(id))
                reader.fail(players.elementPath(i) + u".id"_s,
                            u"player '"_s + id + u"' is twice in this party"_s);
            seen.insert(id);
            out.request.players.push_back(std::move(m));
            out.bodyRatings.push_back(rating);
        }
        root->finish();
    }
    if (!reader.ok()) {
        *error = reader.error();
        return std::nullopt;
    }
    return out;
}

std::optional<int> parseResultBody(const QByteArray& body, int teamCount, QString* error) {
    JsonReader reader(u"POST /v1/matches/{id}/result"_s);
    auto root = reader.parseObject(body);
    int winner = -1;
    if (root) {
        winner = int(root->integer(u"winner_team", 0, teamCount - 1));
        root->finish();
    }
    if (!reader.ok()) {
        *error = reader.error();
        return std::nullopt;
    }
    return winner;
}

QByteArray playersToJson(const std::vector<PartyMember>& players, const QueueConfig& config) {
    QByteArray out;
    JsonWriter w(&out);
    w.beginArray();
    for (const PartyMember& p : players) {
        w.beginObject();
        w.field("id", std::string_view(p.id));
        w.key("rating");
        w.beginObject();
        w.field("mu", p.rating.mu);
        w.field("sigma", p.rating.sigma);
        w.endObject();
        w.key("pings");
        w.beginObject();
        for (std::size_t r = 0; r < p.pingMs.size() && r < config.regions.size(); ++r) {
            if (p.pingMs[r] >= kUnreachablePing)
                continue;
            w.key(config.regions[r]);
            w.value(p.pingMs[r]);
        }
        w.endObject();
        w.endObject();
    }
    w.endArray();
    return out;
}

std::optional<std::vector<PartyMember>> playersFromJson(const QByteArray& json,
                                                        const QueueConfig& config, QString* error) {
    const QByteArray wrapped =
        R"({"queue":")" +
        QByteArray::fromStdString(config.queues.empty() ? std::string() : config.queues[0].name) +
        R"(","players":)" + json + '}';
    auto body = parseTicketBody(wrapped, config, error);
    if (!body)
        return std::nullopt;
    for (std::size_t i = 0; i < body->request.players.size(); ++i)
        body->request.players[i].rating = body->bodyRatings[i].value_or(Rating{});
    return std::move(body->request.players);
}

QByteArray integrityJson(const IntegrityReport& report) {
    QByteArray out;
    JsonWriter w(&out);
    writeIntegrityReport(w, report);
    return out;
}

QByteArray integrityAnswerJson(const std::optional<IntegrityReport>& last, bool running,
                               double intervalSeconds, std::uint64_t completed) {
    QByteArray out;
    JsonWriter w(&out);
    w.beginObject();
    w.key("audit");
    if (last)
        writeIntegrityReport(w, *last);
    else
        w.rawValue("null");
    w.field("running", running);
    w.field("interval_s", intervalSeconds);
    w.field("audits_completed", completed);
    w.endObject();
    return out;
}

}  // namespace pulsco
