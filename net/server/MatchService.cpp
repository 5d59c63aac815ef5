#include "net/server/MatchService.h"

#include "core/FaultEffects.h"
#include "net/http/HttpServer.h"
#include "net/record/ArrivalRecorder.h"
#include "net/server/ApiJson.h"
#include "net/server/RecordRows.h"
#include "net/server/ServerMetrics.h"
#include "net/server/ServiceAnswers.h"
#include "net/store/RowReads.h"

#include <QDateTime>
#include <QDebug>
#include <QMetaMethod>

#include <algorithm>
#include <iterator>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

qint64 wallMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

}  // namespace

MatchService::MatchService(QueueConfig config, GroupCommitStore* store, ServerMetrics* metrics,
                           RecordIds ids, QObject* parent)
    : QObject(parent)
    , m_matchmaker(config)
    , m_shippedRules(std::move(config))
    , m_ids(std::move(ids))
    , m_store(store)
    , m_metrics(metrics)
    , m_batcher(store)
    , m_matchmakerWrites(
          m_records,
          [this](std::vector<StoreWrite> writes, MatchmakerWriteQueue::Done onDone) {
              m_batcher.submitThen(std::move(writes), std::move(onDone));
          },
          [this] { m_batcher.flush(); }, &wallMs) {
    m_clock.start();
    connect(&m_tickTimer, &QTimer::timeout, this, &MatchService::tick);
}

MatchService::~MatchService() = default;

void MatchService::setMemoryLimits(std::size_t finishedTickets, std::size_t matches) {
    m_records.setLimits(finishedTickets, matches);
}

double MatchService::now() const {
    return double(m_clock.nsecsElapsed()) / 1e9 + m_clockOffset;
}

void MatchService::recover(const StoreRecovery& recovery) {
    m_nextTicketSeq = recovery.maxTicketSeq + 1;
    m_nextMatchSeq = recovery.maxMatchSeq + 1;
    m_firstMatchSeq = m_nextMatchSeq;
    for (const RatingRow& r : recovery.ratings)
        m_records.setRating(r.playerId.toStdString(), Rating{r.mu, r.sigma});
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
            qWarning().noquote() << "recovery: ticket" << m_ids.ticketString(row.seq)
                                 << "cannot be queued again, expiring it:"
                                 << QString::fromStdString(result.message);
            rec->queue = std::max(rec->queue, 0);
            finishTicket(*rec, TicketState::Expired, age, 0, writes);
        } else {
            rec->coreId = result.id;
            m_records.linkCoreId(result.id, row.seq);
        }
        m_records.addTicket(std::move(rec));
    }
    m_matchmaker.takeOutput(m_output);  // the Queued events of the re-queued tickets
    if (!writes.empty())
        m_store->submit(std::move(writes));
}

void MatchService::start(int tickMs) {
    m_tickTimer.start(tickMs);
}

void MatchService::finishTicket(TicketRecord& t, TicketState state, double waitSeconds,
                                qint64 matchSeq, std::vector<StoreWrite>& writes) {
    t.state = state;
    t.waitSeconds = waitSeconds;
    t.matchSeq = matchSeq;
    m_records.ticketFinished(t);
    m_metrics->ticketFinished(state, waitSeconds, int(t.players.size()), t.region, now());
    t.players.clear();
    t.players.shrink_to_fit();
    writes.push_back(ticketStateUpdate(t, wallMs()));
}

