#include "net/live/LiveSource.h"

#include "bridge/FaultSpecJson.h"
#include "bridge/HttpUrl.h"
#include "net/live/ServerEnvironments.h"
#include "net/live/SnapshotMerge.h"
#include "store/ReadinessProbeLog.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QUrl>

#include <memory>

using namespace Qt::StringLiterals;

namespace pulsco {

LiveSource::LiveSource(QList<LiveServerConfig> servers, QObject* parent)
    : Source(parent)
    , m_network(new QNetworkAccessManager(this)) {
    for (LiveServerConfig& config : servers) {
        Server server;
        server.config = std::move(config);
        server.link = new LiveServerLink(server.config.url, m_network, this);
        server.link->setCaCertificates(server.config.caCertificates);
        connect(server.link, &LiveServerLink::snapshotReceived, this, &LiveSource::onLinkSnapshot);
        connect(server.link, &LiveServerLink::statusChanged, this, &LiveSource::onLinkStatus);
        connect(server.link, &LiveServerLink::eventsReceived, this, &LiveSource::eventsReady);
        m_servers.push_back(std::move(server));
    }
    // After the vector is complete: the lambdas hold indexes, not pointers.
    for (std::size_t i = 0; i < m_servers.size(); ++i)
        connect(m_servers[i].link, &LiveServerLink::readinessProbed, this,
                [this, i](qint64 at, bool ready, const QString& reason) {
                    onReadinessProbed(m_servers[i], at, ready, reason);
                });
}

void LiveSource::setProbeIntervalMs(int ms) {
    for (Server& s : m_servers)
        s.link->setProbeIntervalMs(ms);
}

std::vector<UpSpan> LiveSource::observedDown(const QString& url) const {
    for (const Server& s : m_servers)
        if (s.config.url == url)
            return s.observedDown;
    return {};
}

void LiveSource::onReadinessProbed(Server& server, qint64 atUnixMs, bool ready,
                                   const QString& reason) {
    const double at = double(atUnixMs) / 1000.0;
    // Down from the first probe that failed until the first that answered
    // ready again: the console cannot tell when in between it came back.
    if (!ready) {
        if (!server.downOpen)
            server.observedDown.push_back({at, at});
        server.observedDown.back().to = std::max(server.observedDown.back().to, at);
        server.downOpen = true;
    } else if (server.downOpen) {
        server.observedDown.back().to = std::max(server.observedDown.back().to, at);
        server.downOpen = false;
    }
    if (!m_probeLog)
        return;
    QString error;
    if (!m_probeLog->record(server.config.url, atUnixMs, ready, reason, &error)) {
        if (error != m_probeLogError) {
            LogEvent event;
            event.kind = LogEventKind::Error;
            event.wallTimeUnixMs = double(atUnixMs);
            event.text = QString(u"readiness history not saved: "_s + error).toStdString();
            emit eventsReady(std::make_shared<std::vector<LogEvent>>(1, std::move(event)));
        }
        m_probeLogError = error;
    } else {
        m_probeLogError.clear();
    }
}

LiveSource::~LiveSource() = default;

QString LiveSource::checkBaseUrl(const QString& text) {
    const QUrl url(text, QUrl::StrictMode);
    if (!isHttpUrlWithHost(url))
        return text +
               u": must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:8080"_s;
    if (!url.path().isEmpty() && url.path() != u"/")
        return text + u": must be the server's base URL, without a path"_s;
    if (url.hasQuery() || url.hasFragment())
        return text + u": must not have a query or fragment"_s;
    if (!url.userInfo().isEmpty())
        return text + u": must not carry credentials (admin tokens are configured per server)"_s;
    return {};
}

QString LiveSource::displayName() const {
    QStringList parts;
    for (const Server& s : m_servers) {
        const QString color = s.link->color();
        parts << (color.isEmpty() ? s.config.url : color + u' ' + s.config.url);
    }
    return u"Live · "_s + parts.join(u", "_s);
}

QString LiveSource::serverIdentities() const {
    QStringList parts;
    for (const Server& s : m_servers) {
        QString part = s.config.url;
        if (!s.link->color().isEmpty())
            part = s.link->color() + u' ' + part + u' ' + s.link->environment();
        if (!s.link->identity().isEmpty())
            part += u" ("_s + s.link->identity() + u')';
        parts << part;
    }
    return parts.join(u"; "_s);
}

Source::Capabilities LiveSource::capabilities() const {
    Capabilities c;
    QStringList why;
    for (const Server& s : m_servers) {
        if (s.config.adminToken.isEmpty())
            why << s.config.url + u": no admin token configured"_s;
        else if (!s.link->color().isEmpty() && !s.link->adminEnabled())
            why << s.config.url + u": server started without --admin-token-file"_s;
        else
            c.faults = true;
    }
    if (!c.faults)
        c.faultsDisabledReason = why.join(u"; "_s);
    return c;
}

QString LiveSource::trafficWeightDisabledReason() {
    return u"live servers: traffic between blue and green is moved by the traffic controller "
           "(HAProxy, a webhook or by hand; see the Rollout page), not by this slider"_s;
}

void LiveSource::start() {
    if (m_running)
        return;
    m_running = true;
    m_peaks.reset();  // a new session: peaks cover what this one watches
    // Downtime this console saw on earlier runs still counts.
    const qint64 since = QDateTime::currentMSecsSinceEpoch() - 35LL * 86400 * 1000;
    for (Server& s : m_servers) {
        s.observedDown.clear();
        s.downOpen = false;
        if (!m_probeLog)
            continue;
        m_probeLog->beginSession(s.config.url);
        for (const auto& [from, to] : m_probeLog->downSpans(s.config.url, since))
            s.observedDown.push_back({double(from) / 1000.0, double(to) / 1000.0});
    }
    setState(State::Starting);
    for (Server& s : m_servers)
        s.link->start();
}

void LiveSource::stop() {
    if (!m_running)
        return;
    m_running = false;
    for (Server& s : m_servers)
        s.link->stop();
    setState(State::Stopped);
}

void LiveSource::setPushAllowed(bool allowed) {
    for (Server& s : m_servers)
        s.link->setPushAllowed(allowed);
}

QList<LiveSource::ServerStatus> LiveSource::servers() const {
    QList<ServerStatus> out;
    for (const Server& s : m_servers) {
        ServerStatus st;
        st.url = s.config.url;
        st.color = s.link->color();
        st.environment = s.link->environment();
        st.stale = s.link->stale() || !s.link->latest();
        st.dataAgeMs = s.link->dataAgeMs();
        st.mode = s.link->mode();
        st.problem = problemOf(s);
        st.adminEnabled = s.link->adminEnabled();
        st.hasToken = !s.config.adminToken.isEmpty();
        out << st;
    }
    return out;
}

SnapshotPtr LiveSource::latestOf(const QString& url) const {
    for (const Server& s : m_servers)
        if (s.config.url == url)
            return s.link->latest();
    return nullptr;
}

QString LiveSource::problemOf(const Server& server) const {
    const QString& own = server.link->problem();
    if (own.isEmpty() && m_setProblemUrls.contains(server.config.url))
        return m_setProblem;
    return own;
}

void LiveSource::onLinkSnapshot() {
    std::vector<ColoredSnapshot> parts, freshParts;
    std::vector<ServerEnvironment> environments;
    for (const Server& s : m_servers) {
        const SnapshotPtr latest = s.link->latest();
        if (!latest)
            continue;
        const ColoredSnapshot part{
            colorFromString(s.link->color().toStdString()).value_or(Color::Blue), latest};
        parts.push_back(part);
        if (!s.link->stale())
            freshParts.push_back(part);
        environments.push_back({s.config.url, latest->environment});
    }
    // Evidence from servers of different environments is refused whole: no
    // merged snapshot (it would carry one environment's label over the
    // other's figures), the source Failed, the message on the odd servers.
    QString problem;
    if (const auto environment = commonEnvironment(environments, &problem); !environment) {
        QStringList odd;
        for (const ServerEnvironment& e : environments)
            if (e.environment != environments.front().environment)
                odd << e.url;
        const bool changed = problem != m_setProblem || odd != m_setProblemUrls;
        m_setProblem = problem;
        m_setProblemUrls = odd;
        m_merged = nullptr;
        updateState();
        if (changed) {
            reportProblems();
            emit serversChanged();
        }
        return;
    }
    if (!m_setProblem.isEmpty()) {
        m_setProblem.clear();
        m_setProblemUrls.clear();
        reportProblems();
        emit serversChanged();
    }
    MetricsSnapshot merged = mergeServerSnapshots(parts);
    // The servers' own records, less what the console's probes saw down
    // (any server down is the service down, as in the intersection).
    if (merged.availability)
        for (const Server& s : m_servers)
            subtractDown(*merged.availability, s.observedDown);
    // Peaks from the sum at each merge. A stale server's last figures are
    // not known to be current, so they raise no peak.
    m_peaks.observe(freshParts.size() == parts.size() ? merged : mergeServerSnapshots(freshParts));
    m_peaks.apply(merged);
    merged.sequence = ++m_sequence;
    if (m_appliedWeight) {
        // What the traffic controller read back; the requests measure the rest.
        merged.green.requestedWeightPercent = *m_appliedWeight;
        merged.blue.requestedWeightPercent = 100 - *m_appliedWeight;
    }
    m_merged = std::make_shared<const MetricsSnapshot>(std::move(merged));
    updateState();
    emit snapshotReady(m_merged);
}

void LiveSource::onLinkStatus() {
    updateState();
    reportProblems();
    emit serversChanged();
}

void LiveSource::reportProblems() {
    // Each new problem once in the event log (it names the server and why),
    // and the recovery once when data flows again.
    auto batch = std::make_shared<std::vector<LogEvent>>();
    for (Server& s : m_servers) {
        const QString problem = problemOf(s);
        LogEvent event;
        event.color = s.link->color().toStdString();
        event.timeSeconds = s.link->latest() ? s.link->latest()->timeSeconds : 0;
        event.wallTimeUnixMs = static_cast<double>(QDateTime::currentMSecsSinceEpoch());
        if (!problem.isEmpty() && problem != s.reportedProblem) {
            s.reportedProblem = problem;
            event.kind = LogEventKind::Error;
            event.text = problem.toStdString();
            batch->push_back(std::move(event));
        } else if (problem.isEmpty() && !s.reportedProblem.isEmpty() && s.link->latest() &&
                   !s.link->stale()) {
            s.reportedProblem.clear();
            event.kind = LogEventKind::Info;
            event.text = QString(s.config.url + u": receiving data again"_s).toStdString();
            batch->push_back(std::move(event));
        }
    }
    if (!batch->empty())
        emit eventsReady(std::move(batch));
}

void LiveSource::updateState() {
    if (!m_running)
        return;
    if (!m_setProblem.isEmpty()) {
        setState(State::Failed);  // a refused server set shows no figures at all
        return;
    }
    bool anyData = false, anyStale = false;
    for (const Server& s : m_servers) {
        anyData = anyData || s.link->latest();
        // A server that never answered counts as stale once its data would be.
        anyStale = anyStale || s.link->stale();
    }
    if (anyStale)
        setState(State::Stale);
    else
        setState(anyData ? State::Running : State::Starting);
}

void LiveSource::setState(State state) {
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void LiveSource::sendAdmin(const Server& server, const QByteArray& method, const QString& path,
                           const QByteArray& body, const QString& command) {
    const QString where = server.config.url + path;
    if (server.config.adminToken.isEmpty()) {
        emit commandFailed(command, server.config.url + u": no admin token configured"_s);
        return;
    }
    QNetworkRequest request{QUrl(where)};
    request.setTransferTimeout(5000);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Authorization", "Bearer " + server.config.adminToken.toUtf8());
    if (!server.config.caCertificates.isEmpty()) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.addCaCertificates(server.config.caCertificates);
        request.setSslConfiguration(ssl);
    }
    QNetworkReply* reply = m_network->sendCustomRequest(request, method, body);
    // The same cap as the link's: an answer is a few hundred bytes.
    reply->setReadBufferSize(LiveServerLink::kMaxMessageBytes + 64 * 1024);
    auto tooLarge = std::make_shared<bool>(false);
    connect(reply, &QNetworkReply::downloadProgress, this,
            [reply, tooLarge](qint64 received, qint64 total) {
                if (received > LiveServerLink::kMaxMessageBytes ||
                    total > LiveServerLink::kMaxMessageBytes) {
                    *tooLarge = true;
                    reply->abort();
                }
            });
    connect(reply, &QNetworkReply::finished, this, [this, reply, where, command, tooLarge] {
        reply->deleteLater();
        // Checked again here: a fast answer can finish before any progress
        // signal was delivered.
        const qint64 declared = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
        if (*tooLarge || declared > LiveServerLink::kMaxMessageBytes ||
            reply->bytesAvailable() > LiveServerLink::kMaxMessageBytes) {
            emit commandFailed(command, where + u": answer larger than the %1 MiB cap"_s.arg(
                                                    LiveServerLink::kMaxMessageBytes >> 20));
            return;
        }
        if (reply->error() == QNetworkReply::NoError) {
            const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
            if (answer.value(u"restarted").toBool())
                emit commandDone(
                    command,
                    where + u": %1 searching tickets queued again from the store, %2 expired, "
                            "%3 stalls ended, %4 ms"_s.arg(answer.value(u"requeued").toInt())
                                .arg(answer.value(u"expired").toInt())
                                .arg(answer.value(u"stall_faults_ended").toInt())
                                .arg(answer.value(u"took_ms").toDouble(), 0, 'f', 1));
            else if (answer.contains(u"shed"))  // the server's read-back of its regions
                emit commandDone(
                    command,
                    where + u": regions shed now: "_s +
                        (answer.value(u"shed").toArray().isEmpty()
                             ? u"none"_s
                             : answer.value(u"shed").toVariant().toStringList().join(u", "_s)));
            return;
        }
        // The server's error message says what was wrong; never the token.
        const QJsonObject error =
            QJsonDocument::fromJson(reply->readAll()).object().value(u"error").toObject();
        const QString message = error.value(u"message").toString();
        emit commandFailed(command,
                           where + u": "_s + (message.isEmpty() ? reply->errorString() : message));
    });
}

void LiveSource::injectFault(const FaultSpec& fault) {
    bool sent = false;
    for (const Server& s : m_servers) {
        const QString color = s.link->color();
        if (color.isEmpty())
            continue;
        const Color c = colorFromString(color.toStdString()).value_or(Color::Blue);
        if (fault.target != FaultTarget::Both &&
            (fault.target == FaultTarget::Green) != (c == Color::Green))
            continue;
        FaultSpec own = fault;
        own.target = c == Color::Green ? FaultTarget::Green : FaultTarget::Blue;
        sendAdmin(s, "POST", u"/v1/admin/faults"_s,
                  QJsonDocument(faultSpecToJsonObject(own)).toJson(QJsonDocument::Compact),
                  u"inject fault"_s);
        sent = true;
    }
    if (!sent)
        emit commandFailed(u"inject fault"_s, u"no connected server of the color "_s +
                                                  QString::fromLatin1(toString(fault.target)));
}

void LiveSource::restartMatcher(std::optional<Color> color) {
    bool sent = false;
    for (const Server& s : m_servers) {
        const QString own = s.link->color();
        if (own.isEmpty() ||
            (color && colorFromString(own.toStdString()).value_or(Color::Blue) != *color))
            continue;
        sendAdmin(s, "POST", u"/v1/admin/matcher/restart"_s, {}, u"restart matcher"_s);
        sent = true;
    }
    if (!sent)
        emit commandFailed(
            u"restart matcher"_s,
            u"no connected server%1"_s.arg(
                color ? u" of the color "_s + QString::fromLatin1(toString(*color)) : QString()));
}

void LiveSource::shedRegion(const QString& region, bool shed) {
    // Every server, both colours: a region is shed for the whole service.
    const QByteArray body = QJsonDocument(QJsonObject{{u"region"_s, region}, {u"shed"_s, shed}})
                                .toJson(QJsonDocument::Compact);
    for (const Server& s : m_servers)
        sendAdmin(s, "POST", u"/v1/admin/regions/shed"_s, body, u"shed region"_s);
    if (m_servers.empty())
        emit commandFailed(u"shed region"_s, u"no connected server"_s);
}

void LiveSource::failoverStore(std::optional<Color> /*color*/) {
    emit commandFailed(u"fail over the store"_s,
                       u"this stack cannot: pulsco-matchd's store (SQLite, or PostgreSQL without a "
                       u"standby) has no "
                       "standby to fail over to"_s);
}

void LiveSource::clearFaults() {
    for (const Server& s : m_servers)
        sendAdmin(s, "DELETE", u"/v1/admin/faults"_s, {}, u"clear faults"_s);
}

void LiveSource::drain(const QString& url) {
    for (const Server& s : m_servers)
        if (s.config.url == url) {
            sendAdmin(s, "POST", u"/v1/admin/drain"_s, {}, u"drain"_s);
            return;
        }
    emit commandFailed(u"drain"_s, url + u": not a watched server"_s);
}

void LiveSource::setTrafficWeight(int /*greenPercent*/) {
    emit commandFailed(u"traffic weight"_s, trafficWeightDisabledReason());
}

}  // namespace pulsco
