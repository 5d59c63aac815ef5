#include "net/server/MatchService.h"

#include "bridge/JsonWriter.h"
#include "bridge/QueueConfigJson.h"
#include "net/http/HttpServer.h"
#include "net/server/ApiJson.h"
#include "net/server/ServerMetrics.h"

#include <QDateTime>
#include <QDebug>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSqlQuery>

#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

struct MatchService::TicketRecord {
    qint64 seq = 0;
    int queue = 0;
    TicketState state = TicketState::Searching;
    TicketId coreId = 0;  // while searching
    int region = -1;      // homeRegion of its party, for per-region figures
    qint64 matchSeq = 0;
    qint64 createdUnixMs = 0;
    double enqueuedAt = 0;             // server clock
    double waitSeconds = 0;            // once final
    std::vector<PartyMember> players;  // until matched (then the match holds them)
    // Finished by the matchmaker (matched, expired) and not yet on disk: kept
    // in memory, where the retry rebuilds its write from, until it is.
    bool unwritten = false;
    bool refused = false;  // the store refused its last write; a retry is due or under way
};

struct MatchService::MatchRecord {
    struct TeamOf {
        std::vector<std::string> players;
        std::vector<Rating> ratingsAtMatch;
        std::vector<qint64> tickets;
        double strength = 0;
    };
    qint64 seq = 0;
    QString queue;
    QString region;
    qint64 createdUnixMs = 0;
    double quality = 0;
    double team0WinProbability = 0.5;
    int worstPingMs = 0;
    double skillSpread = 0;
    std::vector<TeamOf> teams;
    int winnerTeam = -1;
    bool unwritten = false;  // formed by a tick, not yet on disk
    bool refused = false;    // the store refused its last write; a retry is due or under way
};

namespace {

qint64 wallMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

QString stateName(TicketState s) {
    return QString::fromLatin1(toString(s));
}

std::optional<TicketState> stateFromName(const QString& s) {
    for (TicketState t : {TicketState::Searching, TicketState::Matched, TicketState::Expired,
                          TicketState::Cancelled})
        if (s == stateName(t))
            return t;
    return std::nullopt;
}

HttpResponse notFound(const QString& what, const QString& id) {
    return HttpServer::errorResponse(404, what + u": no such id '"_s + id + u"'"_s);
}

HttpResponse storeFailed(const QString& error) {
    return HttpServer::errorResponse(503, u"store: write not durable, try again: "_s + error);
}

}  // namespace

MatchService::MatchService(QueueConfig config, GroupCommitStore* store, ServerMetrics* metrics,
                           QObject* parent)
    : QObject(parent)
    , m_matchmaker(std::move(config))
    , m_store(store)
    , m_metrics(metrics) {
    m_clock.start();
    // Sized for the default memory limits up front: growing these maps one
    // rehash at a time showed up in profiles under load.
    m_tickets.reserve(m_finishedLimit + 65536);
    m_byCoreId.reserve(65536);
    m_matches.reserve(m_matchLimit + 1024);
    connect(store, &GroupCommitStore::batchCommitted, this, &MatchService::onBatchCommitted);
    connect(&m_tickTimer, &QTimer::timeout, this, &MatchService::tick);
}

MatchService::~MatchService() = default;

void MatchService::setMemoryLimits(std::size_t finishedTickets, std::size_t matches) {
    m_finishedLimit = finishedTickets;
    m_matchLimit = matches;
    m_tickets.reserve(m_finishedLimit + 65536);
    m_matches.reserve(m_matchLimit + 1024);
    trimMemory();
}

double MatchService::now() const {
    return double(m_clock.nsecsElapsed()) / 1e9 + m_clockOffset;
}

std::optional<Rating> MatchService::storedRating(const std::string& playerId) const {
    const auto it = m_ratings.find(playerId);
    if (it == m_ratings.end())
        return std::nullopt;
    return it->second;
}