void MatchService::createTicket(TicketBody body, Reply reply) {
    if (m_draining) {
        reply(answer::draining());
        return;
    }
    if (m_restarting) {
        reply(answer::matcherRestarting());
        return;
    }
    if (const quint64 backlog = m_batcher.backlog() + m_matchmakerWrites.queuedWrites();
        backlog > m_maxStoreBacklog) {
        reply(answer::overloaded(backlog));
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
    std::vector<PartyMember> players = request.players;  // stored with the pings as sent
    const int home = homeRegion(players);
    const bool homeShed = isShed(home);
    cutOffRegionsOut(request.players);
    const int queueIndex = m_matchmaker.config().queueIndex(request.queue);
    const double t = now();
    EnqueueResult result = m_matchmaker.enqueue(std::move(request), t);
    // Refused for want of a region only because of the shed or out ones:
    // a 503 that says so. A party that reaches no region within the queue's
    // widest limit even as sent gets the matchmaker's own 400.
    const bool reachableAsSent =
        queueIndex >= 0 &&
        worstPing(players, home) <=
            m_matchmaker.config().queues[std::size_t(queueIndex)].pingLimitMs.steps().back().value;
    if (!result.ok()) {
        if (result.error == EnqueueError::NoReachableRegion && !reachableAsSent) {
            reply(answer::enqueueRefused(result));
            return;
        }
        if (result.error == EnqueueError::NoReachableRegion && homeShed) {
            reply(answer::regionShedNoOther(
                QString::fromStdString(m_matchmaker.config().regions[std::size_t(home)])));
            return;
        }
        if (result.error == EnqueueError::NoReachableRegion && !m_regionsOut.empty()) {
            QStringList out;
            for (const int region : m_regionsOut)
                out << QString::fromStdString(m_matchmaker.config().regions[std::size_t(region)]);
            reply(answer::regionsOut(out));
            return;
        }
        reply(answer::enqueueRefused(result));
        return;
    }
    const qint64 seq = m_nextTicketSeq++;
    auto rec = std::make_unique<TicketRecord>();
    rec->seq = seq;
    rec->queue = queueIndex;
    rec->coreId = result.id;
    rec->createdUnixMs = wallMs();
    rec->enqueuedAt = t;
    rec->insertPending = true;
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
    rec->region = home;  // the same pings, as sent
    m_records.linkCoreId(result.id, seq);
    m_metrics->ticketCreated(int(rec->players.size()), rec->region, t);
    if (m_recorder)  // the party as the matchmaker saw it: the ratings it used
        m_recorder->record(RecordedTicket{
            t,
            m_ids.ticketString(seq).toStdString(),
            {m_matchmaker.config().queues[std::size_t(queueIndex)].name, rec->players}});
    m_records.addTicket(std::move(rec));
    emit ticketEvent(m_ids.ticketString(seq), u"searching"_s, {});
    const QString notice =
        homeShed ? u"region %1 is shed (out of service): this party plays in its nearest other "
                   "region"_s.arg(
                       QString::fromStdString(m_matchmaker.config().regions[std::size_t(home)]))
                 : QString();
    m_batcher.submitThen(std::move(writes), [this, seq, notice, reply = std::move(reply)](
                                                bool ok, const QString& error) {
        TicketRecord* t = m_records.ticket(seq);
        if (t)
            t->insertPending = false;
        if (!ok) {
            // Never acknowledged, so it must not go on living in memory either.
            if (t) {
                if (t->state == TicketState::Searching) {
                    m_matchmaker.cancel(t->coreId, now());
                    if (m_recorder)  // it arrived, and left unanswered
                        m_recorder->record(
                            RecordedCancel{now(), m_ids.ticketString(seq).toStdString()});
                    std::vector<StoreWrite> ignored;
                    finishTicket(*t, TicketState::Cancelled, 0, 0, ignored);
                }
                m_records.eraseTicket(seq);
            }
            reply(answer::storeFailed(error));
            return;
        }
        reply(HttpResponse::json(
            201, createdTicketJson(seq, t ? t->state : TicketState::Searching, m_ids, notice)));
    });
}

void MatchService::withTicket(qint64 seq, const Reply& reply,
                              std::function<void(TicketRecord*)> then) {
    if (TicketRecord* t = m_records.ticket(seq)) {
        then(t);
        return;
    }
    if (seq <= 0 || seq >= m_nextTicketSeq) {
        then(nullptr);
        return;
    }
    // Older than this process: read it behind every queued write.
    m_batcher.flush();
    readTicketRow(
        *m_store, seq, this,
        [this, reply, then = std::move(then)](std::optional<TicketRow> row, const QString& error) {
            if (!error.isEmpty()) {
                reply(answer::storeUnreadable(error));
                return;
            }
            if (!row) {
                then(nullptr);
                return;
            }
            then(&m_records.adoptTicket(ticketFromRow(*row, m_matchmaker.config())));
        });
}

QByteArray MatchService::ticketJson(const TicketRecord& t) const {
    return pulsco::ticketJson(t, m_matchmaker.config().queues[std::size_t(t.queue)].name, now(),
                              m_ids);
}

void MatchService::getTicket(qint64 seq, Reply reply) {
    withTicket(seq, reply, [this, seq, reply](TicketRecord* t) {
        if (!t)
            reply(answer::notFound(u"ticket_id"_s, m_ids.ticketString(seq)));
        else
            reply(HttpResponse::json(200, ticketJson(*t)));
    });
}

void MatchService::cutOffRegionsOut(std::vector<PartyMember>& players) const {
    for (const std::vector<int>* out : {&m_regionsOut, &m_regionsShed})
        for (const int region : *out)
            for (PartyMember& p : players)
                if (std::size_t(region) < p.pingMs.size())
                    p.pingMs[std::size_t(region)] = kUnreachablePing;
}

bool MatchService::isShed(int region) const {
    return region >= 0 && std::binary_search(m_regionsShed.begin(), m_regionsShed.end(), region);
}

void MatchService::setRegionsShed(std::vector<int> regions) {
    std::sort(regions.begin(), regions.end());
    regions.erase(std::unique(regions.begin(), regions.end()), regions.end());
    m_regionsShed = std::move(regions);
    // Tickets already searching are matched elsewhere too, from the next
    // tick: a shed region hosts no match, whenever its players queued.
    m_matchmaker.setClosedRegions(m_regionsShed);
}

void MatchService::setRegionsOut(std::vector<int> regions) {
    std::sort(regions.begin(), regions.end());
    regions.erase(std::unique(regions.begin(), regions.end()), regions.end());
    if (regions == m_regionsOut)
        return;
    std::vector<int> newlyOut;
    std::set_difference(regions.begin(), regions.end(), m_regionsOut.begin(), m_regionsOut.end(),
                        std::back_inserter(newlyOut));
    m_regionsOut = std::move(regions);
    if (newlyOut.empty())
        return;
    // The players homed there can no longer be reached: their searching
    // tickets are dropped, each a cancel like a player's own. Not those of
    // a region already shed: they reach the service through their nearest
    // other region, where they were placed.
    std::vector<qint64> dropped;
    m_records.forEachTicket([&](const TicketRecord& t) {
        if (t.state == TicketState::Searching && !isShed(t.region) &&
            std::binary_search(newlyOut.begin(), newlyOut.end(), t.region))
            dropped.push_back(t.seq);
    });
    if (dropped.empty())
        return;
    const double n = now();
    std::vector<StoreWrite> writes;
    for (const qint64 seq : dropped) {
        TicketRecord* t = m_records.ticket(seq);
        m_matchmaker.cancel(t->coreId, n);
        finishTicket(*t, TicketState::Cancelled, n - t->enqueuedAt, 0, writes);
        if (m_recorder)
            m_recorder->record(RecordedCancel{n, m_ids.ticketString(seq).toStdString()});
        emit ticketEvent(m_ids.ticketString(seq), u"cancelled"_s, {});
    }
    qInfo().noquote() << u"region outage (drill): %1 searching tickets of players homed in the "
                         "region dropped"_s.arg(dropped.size());
    m_batcher.submitThen(std::move(writes), [](bool ok, const QString& error) {
        if (!ok)
            qWarning().noquote() << "region outage: dropped tickets not written:" << error;
    });
}

void MatchService::restartMatcher(RestartDone done) {
    restartOnto(m_matchmaker.config(), std::move(done));
}

void MatchService::setReleaseSkillFactor(double factor) {
    if (factor == m_releaseSkillFactor || m_restarting)
        return;
    const double from = m_releaseSkillFactor;
    m_releaseSkillFactor = factor;  // the next tick does not switch again meanwhile
    restartOnto(defectiveRelease(m_shippedRules, factor),
                [this, from, factor](std::optional<MatcherRestart> restart, const QString& error) {
                    if (!restart) {
                        m_releaseSkillFactor = from;  // tried again on a later tick
                        qWarning().noquote() << "release switch:" << error;
                        return;
                    }
                    qInfo().noquote()
                        << (factor == 1.0 ? u"release switched back to the shipped rules"_s
                                          : u"bad release (drill): the matcher runs the rules "
                                            "with every skill window x%1"_s.arg(factor));
                });
}

void MatchService::restartOnto(QueueConfig rules, RestartDone done) {
    if (m_restarting) {
        done(std::nullopt, u"matcher: a restart is already under way"_s);
        return;
    }
    m_restarting = true;
    QElapsedTimer took;
    took.start();
    // Every write the old matcher made reaches the store first, so the rows
    // read next are the searching tickets, no more (a match formed but not
    // written would otherwise be queued again) and no fewer.
    m_batcher.flush();
    m_matchmakerWrites.queueAfter({}, [this, done, took,
                                       rules = std::move(rules)](bool ok, const QString& error) {
        if (!ok) {
            m_restarting = false;
            done(std::nullopt, u"matcher restart: the store refused earlier writes: "_s + error);
            return;
        }
        readSearchingTicketRows(
            *m_store, this,
            [this, done, took, rules](std::optional<std::vector<TicketRow>> rows,
                                      const QString& error) {
                if (!rows) {
                    m_restarting = false;
                    done(std::nullopt, u"matcher restart: "_s + error);
                    return;
                }
                MatcherRestart restart = requeueFromRows(*rows, rules);
                m_restarting = false;
                restart.tookMs = double(took.nsecsElapsed()) / 1e6;
                qInfo().noquote() << u"matcher restarted: %1 searching tickets queued again from "
                                     "the store, %2 expired, %3 ms"_s.arg(restart.requeued)
                                         .arg(restart.expired)
                                         .arg(restart.tookMs, 0, 'f', 1);
                done(restart, {});
            });
    });
}

MatchService::MatcherRestart MatchService::requeueFromRows(const std::vector<TicketRow>& rows,
                                                           QueueConfig rules) {
    MatcherRestart out;
    Matchmaker fresh(std::move(rules));
    m_records.clearCoreIds();
    // The core takes tickets in the order they were first queued.
    std::vector<std::pair<TicketRecord*, const TicketRow*>> order;
    for (const TicketRow& row : rows) {
        TicketRecord* rec = m_records.ticket(row.seq);
        if (!rec || rec->state != TicketState::Searching) {
            qWarning().noquote() << "matcher restart: stored ticket" << m_ids.ticketString(row.seq)
                                 << "is searching on disk but not in memory; left out";
            continue;
        }
        order.emplace_back(rec, &row);
    }
    std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
        return a.first->enqueuedAt < b.first->enqueuedAt;
    });
    const double n = now();
    std::vector<StoreWrite> writes;
    for (const auto& [rec, row] : order) {
        QString error;
        auto players = playersFromJson(row->players, fresh.config(), &error);
        EnqueueResult result;
        if (players) {
            cutOffRegionsOut(*players);
            result = fresh.enqueue(TicketRequest{row->queue.toStdString(), std::move(*players)},
                                   rec->enqueuedAt);
        } else {
            result.error = EnqueueError::InvalidPlayer;
            result.message = error.toStdString();
        }
        if (!result.ok()) {
            qWarning().noquote() << "matcher restart: ticket" << m_ids.ticketString(rec->seq)
                                 << "cannot be queued again, expiring it:"
                                 << QString::fromStdString(result.message);
            const qint64 seq = rec->seq;
            finishTicket(*rec, TicketState::Expired, n - rec->enqueuedAt, 0, writes);
            emit ticketEvent(m_ids.ticketString(seq), u"expired"_s, {});
            ++out.expired;
            continue;
        }
        rec->coreId = result.id;
        m_records.linkCoreId(result.id, rec->seq);
        ++out.requeued;
    }
    fresh.takeOutput(m_output);  // the Queued events of the tickets queued again
    fresh.setClosedRegions(m_regionsShed);
    m_matchmaker = std::move(fresh);
    if (!writes.empty())
        m_batcher.submitThen(std::move(writes), [](bool ok, const QString& error) {
            if (!ok)
                qWarning().noquote() << "matcher restart: expiries not written:" << error;
        });
    return out;
}

