#include "app/pulsco-console/LiveServersStatus.h"

#include "net/live/LiveSource.h"
#include "net/promsource/PrometheusSource.h"
#include "ui/MainWindow.h"

#include <QStatusBar>

#include <cstdio>

namespace pulsco {

using namespace Qt::StringLiterals;

LiveServersStatus::LiveServersStatus(MainWindow& window)
    : QLabel(&window) {
    setObjectName(u"liveServersStatus"_s);
    setAccessibleName(tr("Live servers"));
    // A long problem must not widen the window past the screen; the tooltip
    // keeps the whole text.
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    setMinimumWidth(200);
    setTextFormat(Qt::PlainText);
    window.statusBar()->addWidget(this, 1);
    hide();
    connect(&window, &MainWindow::sourceChanged, this, &LiveServersStatus::follow);
    follow(window.source());
}

QString LiveServersStatus::describe(const LiveSource& source) {
    QStringList parts;
    for (const LiveSource::ServerStatus& s : source.servers()) {
        if (!s.problem.isEmpty()) {
            parts << u"⚠ "_s + s.problem;
            continue;
        }
        const QString who = s.color.isEmpty() ? s.url : s.color + u' ' + s.url;
        QString how;
        switch (s.mode) {
        case LiveServerLink::Mode::Connecting:
            how = tr("connecting");
            break;
        case LiveServerLink::Mode::Push:
            how = tr("push");
            break;
        case LiveServerLink::Mode::Polling:
            how = tr("polling");
            break;
        }
        if (s.stale && s.dataAgeMs >= 0)
            how += tr(", stale");
        parts << who + u": "_s + how;
    }
    return parts.join(u" · "_s);
}

QString LiveServersStatus::describe(const PrometheusSource& source) {
    // The targets first (blue, green), then what else is wrong: a target
    // that is down is said once, in its own place.
    QStringList parts{u"Prometheus "_s + source.prometheusUrl() + u' ' + source.selector()};
    for (const PrometheusSource::TargetStatus& t : source.targets()) {
        const QString who = t.color.isEmpty() ? t.instance : t.color + u' ' + t.instance;
        parts << who + u": "_s +
                     (!t.known ? tr("not scraped")
                      : t.up   ? tr("up")
                               : tr("down (up == 0)"));
    }
    for (const QString& problem : source.problem().split(u"; "_s, Qt::SkipEmptyParts))
        if (!problem.endsWith(u"(up == 0)"_s))
            parts << u"⚠ "_s + problem;
    return parts.join(u" · "_s);
}

void LiveServersStatus::refreshPrometheus() {
    if (!m_prometheus)
        return;
    const QString text = describe(*m_prometheus);
    if (text != m_loggedPrometheus) {
        std::fprintf(stderr, "pulsco-console: prometheus: %s\n", text.toUtf8().constData());
        m_loggedPrometheus = text;
    }
    if (text == this->text())
        return;
    setText(text);
    setToolTip(text);
    setStyleSheet(m_prometheus->problem().isEmpty() ? QString()
                                                    : u"color: #b00020; font-weight: bold"_s);
}

void LiveServersStatus::follow(Source* source) {
    if (m_source)
        m_source->disconnect(this);
    if (m_prometheus)
        m_prometheus->disconnect(this);
    m_source = qobject_cast<LiveSource*>(source);
    m_prometheus = qobject_cast<PrometheusSource*>(source);
    m_logged.clear();
    m_loggedPrometheus.clear();
    setVisible(m_source != nullptr || m_prometheus != nullptr);
    if (m_prometheus) {
        connect(m_prometheus.data(), &PrometheusSource::refreshed, this,
                &LiveServersStatus::refreshPrometheus);
        refreshPrometheus();
        return;
    }
    if (!m_source) {
        clear();
        return;
    }
    connect(m_source.data(), &LiveSource::serversChanged, this, &LiveServersStatus::refresh);
    // The first snapshot of a server changes no status: it is logged here.
    connect(m_source.data(), &Source::snapshotReady, this, &LiveServersStatus::logChanges);
    refresh();
}

void LiveServersStatus::logChanges() {
    if (!m_source)
        return;
    const auto print = [](const QString& line) {
        std::fprintf(stderr, "pulsco-console: live: %s\n", line.toUtf8().constData());
    };
    for (const LiveSource::ServerStatus& s : m_source->servers()) {
        Logged& logged = m_logged[s.url];
        const QString who = s.color.isEmpty() ? s.url : s.color + u' ' + s.url;
        if (!s.problem.isEmpty() && s.problem != logged.problem)
            print(s.problem);  // names the URL and why
        logged.problem = s.problem;
        const SnapshotPtr latest = m_source->latestOf(s.url);
        const bool receiving = !s.stale && latest;
        if (receiving && !logged.receiving)
            print(who + u": receiving data (t=%1 s)"_s.arg(latest->timeSeconds, 0, 'f', 1));
        else if (!receiving && logged.receiving)
            print(who + u": no current data"_s);
        logged.receiving = receiving;
    }
}

void LiveServersStatus::refresh() {
    if (!m_source)
        return;
    logChanges();
    const QString text = describe(*m_source);
    if (text == this->text())
        return;
    setText(text);
    setToolTip(text);
    bool problem = false;
    for (const LiveSource::ServerStatus& s : m_source->servers())
        problem = problem || !s.problem.isEmpty();
    setStyleSheet(problem ? u"color: #b00020; font-weight: bold"_s : QString());
}

}  // namespace pulsco