void MatchService::recover(const StoreRecovery& recovery) {
    m_nextTicketSeq = recovery.maxTicketSeq + 1;
    m_nextMatchSeq = recovery.maxMatchSeq + 1;
    for (const RatingRow& r : recovery.ratings)
        m_ratings[r.playerId.toStdString()] = Rating{r.mu, r.sigma};
    const qint64 wall = wallMs();
    double maxAge = 0;
    for (const TicketRow& row : recovery.searchingTickets)
        maxAge = std::max(maxAge, double(wall - row.createdMs) / 1000.0);
    // The clock starts past the oldest ticket's age, so every ticket can be
    // queued again at (now - its age) in increasing order, as the core wants.
    m_clockOffset = maxAge + 1.0;
    m_clock.restart();
    const double base = now();
    std::vector<StoreWrite> writes;
    for (const TicketRow& row : recovery.searchingTickets) {
        auto rec = std::make_unique<TicketRecord>();
        rec->seq = row.seq;
        rec->queue = m_matchmaker.config().queueIndex(row.queue.toStdString());
        rec->createdUnixMs = row.createdMs;
        const double age = std::max(0.0, double(wall - row.createdMs) / 1000.0);
        rec->enqueuedAt = base - age;
        QString error;
        auto players = playersFromJson(row.players, m_matchmaker.config(), &error);
        EnqueueResult result;
        if (rec->queue >= 0 && players) {
            rec->players = *players;
            rec->region = homeRegion(rec->players);
            result = m_matchmaker.enqueue(
                TicketRequest{row.queue.toStdString(), std::move(*players)}, rec->enqueuedAt);
        } else {
            result.error = EnqueueError::UnknownQueue;
            result.message = rec->queue < 0 ? "queue: no longer configured" : error.toStdString();
        }
        m_metrics->ticketRestored(int(rec->players.size()), rec->region);
        if (!result.ok()) {
            // The rules changed under it: it can never match, so it expires.
            qWarning().noquote() << "recovery: ticket" << ticketIdString(row.seq)
                                 << "cannot be queued again, expiring it:"
                                 << QString::fromStdString(result.message);
            rec->queue = std::max(rec->queue, 0);
            finishTicket(*rec, TicketState::Expired, age, 0, writes);
        } else {
            rec->coreId = result.id;
            m_byCoreId[result.id] = row.seq;
        }
        m_tickets[row.seq] = std::move(rec);
    }
    m_matchmaker.takeOutput(m_output);  // the Queued events of the re-queued tickets
    if (!writes.empty())
        m_store->submit(std::move(writes));
}

void MatchService::start(int tickMs) {
    m_tickTimer.start(tickMs);
}

void MatchService::submitThen(std::vector<StoreWrite> writes,
                              std::function<void(bool, const QString&)> onDone) {
    // Requests arrive in batches from the I/O threads: their writes go to the
    // store in one call (one lock, one wake-up) when this batch is done, each
    // request its own group, so a refused write fails its request alone.
    m_unsubmittedWrites += writes.size();
    m_unsubmitted.push_back(std::move(writes));
    m_unsubmittedDone.push_back(std::move(onDone));
    if (!m_flushPosted) {
        m_flushPosted = true;
        QMetaObject::invokeMethod(this, &MatchService::flushWrites, Qt::QueuedConnection);
    }
}

void MatchService::flushWrites() {
    m_flushPosted = false;
    if (m_unsubmittedDone.empty() && m_unsubmitted.empty())
        return;
    const std::vector<quint64> tokens = m_store->submitGroups(std::move(m_unsubmitted));
    m_unsubmitted.clear();
    m_unsubmittedWrites = 0;
    for (std::size_t i = 0; i < m_unsubmittedDone.size() && i < tokens.size(); ++i)
        m_pending.push_back({tokens[i], std::move(m_unsubmittedDone[i])});
    m_unsubmittedDone.clear();
}

void MatchService::onBatchCommitted(quint64 lastToken, bool ok, const QString& error) {
    m_storeHealthy = ok;
    while (!m_pending.empty() && m_pending.front().token <= lastToken) {
        Pending p = std::move(m_pending.front());
        m_pending.pop_front();
        if (p.onDone)
            p.onDone(ok, error);
    }
}

void MatchService::finishTicket(TicketRecord& t, TicketState state, double waitSeconds,
                                qint64 matchSeq, std::vector<StoreWrite>& writes) {
    t.state = state;
    t.waitSeconds = waitSeconds;
    t.matchSeq = matchSeq;
    if (t.coreId) {
        m_byCoreId.erase(t.coreId);
        t.coreId = 0;
    }
    m_metrics->ticketFinished(state, waitSeconds, int(t.players.size()), t.region, now());
    m_finishedOrder.push_back(t.seq);
    t.players.clear();
    t.players.shrink_to_fit();
    writes.push_back(UpdateTicketState{t.seq, stateName(state), matchSeq,
                                       qint64(std::llround(waitSeconds * 1000)), wallMs()});
}

void MatchService::trimMemory() {
    // Oldest first; a record whose write is not on disk yet stops the trim
    // (the disk fails for a while, so memory grows for a while).
    while (m_finishedOrder.size() > m_finishedLimit) {
        auto it = m_tickets.find(m_finishedOrder.front());
        if (it != m_tickets.end() && it->second->unwritten)
            break;
        m_finishedOrder.pop_front();
        if (it != m_tickets.end() && it->second->state != TicketState::Searching)
            m_tickets.erase(it);
    }
    while (m_matchOrder.size() > m_matchLimit) {
        auto it = m_matches.find(m_matchOrder.front());
        if (it != m_matches.end() && it->second->unwritten)
            break;
        m_matchOrder.pop_front();
        if (it != m_matches.end())
            m_matches.erase(it);
    }
}