void MatchService::cancelTicket(qint64 seq, Reply reply) {
    withTicket(seq, reply, [this, seq, reply](TicketRecord* t) {
        if (!t) {
            reply(answer::notFound(u"ticket_id"_s, m_ids.ticketString(seq)));
            return;
        }
        if (t->state != TicketState::Searching) {
            reply(answer::ticketAlreadyFinished(m_ids.ticketString(seq), t->state));
            return;
        }
        if (m_restarting) {
            reply(answer::matcherRestarting());
            return;
        }
        const double n = now();
        m_matchmaker.cancel(t->coreId, n);
        std::vector<StoreWrite> writes;
        finishTicket(*t, TicketState::Cancelled, n - t->enqueuedAt, 0, writes);
        if (m_recorder)
            m_recorder->record(RecordedCancel{n, m_ids.ticketString(seq).toStdString()});
        emit ticketEvent(m_ids.ticketString(seq), u"cancelled"_s, {});
        m_batcher.submitThen(std::move(writes), [this, seq, reply](bool ok, const QString& error) {
            const TicketRecord* t = m_records.ticket(seq);
            if (!ok || !t)
                reply(answer::storeFailed(error));
            else
                reply(HttpResponse::json(200, ticketJson(*t)));
        });
    });
}

void MatchService::withMatch(qint64 seq, const Reply& reply,
                             std::function<void(MatchRecord*)> then) {
    if (MatchRecord* m = m_records.match(seq)) {
        then(m);
        return;
    }
    if (seq <= 0 || seq >= m_nextMatchSeq) {
        then(nullptr);
        return;
    }
    m_batcher.flush();  // the read must see every write made before it
    readMatchRow(
        *m_store, seq, this,
        [this, reply, then = std::move(then)](std::optional<MatchRow> row, const QString& error) {
            if (!error.isEmpty()) {
                reply(answer::storeUnreadable(error));
                return;
            }
            if (!row) {
                then(nullptr);
                return;
            }
            then(&m_records.adoptMatch(matchFromRow(*row)));
        });
}

