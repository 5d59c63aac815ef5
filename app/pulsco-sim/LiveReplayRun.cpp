#include "LiveReplayRun.h"

#include "ReplayCommon.h"

#include "HttpLoadPort.h"
#include "TargetDiscovery.h"
#include "core/Histogram.h"
#include "core/HomeRegion.h"
#include "net/load/HttpLoadClient.h"
#include "simulator/engine/ReplaySchedule.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTimer>

#include <cstdio>
#include <map>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// What became of one scheduled ticket on the server.
struct LiveTicket {
    enum class State { NotSent, Sent, Acknowledged, Refused } state = State::NotSent;
    std::string id;           // the server's ticket id once acknowledged
    double cancelDueMs = -1;  // a cancel waiting for the id (its intended time)
};

struct Figures {
    std::uint64_t arrivals = 0, acknowledged = 0;
    std::map<std::string, std::uint64_t> byQueue, byHomeRegion;
    std::map<int, std::uint64_t> byPartySize;
    std::map<QString, std::uint64_t> createAnswers;  // "201", "409", "timeout", ...
    std::map<QString, std::uint64_t> cancelAnswers;
    std::uint64_t cancelsSent = 0, cancelsWithoutTicket = 0;
    std::uint64_t serverErrors = 0, unanswered = 0;
    Histogram createLatencyMs, cancelLatencyMs, sendLagMs;
};

QString answerName(const LoadReply& reply) {
    return reply.status > 0
               ? QString::number(reply.status)
               : QString::fromStdString(reply.failure.empty() ? "no answer" : reply.failure);
}

QJsonObject latencyJson(const Histogram& h) {
    return {{u"count"_s, double(h.count())},
            {u"p50_ms"_s, h.quantile(0.5)},
            {u"p95_ms"_s, h.quantile(0.95)},
            {u"p99_ms"_s, h.quantile(0.99)},
            {u"max_ms"_s, h.count() ? h.max() : 0.0}};
}

}  // namespace