std::vector<StoreWrite> MatchService::rebuildUnwritten() {
    std::vector<StoreWrite> writes;
    writes.reserve(m_unwrittenMatches.size() + m_unwrittenTickets.size());
    for (qint64 seq : m_unwrittenMatches) {
        auto it = m_matches.find(seq);
        if (it == m_matches.end())
            continue;
        writes.push_back(InsertMatch{matchRow(*it->second)});
        // A result reported meanwhile updated no row on disk: the match was not there.
        if (it->second->winnerTeam >= 0)
            writes.push_back(SetMatchResult{seq, it->second->winnerTeam, wallMs()});
    }
    for (qint64 seq : m_unwrittenTickets)
        if (auto it = m_tickets.find(seq); it != m_tickets.end())
            writes.push_back(
                UpdateTicketState{seq, stateName(it->second->state), it->second->matchSeq,
                                  qint64(std::llround(it->second->waitSeconds * 1000)), wallMs()});
    m_unwrittenMatches.clear();
    m_unwrittenTickets.clear();
    return writes;
}

void MatchService::setUnwritten(const std::vector<RecordRef>& refs, bool unwritten) {
    for (const RecordRef& r : refs) {
        if (r.isMatch) {
            if (auto it = m_matches.find(r.seq); it != m_matches.end())
                it->second->unwritten = unwritten;
        } else if (auto it = m_tickets.find(r.seq); it != m_tickets.end()) {
            it->second->unwritten = unwritten;
        }
    }
}

// Counts the records whose last write the store refused. The lists of
// refused rows empty while their retry is in flight; this count does not, so
// pulsco_store_unwritten_updates stays up until the rows are on disk.
void MatchService::setRefused(const std::vector<RecordRef>& refs, bool refused) {
    const auto mark = [this, refused](bool& flag) {
        if (flag == refused)
            return;
        flag = refused;
        refused ? ++m_refusedRecords : --m_refusedRecords;
    };
    for (const RecordRef& r : refs) {
        if (r.isMatch) {
            if (auto it = m_matches.find(r.seq); it != m_matches.end())
                mark(it->second->refused);
        } else if (auto it = m_tickets.find(r.seq); it != m_tickets.end()) {
            mark(it->second->refused);
        }
    }
}

std::vector<MatchService::RecordRef>
MatchService::recordsOf(const std::vector<StoreWrite>& writes) {
    std::vector<RecordRef> refs;
    refs.reserve(writes.size());
    for (const StoreWrite& w : writes) {
        if (const auto* m = std::get_if<InsertMatch>(&w))
            refs.push_back({true, m->row.seq});
        else if (const auto* t = std::get_if<UpdateTicketState>(&w))
            refs.push_back({false, t->seq});
    }
    return refs;
}

void MatchService::queueMatchmakerWrites(std::vector<StoreWrite> writes) {
    // What an earlier tick could not write goes again (rebuilt from memory).
    if (!m_finalAttemptMade && (!m_unwrittenMatches.empty() || !m_unwrittenTickets.empty())) {
        std::vector<StoreWrite> retry = rebuildUnwritten();
        retry.insert(retry.end(), std::make_move_iterator(writes.begin()),
                     std::make_move_iterator(writes.end()));
        writes = std::move(retry);
    }
    if (writes.empty())
        return;
    setUnwritten(recordsOf(writes), true);
    // In groups of at most one chunk: matches and ticket updates are rows of
    // their own, so no group needs them together.
    for (std::size_t from = 0; from < writes.size(); from += kMatchmakerChunk) {
        const auto first = writes.begin() + std::ptrdiff_t(from);
        const auto last =
            writes.begin() + std::ptrdiff_t(std::min(writes.size(), from + kMatchmakerChunk));
        queueAfterMatchmakerWrites(
            std::vector<StoreWrite>(std::make_move_iterator(first), std::make_move_iterator(last)),
            nullptr);
    }
}

void MatchService::queueAfterMatchmakerWrites(std::vector<StoreWrite> writes,
                                              std::function<void(bool, const QString&)> onDone) {
    m_matchmakerWriteCount += writes.size();
    m_matchmakerWrites.push_back({std::move(writes), std::move(onDone)});
    pumpMatchmakerWrites();
}

