#include "net/promsource/PrometheusSource.h"

#include "bridge/HttpUrl.h"
#include "net/live/LiveSource.h"
#include "net/live/ServerEnvironments.h"
#include "net/live/SnapshotMerge.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSet>
#include <QSslConfiguration>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

QString readOnlyReason() {
    return u"read through Prometheus: faults and drain need the servers' admin API; connect to "
           "the servers themselves for them (File › Connect…, or --connect)"_s;
}

double nowUnixSeconds() {
    // Milliseconds: the evaluation time is sent with three decimals and the
    // answers' points are matched to it.
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

}  // namespace

PrometheusSource::PrometheusSource(PrometheusSourceConfig config, QObject* parent)
    : Source(parent)
    , m_config(std::move(config))
    , m_network(new QNetworkAccessManager(this))
    , m_queries(dashboardQueries(m_config.selector)) {
    m_timer.setInterval(kRefreshMs);
    connect(&m_timer, &QTimer::timeout, this, &PrometheusSource::refresh);
}

PrometheusSource::~PrometheusSource() {
    m_inFlight.reset();  // the aborts below finish no batch
    for (const QPointer<QNetworkReply>& reply : std::as_const(m_replies))
        if (reply)
            reply->abort();
}

QString PrometheusSource::checkUrl(const QString& text) {
    const QUrl url(text, QUrl::StrictMode);
    if (!isHttpUrlWithHost(url))
        return text + u": must be an http:// or https:// URL with a host, e.g. "
                      "http://127.0.0.1:9090"_s;
    if (url.hasQuery() || url.hasFragment())
        return text + u": must not have a query or fragment"_s;
    if (url.path().contains(u"/api/"))
        return text + u": give Prometheus' base URL (the console adds /api/v1/…)"_s;
    return {};
}

void PrometheusSource::setRefreshIntervalMs(int ms) {
    m_timer.setInterval(ms);
}

QString PrometheusSource::displayName() const {
    return u"Prometheus · "_s + m_config.url + u' ' + m_config.selector;
}

QString PrometheusSource::serverIdentities() const {
    QStringList parts;
    for (const PromTarget& t : m_known) {
        QString part = t.instance;
        if (!t.color.isEmpty())
            part = t.color + u' ' + part + u' ' +
                   (t.environment.isEmpty() ? u"staging"_s : t.environment);
        parts << part;
    }
    return parts.join(u"; "_s) +
           u" (through Prometheus %1 %2)"_s.arg(m_config.url, m_config.selector);
}

Source::Capabilities PrometheusSource::capabilities() const {
    Capabilities c;
    c.faultsDisabledReason = readOnlyReason();
    return c;
}

QList<PrometheusSource::TargetStatus> PrometheusSource::targets() const {
    QList<TargetStatus> out;
    for (const PromTarget& t : m_known)
        out.append({t.instance, t.color, t.up.value_or(false), t.up.has_value()});
    // Blue, green, then targets without a colour: the order people read.
    const auto rank = [](const QString& color) {
        return color == u"blue" ? 0 : color == u"green" ? 1 : 2;
    };
    std::stable_sort(out.begin(), out.end(), [&rank](const TargetStatus& a, const TargetStatus& b) {
        return rank(a.color) < rank(b.color);
    });
    return out;
}

void PrometheusSource::start() {
    if (m_running)
        return;
    m_running = true;
    m_peaks.reset();
    m_lastParts.clear();
    setState(State::Starting);
    const double now = nowUnixSeconds();
    m_originUnixSeconds = now - m_historySeconds;
    m_lastPublishedAt = 0;
    if (m_historySeconds > 0) {
        // The history first, then the live refreshes (the timer starts when
        // the history's batch is done, so the two never interleave).
        auto batch = std::make_shared<Batch>();
        batch->range = true;
        batch->rangeFrom = std::ceil(m_originUnixSeconds);
        batch->atUnixSeconds = std::floor(now);
        runBatch(batch);
    } else {
        refresh();
        m_timer.start();
    }
}

void PrometheusSource::stop() {
    if (!m_running)
        return;
    m_running = false;
    m_timer.stop();
    m_inFlight.reset();
    for (const QPointer<QNetworkReply>& reply : std::as_const(m_replies))
        if (reply)
            reply->abort();
    m_replies.clear();
    setState(State::Stopped);
}

void PrometheusSource::refresh() {
    if (!m_running || m_inFlight)
        return;
    auto batch = std::make_shared<Batch>();
    batch->atUnixSeconds = std::round(nowUnixSeconds() * 1000.0) / 1000.0;
    runBatch(batch);
}

