#include "net/balancer/HaproxyTrafficController.h"

#include "net/balancer/HaproxyStat.h"

#include <QDateTime>

#include <QRegularExpression>
#include <algorithm>

namespace pulsco {

using Expect = HaproxyRuntimeClient::Expect;

namespace {

// HAProxy's admin states that take a server out of load balancing. A server
// DOWN by its health check is not ours to change: the share measured from
// the counters shows it.
bool adminDrainedOrMaint(const QString& status) {
    return status.startsWith(QLatin1String("DRAIN")) || status.startsWith(QLatin1String("MAINT"));
}

// Whether a server gets load-balanced traffic at all, for the weight "in
// effect" the counters report: a drained, maintained, down or no-lb server
// gets none, whatever its configured weight reads.
bool takesTraffic(const QString& status) {
    return status == QLatin1String("no check") || status.startsWith(QLatin1String("UP"));
}

}  // namespace

struct HaproxyTrafficController::Request {
    quint64 generation = 0;
    int greenPercent = 0;
    bool rollback = false;
    bool joinSpare = false;  // a scale out: answers scaledOut / scaleOutFailed
    QStringList pool;        // blue's pool, read back in this order after green
    std::vector<Step> steps;
    std::size_t next = 0;
    QStringList answers;  // of the read-back steps, in order
};

HaproxyTrafficController::HaproxyTrafficController(HaproxyAddress address, QString backend,
                                                   QString blueServer, QString greenServer,
                                                   QObject* parent)
    : TrafficController(parent)
    , m_client(std::move(address))
    , m_backend(std::move(backend))
    , m_blue(std::move(blueServer))
    , m_green(std::move(greenServer)) {
    m_shutdownTimer.setSingleShot(true);
    m_pollTimer.setInterval(2000);
    connect(&m_pollTimer, &QTimer::timeout, this, &HaproxyTrafficController::pollNow);
}

HaproxyTrafficController::~HaproxyTrafficController() = default;

QString HaproxyTrafficController::namesError(const QString& backend, const QString& blueServer,
                                             const QString& greenServer) {
    // HAProxy's own rule for proxy and server names (invalid_char() in
    // tools.c); anything else could not name them and, with a space or ';',
    // would change the command.
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9_.:-]+$"));
    const std::pair<const char*, const QString*> names[] = {
        {"backend", &backend}, {"blue server", &blueServer}, {"green server", &greenServer}};
    for (const auto& [field, name] : names) {
        if (!valid.match(*name).hasMatch())
            return QStringLiteral("haproxy %1 name '%2': only letters, digits, '-', '_', '.' and "
                                  "':' (and not empty)")
                .arg(QLatin1String(field), *name);
    }
    if (blueServer == greenServer)
        return QStringLiteral("haproxy server names: blue and green are both '%1'").arg(blueServer);
    return {};
}

std::unique_ptr<HaproxyTrafficController>
HaproxyTrafficController::create(const QString& address, const QString& backend,
                                 const QString& blueServer, const QString& greenServer,
                                 QString* error) {
    const auto parsed = HaproxyAddress::parse(address, error);
    if (!parsed)
        return nullptr;
    if (const QString why = namesError(backend, blueServer, greenServer); !why.isEmpty()) {
        if (error)
            *error = why;
        return nullptr;
    }
    return std::make_unique<HaproxyTrafficController>(*parsed, backend, blueServer, greenServer);
}

QString HaproxyTrafficController::describe() const {
    return QStringLiteral("HAProxy %1, backend %2, servers %3 / %4")
        .arg(m_client.address().toString(), m_backend, m_blue, m_green);
}

QString HaproxyTrafficController::showStatCommand() const {
    // Only this backend's servers (type 4 = servers, -1 = all of them).
    return QStringLiteral("show stat %1 4 -1").arg(m_backend);
}

void HaproxyTrafficController::requestWeight(int greenPercent) {
    start(greenPercent, false);
}

void HaproxyTrafficController::rollback() {
    start(0, true);
}

void HaproxyTrafficController::scaleOut() {
    if (m_spare.isEmpty()) {
        emit scaleOutFailed(QStringLiteral("no spare server is configured for backend %1 "
                                           "(pulsco-console --haproxy-spare NAME)")
                                .arg(m_backend));
        return;
    }
    if (m_spareInPool) {
        emit scaleOutFailed(QStringLiteral("the spare server %1 is already in blue's pool")
                                .arg(serverPath(m_spare)));
        return;
    }
    start(std::max(0, m_lastRequested), false, true);
}

QStringList HaproxyTrafficController::readBackOrder(const QStringList& pool) const {
    QStringList order{pool.front(), m_green};
    order += pool.mid(1);
    return order;
}

QStringList HaproxyTrafficController::bluePool(bool joinSpare) const {
    QStringList pool{m_blue};
    if (joinSpare || m_spareInPool)
        pool << m_spare;
    return pool;
}