void MatchService::pumpMatchmakerWrites() {
    // One chunk in flight at a time, so the requests' small batches commit in
    // between: a tick matches thousands of tickets at once, and committing
    // all their rows in one go held every ticket acknowledgement behind it
    // (tens of milliseconds every tick, the tail of the create latency).
    if (m_matchmakerChunkInFlight || m_matchmakerWrites.empty())
        return;
    m_matchmakerChunkInFlight = true;
    std::size_t taken = 0;
    while (!m_matchmakerWrites.empty() &&
           (taken == 0 || taken + m_matchmakerWrites.front().writes.size() <= kMatchmakerChunk)) {
        DeferredWrites group = std::move(m_matchmakerWrites.front());
        m_matchmakerWrites.pop_front();
        taken += group.writes.size();
        m_matchmakerWriteCount -= group.writes.size();
        const bool lastOfChunk =
            m_matchmakerWrites.empty() ||
            taken + m_matchmakerWrites.front().writes.size() > kMatchmakerChunk;
        std::vector<RecordRef> refs = recordsOf(group.writes);
        submitThen(std::move(group.writes), [this, refs = std::move(refs),
                                             onDone = std::move(group.onDone),
                                             lastOfChunk](bool ok, const QString& error) {
            if (ok) {
                setUnwritten(refs, false);
                setRefused(refs, false);
            } else {
                // Nothing the matchmaker decided is dropped: the next
                // tick writes it again (the store logs why it failed).
                for (const RecordRef& r : refs)
                    (r.isMatch ? m_unwrittenMatches : m_unwrittenTickets).push_back(r.seq);
                setRefused(refs, true);
            }
            if (onDone)
                onDone(ok, error);
            if (lastOfChunk) {
                m_matchmakerChunkInFlight = false;
                pumpMatchmakerWrites();
            }
        });
    }
    flushWrites();
}

void MatchService::writeUnwrittenNow() {
    m_finalAttemptMade = true;
    queueMatchmakerWrites(rebuildUnwritten());
}

void MatchService::createTicket(TicketBody body, Reply reply) {
    if (m_draining) {
        reply(HttpServer::errorResponse(
            503, u"tickets: this server is draining and accepts no new tickets"_s));
        return;
    }
    if (const quint64 backlog = m_store->backlog() + m_unsubmittedWrites + m_matchmakerWriteCount;
        backlog > m_maxStoreBacklog) {
        reply(HttpServer::errorResponse(
            503, u"store: %1 writes are waiting for the disk; retry later"_s.arg(backlog),
            "overloaded"));
        return;
    }
    TicketRequest& request = body.request;
    std::vector<StoreWrite> writes;
    for (std::size_t i = 0; i < request.players.size(); ++i) {
        PartyMember& p = request.players[i];
        // A rated player's stored rating wins; until a result of one of their
        // matches is stored, the body (or the model's default) seeds it. The
        // rating used is kept with the ticket, so no extra write is needed.
        if (auto stored = storedRating(p.id))
            p.rating = *stored;
        else
            p.rating = body.bodyRatings[i].value_or(m_ratingModel.initial());
    }
    std::vector<PartyMember> players = request.players;
    const int queueIndex = m_matchmaker.config().queueIndex(request.queue);
    const double t = now();
    EnqueueResult result = m_matchmaker.enqueue(std::move(request), t);
    if (!result.ok()) {
        const QString message = u"POST /v1/tickets: "_s + QString::fromStdString(result.message);
        reply(HttpServer::errorResponse(result.error == EnqueueError::DuplicatePlayer ? 409 : 400,
                                        message));
        return;
    }
    const qint64 seq = m_nextTicketSeq++;
    auto rec = std::make_unique<TicketRecord>();
    rec->seq = seq;
    rec->queue = queueIndex;
    rec->coreId = result.id;
    rec->createdUnixMs = wallMs();
    rec->enqueuedAt = t;
    TicketRow row;
    row.seq = seq;
    row.queue = QString::fromStdString(
        m_matchmaker.config().queues[std::size_t(std::max(0, rec->queue))].name);
    row.players = playersToJson(players, m_matchmaker.config());
    row.state = u"searching"_s;
    row.createdMs = rec->createdUnixMs;
    row.updatedMs = rec->createdUnixMs;
    writes.push_back(InsertTicket{std::move(row)});
    rec->players = std::move(players);
    rec->region = homeRegion(rec->players);
    m_byCoreId[result.id] = seq;
    m_metrics->ticketCreated(int(rec->players.size()), rec->region);
    m_tickets[seq] = std::move(rec);
    const QString id = ticketIdString(seq);
    emit ticketEvent(id, u"searching"_s, {});
    submitThen(
        std::move(writes), [this, seq, reply = std::move(reply)](bool ok, const QString& error) {
            auto it = m_tickets.find(seq);
            if (!ok) {
                // Never acknowledged, so it must not go on living in memory either.
                if (it != m_tickets.end()) {
                    TicketRecord& t = *it->second;
                    if (t.state == TicketState::Searching) {
                        m_matchmaker.cancel(t.coreId, now());
                        std::vector<StoreWrite> ignored;
                        finishTicket(t, TicketState::Cancelled, 0, 0, ignored);
                    }
                    m_tickets.erase(it);
                }
                reply(storeFailed(error));
                return;
            }
            QByteArray out;
            JsonWriter w(&out);
            w.beginObject();
            w.field("ticket_id", std::string_view(QByteArray("t" + QByteArray::number(seq))));
            w.field("state", it == m_tickets.end() ? "searching" : toString(it->second->state));
            w.endObject();
            reply(HttpResponse::json(201, std::move(out)));
        });
}