void PrometheusSource::runBatch(const std::shared_ptr<Batch>& batch) {
    m_inFlight = batch;
    batch->clock.start();
    batch->pending = int(m_queries.size());
    m_replies.clear();
    const QString base = m_config.url.endsWith(u'/') ? m_config.url.chopped(1) : m_config.url;
    for (std::size_t i = 0; i < m_queries.size(); ++i) {
        const PromQuerySpec& q = m_queries[i];
        // Built by hand: QUrlQuery leaves '+' as is, which Prometheus (Go)
        // would read as a space.
        const auto encoded = [](const QString& v) {
            return QString::fromLatin1(QUrl::toPercentEncoding(v));
        };
        QString path = u"/api/v1/query?query="_s + encoded(q.promql);
        if (batch->range) {
            path = u"/api/v1/query_range?query="_s + encoded(q.promql) + u"&start="_s +
                   QString::number(batch->rangeFrom, 'f', 3) + u"&end="_s +
                   QString::number(batch->atUnixSeconds, 'f', 3) + u"&step="_s +
                   QString::number(kHistoryStepSeconds);
        } else {
            path += u"&time="_s + QString::number(batch->atUnixSeconds, 'f', 3);
        }
        const QUrl url(base + path, QUrl::TolerantMode);
        QNetworkRequest request(url);
        request.setTransferTimeout(kQueryTimeoutMs);
        if (!m_config.caCertificates.isEmpty()) {
            QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
            ssl.addCaCertificates(m_config.caCertificates);
            request.setSslConfiguration(ssl);
        }
        QNetworkReply* reply = m_network->get(request);
        reply->setReadBufferSize(kMaxAnswerBytes + 64 * 1024);
        m_replies << reply;
        const QString what = u"Prometheus %1 %2 `%3`"_s.arg(
            m_config.url, batch->range ? u"query_range"_s : u"query"_s, q.promql);
        connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 got, qint64 total) {
            if (got > kMaxAnswerBytes || total > kMaxAnswerBytes)
                reply->abort();
        });
        connect(reply, &QNetworkReply::finished, this,
                [this, batch, i, reply, what] { finishQuery(batch, int(i), reply, what); });
    }
}

void PrometheusSource::finishQuery(const std::shared_ptr<Batch>& batch, int index,
                                   QNetworkReply* reply, const QString& what) {
    reply->deleteLater();
    if (batch != m_inFlight)
        return;  // stopped, or a batch given up on
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    QString failure;
    if (body.size() > kMaxAnswerBytes) {
        failure = what + u": answer larger than the %1 MiB cap"_s.arg(kMaxAnswerBytes >> 20);
    } else if (reply->error() != QNetworkReply::NoError && status == 0) {
        // No HTTP answer at all: refused, unreachable, timed out, TLS.
        failure = what + u": "_s + reply->errorString();
    } else {
        PromQueryError error;
        auto result = parsePromQueryResponse(body, status, what, &error);
        if (result)
            batch->answers[std::size_t(index)] = std::move(result);
        else
            failure = error.message;
    }
    if (!failure.isEmpty() && batch->error.isEmpty())
        batch->error = failure;
    if (--batch->pending == 0)
        onBatchDone(batch);
}

void PrometheusSource::onBatchDone(const std::shared_ptr<Batch>& batch) {
    m_inFlight.reset();
    m_replies.clear();
    // Counted before the state is worked out: a first refresh that failed
    // leaves the source stale, not still starting.
    ++m_refreshesDone;
    if (!batch->error.isEmpty()) {
        // A failed query leaves the refresh's figures incomplete: none of
        // them is shown as current (the last snapshot stays, marked stale).
        setProblem(batch->error);
    } else if (batch->range) {
        for (double t = batch->rangeFrom; t <= batch->atUnixSeconds + 1e-6;
             t += kHistoryStepSeconds) {
            publish(buildPromSnapshots(batch->answers, t, m_originUnixSeconds, m_known),
                    /*live=*/false);
        }
    } else {
        publish(
            buildPromSnapshots(batch->answers, batch->atUnixSeconds, m_originUnixSeconds, m_known),
            /*live=*/true);
    }
    m_lastRefreshMs = double(batch->clock.nsecsElapsed()) / 1e6;
    if (batch->range) {
        // The history says nothing of the present (a target up ten minutes
        // ago): the first live refresh, right now, does.
        if (m_running) {
            m_timer.start();
            refresh();
        }
        return;
    }
    emit refreshed();
}