void HaproxyTrafficController::start(int greenPercent, bool rollback, bool joinSpare) {
    // A newer request supersedes: answers to older generations are ignored,
    // and an older chain stops at its next step.
    const quint64 generation = ++m_generation;
    m_shutdownTimer.stop();
    m_shutdownTimer.disconnect(this);
    if (greenPercent < 0 || greenPercent > 100) {
        emit weightFailed(greenPercent,
                          QStringLiteral("green share %1 %: not within 0..100").arg(greenPercent));
        return;
    }
    auto request = std::make_shared<Request>();
    request->generation = generation;
    request->greenPercent = greenPercent;
    request->rollback = rollback;
    request->joinSpare = joinSpare;
    request->pool = bluePool(joinSpare);
    // Every server of blue's pool weighs 100-g, green g x the pool's size:
    // green's share is g % however many serve blue's release.
    std::vector<Step> blueWeights;
    for (const QString& server : request->pool)
        blueWeights.push_back({QStringLiteral("set server %1 weight %2")
                                   .arg(serverPath(server))
                                   .arg(100 - greenPercent),
                               Expect::Nothing});
    const Step greenWeight{QStringLiteral("set server %1 weight %2")
                               .arg(serverPath(m_green))
                               .arg(greenPercent * int(request->pool.size())),
                           Expect::Nothing};
    // Green back to READY first when it should take traffic: a rollback left
    // it in DRAIN, where any weight gives it nothing.
    if (greenPercent > 0)
        request->steps.push_back(
            {QStringLiteral("set server %1 state ready").arg(serverPath(m_green)),
             Expect::Nothing});
    // The side that shrinks goes first, so the share between the two
    // commands lies between the old and the new one (never a burst beyond).
    // A joining spare gets its weight before it leaves maintenance.
    const bool greenShrinks = m_lastRequested < 0 || greenPercent < m_lastRequested;
    if (greenShrinks || joinSpare) {
        if (!joinSpare)
            request->steps.push_back(greenWeight);
        request->steps.insert(request->steps.end(), blueWeights.begin(), blueWeights.end());
        if (joinSpare) {
            request->steps.push_back(
                {QStringLiteral("set server %1 state ready").arg(serverPath(m_spare)),
                 Expect::Nothing});
            request->steps.push_back(greenWeight);
        }
    } else {
        request->steps.insert(request->steps.end(), blueWeights.begin(), blueWeights.end());
        request->steps.push_back(greenWeight);
    }
    if (rollback)
        request->steps.push_back(
            {QStringLiteral("set server %1 state drain").arg(serverPath(m_green)),
             Expect::Nothing});
    for (const QString& server : readBackOrder(request->pool))
        request->steps.push_back(
            {QStringLiteral("get weight %1").arg(serverPath(server)), Expect::Text});
    request->steps.push_back({showStatCommand(), Expect::Text});
    m_lastRequested = greenPercent;
    runStep(request);
}

void HaproxyTrafficController::runStep(const std::shared_ptr<Request>& request) {
    if (request->generation != m_generation)
        return;
    if (request->next == request->steps.size()) {
        verify(request);
        return;
    }
    const Step step = request->steps.at(request->next++);
    m_client.send(step.command, step.expect,
                  [this, request, expect = step.expect](const HaproxyRuntimeClient::Answer& a) {
                      if (request->generation != m_generation)
                          return;
                      if (!a.ok) {
                          fail(request, a.error);
                          return;
                      }
                      if (expect == Expect::Text)
                          request->answers << a.text;
                      runStep(request);
                  });
}

void HaproxyTrafficController::fail(const std::shared_ptr<Request>& request,
                                    const QString& reason) {
    if (request->joinSpare)
        emit scaleOutFailed(reason);
    else
        emit weightFailed(request->greenPercent, reason);
}