void MatchService::withTicket(qint64 seq, std::function<void(TicketRecord*)> then) {
    if (auto it = m_tickets.find(seq); it != m_tickets.end()) {
        then(it->second.get());
        return;
    }
    if (seq <= 0 || seq >= m_nextTicketSeq) {
        then(nullptr);
        return;
    }
    // Older than this process: read it behind every queued write.
    flushWrites();
    QPointer<MatchService> self(this);
    m_store->read([self, seq, then = std::move(then)](QSqlDatabase& db) mutable {
        QSqlQuery q(db);
        q.prepare(
            u"SELECT queue, state, match_seq, created_ms, wait_ms FROM tickets WHERE seq = ?"_s);
        q.addBindValue(seq);
        std::shared_ptr<TicketRecord> rec;
        QString queue;
        if (q.exec() && q.next()) {
            rec = std::make_shared<TicketRecord>();
            rec->seq = seq;
            queue = q.value(0).toString();
            rec->state = stateFromName(q.value(1).toString()).value_or(TicketState::Expired);
            rec->matchSeq = q.value(2).toLongLong();
            rec->createdUnixMs = q.value(3).toLongLong();
            rec->waitSeconds = double(q.value(4).toLongLong()) / 1000.0;
        }
        QMetaObject::invokeMethod(
            self.data(),
            [self, seq, rec, queue, then = std::move(then)] {
                if (!self)
                    return;
                if (!rec) {
                    then(nullptr);
                    return;
                }
                auto& slot = self->m_tickets[seq];
                if (!slot) {
                    self->m_finishedOrder.push_back(seq);  // evicted again in turn
                    slot = std::make_unique<TicketRecord>(*rec);
                    slot->queue =
                        std::max(0, self->m_matchmaker.config().queueIndex(queue.toStdString()));
                }
                then(slot.get());
            },
            Qt::QueuedConnection);
    });
}

QByteArray MatchService::ticketJson(const TicketRecord& t) const {
    QByteArray out;
    JsonWriter w(&out);
    w.beginObject();
    w.field("ticket_id", std::string_view(QByteArray("t" + QByteArray::number(t.seq))));
    w.field("state", toString(t.state));
    w.field("queue", std::string_view(m_matchmaker.config().queues[std::size_t(t.queue)].name));
    w.key("match_id");
    if (t.matchSeq > 0)
        w.value(std::string_view(QByteArray("m" + QByteArray::number(t.matchSeq))));
    else
        w.rawValue("null");
    const double wait = t.state == TicketState::Searching ? now() - t.enqueuedAt : t.waitSeconds;
    w.field("wait_ms", std::int64_t(std::llround(std::max(0.0, wait) * 1000)));
    w.field("created_unix_ms", std::int64_t(t.createdUnixMs));
    w.endObject();
    return out;
}

void MatchService::getTicket(qint64 seq, Reply reply) {
    withTicket(seq, [this, seq, reply = std::move(reply)](TicketRecord* t) {
        if (!t)
            reply(notFound(u"ticket_id"_s, ticketIdString(seq)));
        else
            reply(HttpResponse::json(200, ticketJson(*t)));
    });
}