void PrometheusSource::publish(const PromBuild& build, bool live) {
    const bool targetsChanged = [&] {
        if (build.targets.size() != m_known.size())
            return true;
        for (auto it = build.targets.begin(); it != build.targets.end(); ++it) {
            const PromTarget& before = m_known.value(it.key());
            if (before.color != it->color || before.up != it->up)
                return true;
        }
        return false;
    }();
    m_known = build.targets;
    m_anyDown = false;
    for (const PromTarget& t : std::as_const(m_known))
        m_anyDown = m_anyDown || !t.up.value_or(false);

    QStringList problems = build.problems;
    if (m_known.isEmpty())
        problems << u"Prometheus %1 has no target matching %2 (up%2 is empty): check the "
                    "selector and the scrape config (docs/prometheus.md)"_s.arg(m_config.url,
                                                                                m_config.selector);
    std::vector<ColoredSnapshot> parts;
    std::vector<ServerEnvironment> environments;
    QSet<QString> fresh;
    for (const auto& [color, snapshot] : build.parts) {
        parts.push_back({color, snapshot});
        environments.push_back({QString::fromStdString(snapshot->source), snapshot->environment});
        fresh.insert(QString::fromStdString(snapshot->source));
        m_lastParts.insert(QString::fromStdString(snapshot->source), {color, snapshot});
    }
    const std::vector<ColoredSnapshot> freshParts = parts;
    // A target Prometheus lost keeps its last figures in the merge, as a
    // server watched directly does (the source is stale meanwhile): its
    // colour's counts since start do not drop to nothing. They raise no peak.
    for (auto it = m_lastParts.begin(); it != m_lastParts.end(); ++it)
        if (!fresh.contains(it.key()) && m_known.contains(it.key()))
            parts.push_back(*it);
    QString conflict;
    m_environmentConflict = false;
    if (!parts.empty() && !commonEnvironment(environments, &conflict)) {
        // Evidence of two environments is refused whole, as for servers
        // watched directly.
        m_environmentConflict = true;
        m_merged = nullptr;
        problems.prepend(conflict);
    }
    // The history's steps show figures; only the present says what is wrong.
    if (live)
        setProblem(problems.join(u"; "_s));
    if (live && targetsChanged)
        emit this->targetsChanged();
    if (parts.empty() || m_environmentConflict) {
        updateState();
        return;
    }
    MetricsSnapshot merged = mergeServerSnapshots(parts);
    m_peaks.observe(freshParts.size() == parts.size() ? merged : mergeServerSnapshots(freshParts));
    m_peaks.apply(merged);
    merged.sequence = ++m_sequence;
    if (m_appliedWeight) {
        merged.green.requestedWeightPercent = *m_appliedWeight;
        merged.blue.requestedWeightPercent = 100 - *m_appliedWeight;
    }
    m_merged = std::make_shared<const MetricsSnapshot>(std::move(merged));
    updateState();
    emit snapshotReady(m_merged);
}

void PrometheusSource::setProblem(const QString& problem) {
    m_problem = problem;
    if (problem != m_reportedProblem) {
        LogEvent event;
        event.wallTimeUnixMs = double(QDateTime::currentMSecsSinceEpoch());
        event.timeSeconds = m_merged ? m_merged->timeSeconds : 0;
        if (!problem.isEmpty()) {
            event.kind = LogEventKind::Error;
            event.text = problem.toStdString();
        } else {
            event.kind = LogEventKind::Info;
            event.text = QString(u"Prometheus "_s + m_config.url + u": receiving data again"_s)
                             .toStdString();
        }
        if (!problem.isEmpty() || !m_reportedProblem.isEmpty())
            emit eventsReady(std::make_shared<std::vector<LogEvent>>(1, std::move(event)));
        m_reportedProblem = problem;
    }
    updateState();
}

void PrometheusSource::updateState() {
    if (!m_running)
        return;
    if (m_environmentConflict)
        setState(State::Failed);
    else if (!m_problem.isEmpty() || m_anyDown)
        setState(m_merged || m_refreshesDone > 0 ? State::Stale : State::Starting);
    else
        setState(m_merged ? State::Running : State::Starting);
}

void PrometheusSource::setState(State state) {
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void PrometheusSource::injectFault(const FaultSpec& /*fault*/) {
    emit commandFailed(u"inject fault"_s, readOnlyReason());
}

void PrometheusSource::clearFaults() {
    emit commandFailed(u"clear faults"_s, readOnlyReason());
}

void PrometheusSource::setTrafficWeight(int /*greenPercent*/) {
    emit commandFailed(u"traffic weight"_s, LiveSource::trafficWeightDisabledReason());
}

}  // namespace pulsco