int runLiveReplay(const LiveReplayOptions& options) {
    const std::optional<Recording> loaded = loadReplayRecording(options.recordingPath);
    if (!loaded)
        return 2;
    const Recording& recording = *loaded;
    Targets targets;
    if (QString error; !discoverTargets(options.urls, &targets, &error))
        return replayBadInput(error);

    const ReplaySchedule schedule =
        buildReplaySchedule(recording.events, options.amplify, 1.0, options.seed);
    const std::vector<std::string>& regions = recording.header.regions;
    HttpLoadClient client(targets.urls, options.connections, options.timeoutMs);
    HttpLoadPort port = options.balancer ? HttpLoadPort(client, HttpLoadPort::Balancer{})
                                         : HttpLoadPort(client, targets.byColor);
    // A recording is one server's traffic: it goes to blue (green when only
    // green is given); behind a balancer the balancer picks.
    const Color color = Color::Blue;

    std::vector<LiveTicket> tickets(schedule.tickets.size());
    Figures f;
    std::uint64_t inFlight = 0;
    std::map<std::string, std::string> ledger;  // ticket id -> colour, in id order

    const auto sendCancel = [&](LiveTicket& ticket, double dueMs) {
        ++inFlight;
        ++f.cancelsSent;
        port.cancelTicket(color, dueMs, ticket.id, [&](const LoadReply& reply) {
            --inFlight;
            ++f.cancelAnswers[answerName(reply)];
            f.cancelLatencyMs.record(reply.latencyMs);
            if (reply.status >= 500)
                ++f.serverErrors;
            if (reply.status == 0)
                ++f.unanswered;
        });
    };
    const auto sendArrival = [&](std::uint32_t index, double dueMs) {
        const TicketRequest& request = schedule.tickets[index];
        ++f.arrivals;
        ++f.byQueue[request.queue];
        ++f.byPartySize[int(request.players.size())];
        const int home = homeRegion(request.players);
        ++f.byHomeRegion[home < 0 ? std::string() : regions[std::size_t(home)]];
        std::vector<LoadMember> party;
        for (const PartyMember& m : request.players) {
            LoadMember member{m.id, m.rating.mu, m.rating.sigma, {}};
            for (std::size_t r = 0; r < m.pingMs.size() && r < regions.size(); ++r)
                if (m.pingMs[r] < kUnreachablePing)
                    member.pings.emplace_back(regions[r], m.pingMs[r]);
            party.push_back(std::move(member));
        }
        tickets[index].state = LiveTicket::State::Sent;
        ++inFlight;
        port.createTicket(color, dueMs, request.queue, party, [&, index](const LoadReply& reply) {
            --inFlight;
            LiveTicket& ticket = tickets[index];
            ++f.createAnswers[answerName(reply)];
            f.createLatencyMs.record(reply.latencyMs);
            if (reply.status >= 500)
                ++f.serverErrors;
            if (reply.status == 0)
                ++f.unanswered;
            if (reply.status == 201 && !reply.ticketId.empty()) {
                ticket.state = LiveTicket::State::Acknowledged;
                ticket.id = reply.ticketId;
                ++f.acknowledged;
                const std::optional<Color> by =
                    reply.answeredBy ? reply.answeredBy : colorOfId(reply.ticketId);
                ledger[reply.ticketId] = toString(by.value_or(color));
                if (ticket.cancelDueMs >= 0)
                    sendCancel(ticket, ticket.cancelDueMs);
            } else {
                ticket.state = LiveTicket::State::Refused;
                if (ticket.cancelDueMs >= 0)
                    ++f.cancelsWithoutTicket;
            }
        });
    };

    const double recordedSeconds = schedule.items.empty() ? 0 : schedule.items.back().t;
    std::fprintf(stderr,
                 "pulsco-sim: replaying %zu arrivals (%.1f recorded s, amplify %d) against %s at "
                 "%gx\n",
                 schedule.tickets.size(), recordedSeconds, options.amplify,
                 qPrintable(options.urls.join(u',')), options.speed);
    const bool tty = isatty(fileno(stderr)) != 0;
    double lastProgressMs = 0;
    std::size_t next = 0;
    const double startMs = client.nowMs();
    double drainUntilMs = -1;
    std::uint64_t abandoned = 0;
    QTimer pacer;
    pacer.setTimerType(Qt::PreciseTimer);
    pacer.setInterval(1);
    QEventLoop loop;
    QObject::connect(&pacer, &QTimer::timeout, &loop, [&] {
        const double now = client.nowMs();
        // Open model: everything due goes now, stamped with when it was due.
        while (next < schedule.items.size()) {
            const ReplayItem& item = schedule.items[next];
            const double dueMs = startMs + item.t * 1000.0 / options.speed;
            if (dueMs > now)
                break;
            ++next;
            f.sendLagMs.record(now - dueMs);
            LiveTicket& ticket = tickets[item.ticket];
            if (item.arrival)
                sendArrival(item.ticket, dueMs);
            else if (ticket.state == LiveTicket::State::Acknowledged)
                sendCancel(ticket, dueMs);
            else if (ticket.state == LiveTicket::State::Sent)
                ticket.cancelDueMs = dueMs;  // sent when the id arrives
            else
                ++f.cancelsWithoutTicket;
        }
        if (next == schedule.items.size()) {
            if (drainUntilMs < 0)
                drainUntilMs = now + options.timeoutMs + 1000;
            if (inFlight == 0 || now >= drainUntilMs) {
                abandoned = inFlight;
                pacer.stop();
                client.abortAll();
                loop.quit();
                return;
            }
        }
        if (tty && now - lastProgressMs >= 500) {
            lastProgressMs = now;
            std::fprintf(stderr, "\r%.1f / %.1f recorded s, %llu arrivals sent, %llu in flight   ",
                         (now - startMs) / 1000.0 * options.speed, recordedSeconds,
                         static_cast<unsigned long long>(f.arrivals),
                         static_cast<unsigned long long>(inFlight));
        }
    });
    pacer.start();
    loop.exec();
    if (tty)
        std::fprintf(stderr, "\r\033[K");
    const double wallSeconds = (client.nowMs() - startMs) / 1000.0;
    f.unanswered += abandoned;

    QString out;
    out += u"live replay of %1 against %2 (%3x, amplify %4, seed %5)\n"_s.arg(
        options.recordingPath, options.urls.join(u','), QString::number(options.speed),
        QString::number(options.amplify), QString::number(options.seed));
    out += u"arrivals sent: %1 of %2 scheduled; acknowledged (201): %3\n"_s.arg(f.arrivals)
               .arg(schedule.tickets.size())
               .arg(f.acknowledged);
    out += u"  by queue: "_s + countsLine(f.byQueue) + u'\n';
    out += u"  by party size: "_s + countsLine(f.byPartySize) + u'\n';
    out += u"  by home region: "_s + countsLine(f.byHomeRegion) + u'\n';
    out += u"  answers: "_s + countsLine(f.createAnswers) + u'\n';
    out += u"cancels sent: %1 (answers: %2); %3 not sent (their ticket was refused)\n"_s
               .arg(f.cancelsSent)
               .arg(countsLine(f.cancelAnswers))
               .arg(f.cancelsWithoutTicket);
    out += u"POST /v1/tickets latency from the intended send: p50 %1 ms, p95 %2 ms, p99 %3 ms\n"_s
               .arg(f.createLatencyMs.quantile(0.5), 0, 'f', 2)
               .arg(f.createLatencyMs.quantile(0.95), 0, 'f', 2)
               .arg(f.createLatencyMs.quantile(0.99), 0, 'f', 2);
    out += u"send lag behind the schedule: p50 %1 ms, p99 %2 ms, max %3 ms\n"_s
               .arg(f.sendLagMs.quantile(0.5), 0, 'f', 2)
               .arg(f.sendLagMs.quantile(0.99), 0, 'f', 2)
               .arg(f.sendLagMs.count() ? f.sendLagMs.max() : 0.0, 0, 'f', 2);
    out +=
        u"%1 s wall; %2 server errors (5xx), %3 requests unanswered (%4 abandoned at the end)\n"_s
            .arg(wallSeconds, 0, 'f', 1)
            .arg(f.serverErrors)
            .arg(f.unanswered)
            .arg(abandoned);
    std::fputs(qPrintable(out), stdout);
    std::fflush(stdout);

    if (!options.ledgerPath.isEmpty()) {
        QSaveFile file(options.ledgerPath);
        bool ok = file.open(QIODevice::WriteOnly);
        for (const auto& [id, colour] : ledger)
            ok = ok && file.write(QByteArray::fromStdString(colour + ' ' + id + '\n')) > 0;
        if (!ok || !file.commit())
            return replayBadInput(u"--ledger: cannot write "_s + options.ledgerPath + u": "_s +
                                  file.errorString());
    }
    if (!options.reportPath.isEmpty()) {
        QJsonObject report{
            {u"format"_s, 1},
            {u"kind"_s, u"pulsco-live-replay"_s},
            {u"replay"_s, options.recordingPath},
            {u"target"_s, QJsonArray::fromStringList(options.urls)},
            {u"speed"_s, options.speed},
            {u"amplify"_s, options.amplify},
            {u"seed"_s, double(options.seed)},
            {u"scheduled"_s, double(schedule.tickets.size())},
            {u"arrivals"_s, QJsonObject{{u"total"_s, double(f.arrivals)},
                                        {u"acknowledged"_s, double(f.acknowledged)},
                                        {u"by_queue"_s, countsJson(f.byQueue)},
                                        {u"by_party_size"_s, countsJson(f.byPartySize)},
                                        {u"by_home_region"_s, countsJson(f.byHomeRegion)},
                                        {u"answers"_s, countsJson(f.createAnswers)}}},
            {u"cancels"_s, QJsonObject{{u"sent"_s, double(f.cancelsSent)},
                                       {u"not_sent"_s, double(f.cancelsWithoutTicket)},
                                       {u"answers"_s, countsJson(f.cancelAnswers)}}},
            {u"create_latency"_s, latencyJson(f.createLatencyMs)},
            {u"cancel_latency"_s, latencyJson(f.cancelLatencyMs)},
            {u"send_lag"_s, latencyJson(f.sendLagMs)},
            {u"server_errors"_s, double(f.serverErrors)},
            {u"unanswered"_s, double(f.unanswered)},
            {u"wall_seconds"_s, wallSeconds},
        };
        QString error;
        if (!saveReplayFile(options.reportPath, QJsonDocument(report).toJson(), &error))
            return replayBadInput(u"--report: "_s + error);
    }
    return f.serverErrors == 0 && f.unanswered == 0 ? 0 : 1;
}

}  // namespace pulsco