void MatchService::cancelTicket(qint64 seq, Reply reply) {
    withTicket(seq, [this, seq, reply = std::move(reply)](TicketRecord* t) {
        if (!t) {
            reply(notFound(u"ticket_id"_s, ticketIdString(seq)));
            return;
        }
        if (t->state != TicketState::Searching) {
            reply(HttpServer::errorResponse(409, u"ticket_id: ticket "_s + ticketIdString(seq) +
                                                     u" is already "_s + stateName(t->state)));
            return;
        }
        const double n = now();
        m_matchmaker.cancel(t->coreId, n);
        std::vector<StoreWrite> writes;
        finishTicket(*t, TicketState::Cancelled, n - t->enqueuedAt, 0, writes);
        emit ticketEvent(ticketIdString(seq), u"cancelled"_s, {});
        submitThen(std::move(writes), [this, seq, reply](bool ok, const QString& error) {
            auto it = m_tickets.find(seq);
            if (!ok || it == m_tickets.end())
                reply(storeFailed(error));
            else
                reply(HttpResponse::json(200, ticketJson(*it->second)));
        });
    });
}

MatchRow MatchService::matchRow(const MatchRecord& m) const {
    MatchRow row;
    row.seq = m.seq;
    row.queue = m.queue;
    row.region = m.region;
    row.detail = matchJson(m);
    row.createdMs = m.createdUnixMs;
    return row;
}

QByteArray MatchService::matchJson(const MatchRecord& m) const {
    QByteArray out;
    JsonWriter w(&out);
    w.beginObject();
    w.field("match_id", std::string_view(QByteArray("m" + QByteArray::number(m.seq))));
    w.field("queue", std::string_view(m.queue.toUtf8()));
    w.field("region", std::string_view(m.region.toUtf8()));
    w.field("created_unix_ms", std::int64_t(m.createdUnixMs));
    w.field("quality", m.quality);
    w.field("team0_win_probability", m.team0WinProbability);
    w.field("worst_ping_ms", m.worstPingMs);
    w.field("skill_spread", m.skillSpread);
    w.key("teams");
    w.beginArray();
    for (std::size_t i = 0; i < m.teams.size(); ++i) {
        const auto& team = m.teams[i];
        w.beginObject();
        w.field("team", int(i));
        w.field("strength", team.strength);
        w.key("tickets");
        w.beginArray();
        for (qint64 t : team.tickets)
            w.value(std::string_view(QByteArray("t" + QByteArray::number(t))));
        w.endArray();
        w.key("players");
        w.beginArray();
        for (std::size_t p = 0; p < team.players.size(); ++p) {
            w.beginObject();
            w.field("id", std::string_view(team.players[p]));
            w.field("mu", team.ratingsAtMatch[p].mu);
            w.field("sigma", team.ratingsAtMatch[p].sigma);
            w.endObject();
        }
        w.endArray();
        w.endObject();
    }
    w.endArray();
    w.key("winner_team");
    if (m.winnerTeam >= 0)
        w.value(m.winnerTeam);
    else
        w.rawValue("null");
    w.endObject();
    return out;
}

void MatchService::withMatch(qint64 seq, std::function<void(MatchRecord*)> then) {
    if (auto it = m_matches.find(seq); it != m_matches.end()) {
        then(it->second.get());
        return;
    }
    if (seq <= 0 || seq >= m_nextMatchSeq) {
        then(nullptr);
        return;
    }
    flushWrites();  // the read must see every write made before it
    QPointer<MatchService> self(this);
    m_store->read([self, seq, then = std::move(then)](QSqlDatabase& db) mutable {
        QSqlQuery q(db);
        q.prepare(u"SELECT detail, winner_team FROM matches WHERE seq = ?"_s);
        q.addBindValue(seq);
        std::shared_ptr<MatchRecord> rec;
        if (q.exec() && q.next()) {
            const QJsonObject o = QJsonDocument::fromJson(q.value(0).toByteArray()).object();
            rec = std::make_shared<MatchRecord>();
            rec->seq = seq;
            rec->queue = o.value(u"queue").toString();
            rec->region = o.value(u"region").toString();
            rec->createdUnixMs = qint64(o.value(u"created_unix_ms").toDouble());
            rec->quality = o.value(u"quality").toDouble();
            rec->team0WinProbability = o.value(u"team0_win_probability").toDouble();
            rec->worstPingMs = o.value(u"worst_ping_ms").toInt();
            rec->skillSpread = o.value(u"skill_spread").toDouble();
            for (const QJsonValue& tv : o.value(u"teams").toArray()) {
                MatchRecord::TeamOf team;
                const QJsonObject to = tv.toObject();
                team.strength = to.value(u"strength").toDouble();
                for (const QJsonValue& t : to.value(u"tickets").toArray())
                    team.tickets.push_back(t.toString().mid(1).toLongLong());
                for (const QJsonValue& pv : to.value(u"players").toArray()) {
                    const QJsonObject po = pv.toObject();
                    team.players.push_back(po.value(u"id").toString().toStdString());
                    team.ratingsAtMatch.push_back(
                        Rating{po.value(u"mu").toDouble(), po.value(u"sigma").toDouble()});
                }
                rec->teams.push_back(std::move(team));
            }
            rec->winnerTeam = q.value(1).toInt();
        }
        QMetaObject::invokeMethod(
            self.data(),
            [self, seq, rec, then = std::move(then)] {
                if (!self)
                    return;
                if (!rec) {
                    then(nullptr);
                    return;
                }
                auto& slot = self->m_matches[seq];
                if (!slot) {
                    self->m_matchOrder.push_back(seq);
                    slot = std::make_unique<MatchRecord>(*rec);
                }
                then(slot.get());
            },
            Qt::QueuedConnection);
    });
}