void HaproxyTrafficController::verify(const std::shared_ptr<Request>& request) {
    const int g = request->greenPercent;
    const QString source = QStringLiteral("haproxy %1").arg(m_client.address().toString());
    // The answers: blue's weight, green's, the spare's, then `show stat`.
    const QStringList servers = readBackOrder(request->pool);
    QString error;
    std::vector<int> weights;
    QStringList readBackParts;
    for (qsizetype i = 0; i < servers.size(); ++i) {
        const QString command = QStringLiteral("get weight ") + serverPath(servers.at(i));
        const auto weight =
            parseGetWeight(request->answers.value(i), source + u": '" + command + u'\'', &error);
        if (!weight)
            return fail(request, error);
        weights.push_back(weight->current);
        readBackParts << command + u": " + request->answers.value(i).trimmed();
    }
    const auto stat = parseShowStat(request->answers.value(servers.size()).toUtf8(),
                                    source + u": '" + showStatCommand() + u'\'', &error);
    if (!stat)
        return fail(request, error);
    std::vector<const HaproxyStatRow*> rows;
    for (const QString& server : servers) {
        const HaproxyStatRow* row = stat->find(m_backend, server);
        if (!row)
            return fail(request, source + QStringLiteral(": '%1': no row for server '%2'")
                                              .arg(showStatCommand(), server));
        rows.push_back(row);
    }
    QStringList states;
    for (std::size_t i = 0; i < rows.size(); ++i)
        states << servers.at(qsizetype(i)) + u": " + rows[i]->status;
    const QString readBack = readBackParts.join(QStringLiteral("; ")) + QStringLiteral("; state ") +
                             states.join(QStringLiteral(", "));
    const int w = weights[1];
    int b = 0;
    for (std::size_t i = 0; i < weights.size(); ++i)
        b += i == 1 ? 0 : weights[i];
    const HaproxyStatRow* greenRow = rows[1];
    // The read-back rule: the weights HAProxy holds give exactly g % green.
    if (b + w == 0)
        return fail(request, QStringLiteral("read back both weights 0: no server would take "
                                            "traffic (%1)")
                                 .arg(readBack));
    if (w * 100 != g * (b + w))
        return fail(request, QStringLiteral("read back %1 % green, not %2 % (%3)")
                                 .arg(QString::number(100.0 * w / (b + w), 'f', 1))
                                 .arg(g)
                                 .arg(readBack));
    // Weights alone do not route: a drained or maintained server gets
    // nothing whatever its weight, so the states are part of the rule.
    if (g > 0 && adminDrainedOrMaint(greenRow->status))
        return fail(request, QStringLiteral("green is %1, so it takes no new traffic (%2)")
                                 .arg(greenRow->status, readBack));
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (i != 1 && g < 100 && adminDrainedOrMaint(rows[i]->status))
            return fail(request,
                        QStringLiteral("%1 is %2, so it takes no new traffic (%3)")
                            .arg(i == 0 ? QStringLiteral("blue") : servers.at(qsizetype(i)),
                                 rows[i]->status, readBack));
    if (request->rollback && !greenRow->status.startsWith(QLatin1String("DRAIN")))
        return fail(request, QStringLiteral("green reads %1 after 'set server %2 state drain' "
                                            "(%3)")
                                 .arg(greenRow->status, serverPath(m_green), readBack));
    if (request->joinSpare) {
        m_spareInPool = true;
        emit scaledOut(readBack);
        return;
    }
    reportApplied(g, readBack);

    if (request->rollback && m_shutdownGraceMs >= 0) {
        const quint64 generation = request->generation;
        connect(&m_shutdownTimer, &QTimer::timeout, this,
                [this, generation] { shutDownGreenSessions(generation); });
        m_shutdownTimer.start(m_shutdownGraceMs);
    }
}

void HaproxyTrafficController::shutDownGreenSessions(quint64 generation) {
    m_shutdownTimer.disconnect(this);
    if (generation != m_generation)
        return;
    const QString command = QStringLiteral("shutdown sessions server %1").arg(serverPath(m_green));
    m_client.send(command, Expect::Nothing,
                  [this, generation, command](const HaproxyRuntimeClient::Answer& a) {
                      // Reported even when a newer request came meanwhile:
                      // the sessions were (or were not) cut either way.
                      Q_UNUSED(generation);
                      if (a.ok)
                          emit greenSessionsShutDown(command);
                      else
                          emit greenSessionsShutdownFailed(a.error);
                  });
}

void HaproxyTrafficController::setPollIntervalMs(int ms) {
    m_pollTimer.setInterval(std::max(1, ms));
}

void HaproxyTrafficController::startPolling() {
    m_pollTimer.start();
    pollNow();
}

void HaproxyTrafficController::pollNow() {
    // One at a time: against a dead HAProxy, polls must not pile up in the
    // client's queue in front of a weight change.
    if (m_pollInFlight)
        return;
    m_pollInFlight = true;
    const QString command = showStatCommand();
    m_client.send(command, Expect::Text, [this, command](const HaproxyRuntimeClient::Answer& a) {
        m_pollInFlight = false;
        if (!a.ok) {
            emit pollFailed(a.error);
            return;
        }
        const QString source =
            QStringLiteral("haproxy %1: '%2'").arg(m_client.address().toString(), command);
        QString error;
        const auto stat = parseShowStat(a.text.toUtf8(), source, &error);
        if (!stat) {
            emit pollFailed(error);
            return;
        }
        const HaproxyStatRow* blue = stat->find(m_backend, m_blue);
        const HaproxyStatRow* green = stat->find(m_backend, m_green);
        if (!blue || !green) {
            emit pollFailed(source + QStringLiteral(": backend %1 has no server '%2'")
                                         .arg(m_backend, blue ? m_green : m_blue));
            return;
        }
        BalancerCounters c;
        c.atWallMs = double(QDateTime::currentMSecsSinceEpoch());
        c.blueRequests = blue->requests;
        c.greenRequests = green->requests;
        c.blueConnections = blue->current;
        c.greenConnections = green->current;
        c.blueWeight = takesTraffic(blue->status) ? blue->weight : 0;
        c.greenWeight = takesTraffic(green->status) ? green->weight : 0;
        // The spare serves blue's release: what it served is blue's.
        if (const HaproxyStatRow* spare =
                m_spare.isEmpty() ? nullptr : stat->find(m_backend, m_spare)) {
            c.blueRequests += spare->requests;
            c.blueConnections += spare->current;
            if (takesTraffic(spare->status))
                c.blueWeight += spare->weight;
        }
        emit countersRead(c);
    });
}

}  // namespace pulsco