void MatchService::getMatch(qint64 seq, Reply reply) {
    withMatch(seq, reply, [this, seq, reply](MatchRecord* m) {
        if (!m)
            reply(answer::notFound(u"match_id"_s, m_ids.matchString(seq)));
        else
            reply(HttpResponse::json(200, matchJson(*m, m_ids)));
    });
}

void MatchService::reportResult(qint64 seq, const QByteArray& body, Reply reply) {
    withMatch(seq, reply, [this, seq, body, reply](MatchRecord* m) {
        if (!m) {
            reply(answer::notFound(u"match_id"_s, m_ids.matchString(seq)));
            return;
        }
        QString error;
        const auto winner = parseResultBody(body, int(m->teams.size()), &error);
        if (!winner) {
            reply(HttpServer::errorResponse(400, error));
            return;
        }
        if (m->winnerTeam >= 0) {
            reply(answer::resultAlreadyReported(m_ids.matchString(seq), m->winnerTeam));
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
        for (std::size_t i = 0; i < m->teams.size(); ++i) {
            for (std::size_t p = 0; p < m->teams[i].players.size(); ++p) {
                const std::string& id = m->teams[i].players[p];
                m_records.setRating(id, after[i][p]);
                writes.push_back(UpsertRating{
                    {QString::fromStdString(id), after[i][p].mu, after[i][p].sigma, wall}});
            }
        }
        const QByteArray out = resultJson(seq, *winner, *m, before, after, m_ids);
        writes.push_back(SetMatchResult{seq, *winner, wall});
        m->winnerTeam = *winner;  // a second report now gets 409 at once
        if (m_recorder)
            m_recorder->record(
                RecordedResult{now(), m_ids.matchString(seq).toStdString(), *winner});
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
            if (MatchRecord* m = m_records.match(seq)) {
                m->winnerTeam = -1;
                for (std::size_t i = 0; i < m->teams.size(); ++i)
                    for (std::size_t p = 0; p < m->teams[i].players.size(); ++p)
                        m_records.setRating(m->teams[i].players[p], before[i][p]);
            }
            reply(answer::storeFailed(error));
        };
        // Behind the match's own row when that is not on disk yet.
        if (m->unwritten)
            m_matchmakerWrites.queueAfter(std::move(writes), std::move(done));
        else
            m_batcher.submitThen(std::move(writes), std::move(done));
    });
}