void MatchService::getMatch(qint64 seq, Reply reply) {
    withMatch(seq, [this, seq, reply = std::move(reply)](MatchRecord* m) {
        if (!m)
            reply(notFound(u"match_id"_s, matchIdString(seq)));
        else
            reply(HttpResponse::json(200, matchJson(*m)));
    });
}

void MatchService::reportResult(qint64 seq, const QByteArray& body, Reply reply) {
    withMatch(seq, [this, seq, body, reply = std::move(reply)](MatchRecord* m) {
        if (!m) {
            reply(notFound(u"match_id"_s, matchIdString(seq)));
            return;
        }
        QString error;
        const auto winner = parseResultBody(body, int(m->teams.size()), &error);
        if (!winner) {
            reply(HttpServer::errorResponse(400, error));
            return;
        }
        if (m->winnerTeam >= 0) {
            reply(HttpServer::errorResponse(
                409, u"winner_team: match "_s + matchIdString(seq) +
                         u" already has a result (team %1 won)"_s.arg(m->winnerTeam)));
            return;
        }
        std::vector<Team> before;
        std::vector<int> ranks;
        int players = 0;
        for (std::size_t i = 0; i < m->teams.size(); ++i) {
            Team team;
            for (std::size_t p = 0; p < m->teams[i].players.size(); ++p)
                team.push_back(
                    storedRating(m->teams[i].players[p]).value_or(m->teams[i].ratingsAtMatch[p]));
            players += int(team.size());
            before.push_back(std::move(team));
            ranks.push_back(int(i) == *winner ? 0 : 1);
        }
        const std::vector<Team> after = m_ratingModel.rate(before, ranks);
        std::vector<StoreWrite> writes;
        const qint64 wall = wallMs();
        QByteArray out;
        JsonWriter w(&out);
        w.beginObject();
        w.field("match_id", std::string_view(QByteArray("m" + QByteArray::number(seq))));
        w.field("winner_team", *winner);
        w.key("ratings");
        w.beginArray();
        for (std::size_t i = 0; i < m->teams.size(); ++i) {
            for (std::size_t p = 0; p < m->teams[i].players.size(); ++p) {
                const std::string& id = m->teams[i].players[p];
                m_ratings[id] = after[i][p];
                writes.push_back(UpsertRating{
                    {QString::fromStdString(id), after[i][p].mu, after[i][p].sigma, wall}});
                w.beginObject();
                w.field("id", std::string_view(id));
                w.field("team", int(i));
                w.key("before");
                w.beginObject();
                w.field("mu", before[i][p].mu);
                w.field("sigma", before[i][p].sigma);
                w.endObject();
                w.key("after");
                w.beginObject();
                w.field("mu", after[i][p].mu);
                w.field("sigma", after[i][p].sigma);
                w.endObject();
                w.endObject();
            }
        }
        w.endArray();
        w.endObject();
        writes.push_back(SetMatchResult{seq, *winner, wall});
        m->winnerTeam = *winner;  // a second report now gets 409 at once
        const auto& regions = m_matchmaker.config().regions;
        const auto region = std::find(regions.begin(), regions.end(), m->region.toStdString());
        m_metrics->matchResulted(region == regions.end() ? -1 : int(region - regions.begin()),
                                 players);
        auto done = [this, seq, before, reply, out](bool ok, const QString& error) {
            if (ok) {
                reply(HttpResponse::json(200, out));
                return;
            }
            // Not durable: undo, so the result can be reported again.
            if (auto it = m_matches.find(seq); it != m_matches.end()) {
                MatchRecord& m = *it->second;
                m.winnerTeam = -1;
                for (std::size_t i = 0; i < m.teams.size(); ++i)
                    for (std::size_t p = 0; p < m.teams[i].players.size(); ++p)
                        m_ratings[m.teams[i].players[p]] = before[i][p];
            }
            reply(storeFailed(error));
        };
        // Behind the match's own row when that is not on disk yet.
        if (m->unwritten)
            queueAfterMatchmakerWrites(std::move(writes), std::move(done));
        else
            submitThen(std::move(writes), std::move(done));
    });
}

QByteArray MatchService::queuesJson() const {
    const auto statuses = m_matchmaker.queueStatus(now());
    const QueueConfig& config = m_matchmaker.config();
    QByteArray out;
    JsonWriter w(&out);
    w.beginObject();
    w.key("regions");
    w.beginArray();
    for (const auto& r : config.regions)
        w.value(std::string_view(r));
    w.endArray();
    w.key("queues");
    w.beginArray();
    for (std::size_t i = 0; i < config.queues.size(); ++i) {
        w.beginObject();
        w.field("name", std::string_view(config.queues[i].name));
        const QueueStatus* s = i < statuses.size() ? &statuses[i] : nullptr;
        w.field("depth", s ? s->depth : 0);
        w.field("players_searching", s ? s->playersSearching : 0);
        w.field("oldest_wait_s", s ? s->oldestWaitSeconds : 0.0);
        w.key("rules");
        w.rawValue(
            QJsonDocument(queueRulesToJsonObject(config.queues[i])).toJson(QJsonDocument::Compact));
        w.endObject();
    }
    w.endArray();
    w.endObject();
    return out;
}

void MatchService::tick() {
    if (m_stalled) {
        emit ticked();
        return;
    }
    QElapsedTimer timer;
    timer.start();
    const double n = now();
    m_matchmaker.tick(n);
    m_metrics->tickDuration(double(timer.nsecsElapsed()) / 1e6);
    m_matchmaker.takeOutput(m_output);
    std::vector<StoreWrite> writes;
    for (const TicketEvent& ev : m_output.ticketEvents) {
        if (ev.kind != TicketEvent::Kind::Expired)
            continue;  // Queued and Cancelled were handled when they were asked for
        const auto id = m_byCoreId.find(ev.ticket);
        if (id == m_byCoreId.end())
            continue;
        const qint64 seq = id->second;
        finishTicket(*m_tickets.at(seq), TicketState::Expired, ev.waitSeconds, 0, writes);
        emit ticketEvent(ticketIdString(seq), u"expired"_s, {});
    }
    const QueueConfig& config = m_matchmaker.config();
    for (const MatchFormed& formed : m_output.matches) {
        auto m = std::make_unique<MatchRecord>();
        m->seq = m_nextMatchSeq++;
        m->queue = QString::fromStdString(config.queues[std::size_t(formed.queue)].name);
        m->region = QString::fromStdString(config.regions[std::size_t(formed.region)]);
        m->createdUnixMs = wallMs();
        m->quality = formed.quality;
        m->team0WinProbability = formed.team0WinProbability;
        m->worstPingMs = formed.worstPingMs;
        m->skillSpread = formed.skillSpread;
        m->teams.resize(std::size_t(config.queues[std::size_t(formed.queue)].teamCount));
        for (std::size_t t = 0; t < m->teams.size() && t < formed.teamStrength.size(); ++t)
            m->teams[t].strength = formed.teamStrength[t];
        int players = 0;
        std::vector<qint64> ticketSeqs;
        for (const MatchSlot& slot : formed.tickets) {
            const auto id = m_byCoreId.find(slot.ticket);
            if (id == m_byCoreId.end() || slot.team < 0 ||
                std::size_t(slot.team) >= m->teams.size())
                continue;
            TicketRecord& t = *m_tickets.at(id->second);
            auto& team = m->teams[std::size_t(slot.team)];
            for (const PartyMember& p : t.players) {
                team.players.push_back(p.id);
                team.ratingsAtMatch.push_back(p.rating);
                ++players;
            }
            team.tickets.push_back(t.seq);
            ticketSeqs.push_back(t.seq);
            m_metrics->ticketMatched(formed.region, slot.waitSeconds, n);
            finishTicket(t, TicketState::Matched, slot.waitSeconds, m->seq, writes);
        }
        m_metrics->matchFormed(formed.queue, formed.region, formed.quality, players, n);
        MatchRow row = matchRow(*m);
        const QString matchId = matchIdString(m->seq);
        for (qint64 seq : ticketSeqs)
            emit ticketEvent(ticketIdString(seq), u"matched"_s, matchId);
        emit matchEvent(row.detail);
        writes.push_back(InsertMatch{std::move(row)});
        m_matchOrder.push_back(m->seq);
        m_matches[m->seq] = std::move(m);
    }
    // Behind every request write queued so far: a ticket's insert reaches the
    // store before its matched/expired update.
    flushWrites();
    queueMatchmakerWrites(std::move(writes));
    trimMemory();
    emit ticked();
}

}  // namespace pulsco