MemoryCut MatchService::memoryCut() const {
    MemoryCut cut;
    cut.tickets.reserve(m_records.tickets());
    m_records.forEachTicket([&cut](const TicketRecord& t) {
        // unwritten: the matchmaker changed it and its row is not on disk
        // yet (queued, in a chunk being committed, or refused and retried).
        cut.tickets.push_back({t.seq, t.state, t.matchSeq, t.insertPending || t.unwritten});
    });
    cut.matches.reserve(m_records.matches());
    m_records.forEachMatch([&cut](const MatchRecord& m) {
        cut.matches.push_back({m.seq, m.unwritten});
    });
    cut.nextTicketSeq = m_nextTicketSeq;
    cut.firstMatchSeq = m_firstMatchSeq;
    cut.nextMatchSeq = m_nextMatchSeq;
    cut.searchingCounter = m_metrics->ticketsSearching();
    cut.matchesCounter = m_metrics->matchesTotal();
    cut.matcherSearching = std::uint64_t(m_matchmaker.searchingTickets());
    return cut;
}

QByteArray MatchService::queuesJson() const {
    return pulsco::queuesJson(m_matchmaker.config(), m_matchmaker.queueStatus(now()));
}

std::unique_ptr<MatchRecord> MatchService::recordFormedMatch(const MatchFormed& formed, double n,
                                                             std::vector<StoreWrite>& writes) {
    const QueueConfig& config = m_matchmaker.config();
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
        TicketRecord* t = m_records.searching(slot.ticket);
        if (!t || slot.team < 0 || std::size_t(slot.team) >= m->teams.size())
            continue;
        auto& team = m->teams[std::size_t(slot.team)];
        for (const PartyMember& p : t->players) {
            team.players.push_back(p.id);
            team.ratingsAtMatch.push_back(p.rating);
            ++players;
        }
        team.tickets.push_back(t->seq);
        ticketSeqs.push_back(t->seq);
        m_metrics->ticketMatched(formed.region, slot.waitSeconds, n);
        finishTicket(*t, TicketState::Matched, slot.waitSeconds, m->seq, writes);
    }
    m_metrics->matchFormed(formed.queue, formed.region, formed.quality, players, n);
    MatchRow row = matchRow(*m);
    const QString matchId = m_ids.matchString(m->seq);
    for (qint64 seq : ticketSeqs)
        emit ticketEvent(m_ids.ticketString(seq), u"matched"_s, matchId);
    // The stored detail names no server; the stream's copy carries our ids.
    if (isSignalConnected(QMetaMethod::fromSignal(&MatchService::matchEvent)))
        emit matchEvent(matchJson(*m, m_ids));
    writes.push_back(InsertMatch{std::move(row)});
    return m;
}

void MatchService::tick() {
    if (m_stalled || m_restarting) {
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
        TicketRecord* t = m_records.searching(ev.ticket);
        if (!t)
            continue;
        const qint64 seq = t->seq;
        finishTicket(*t, TicketState::Expired, ev.waitSeconds, 0, writes);
        emit ticketEvent(m_ids.ticketString(seq), u"expired"_s, {});
    }
    for (const MatchFormed& formed : m_output.matches)
        m_records.addMatch(recordFormedMatch(formed, n, writes));
    // Behind every request write queued so far: a ticket's insert reaches the
    // store before its matched/expired update.
    m_batcher.flush();
    m_matchmakerWrites.queue(std::move(writes));
    m_records.trim();
    emit ticked();
}

}  // namespace pulsco
