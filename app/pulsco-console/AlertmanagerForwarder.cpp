#include "app/pulsco-console/AlertmanagerForwarder.h"

#include "bridge/Source.h"
#include "drills/DrillRunner.h"
#include "ui/MainWindow.h"

#include <QStatusBar>

using namespace Qt::StringLiterals;

namespace pulsco {

AlertmanagerForwarder::AlertmanagerForwarder(MainWindow& window, AlertEngine* engine,
                                             DrillRunner* runner, const QUrl& url, bool drillAlerts)
    : QLabel(&window)
    , m_window(window)
    , m_engine(engine)
    , m_runner(runner)
    , m_drillAlerts(drillAlerts)
    , m_client(url) {
    setObjectName(u"alertmanagerStatus"_s);
    setAccessibleName(tr("Alertmanager"));
    setTextFormat(Qt::PlainText);
    window.statusBar()->addPermanentWidget(this);
    connect(engine, &AlertEngine::transitioned, this, &AlertmanagerForwarder::forward);
    connect(&m_client, &AlertmanagerClient::statusChanged, this,
            &AlertmanagerForwarder::showStatus);
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &AlertmanagerForwarder::showStatus);
    m_tick.start();
    showStatus();
}

void AlertmanagerForwarder::forward(const AlertTransition& t) {
    const bool drill = m_runner && m_runner->isRunning();
    if (drill && !m_drillAlerts)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (t.to == AlertState::Firing) {
        AlertmanagerAlert a;
        a.labels = {{u"alertname"_s, t.rule},
                    {u"severity"_s, toString(t.severity)},
                    {u"service"_s, u"pulsco"_s}};
        if (const Source* source = m_window.source())
            a.labels.insert(u"console_source"_s, source->displayName());
        if (drill) {
            a.labels.insert(u"drill"_s, u"true"_s);
            // Which drill, so the on-call tools can route rehearsals apart.
            if (const DrillSession* session = m_runner->session())
                a.labels.insert(u"drill_name"_s, session->drill().name);
        }
        for (const AlertRule& rule : m_engine->rules())
            if (rule.name == t.rule) {
                a.annotations.insert(u"summary"_s, rule.summary);
                a.annotations.insert(u"condition"_s, rule.conditionText());
                if (!rule.runbook.isEmpty())
                    a.annotations.insert(u"runbook"_s, rule.runbook);
            }
        if (!t.detail.isEmpty())
            a.annotations.insert(u"description"_s, t.detail);
        a.startsAt = now;
        m_firing.insert(t.rule, a);
        m_client.send(a);
        return;
    }
    // Any way out of firing (resolved by itself or by an operator) ends it,
    // with the labels it fired with.
    if (t.from == AlertState::Firing && m_firing.contains(t.rule)) {
        AlertmanagerAlert a = m_firing.take(t.rule);
        a.endsAt = now;
        if (!t.note.isEmpty())
            a.annotations.insert(u"resolve_note"_s, t.note);
        m_client.send(a);
    }
}

void AlertmanagerForwarder::showStatus() {
    const QString text = m_client.statusText();
    setText(text);
    setToolTip(m_client.url().toString() + u"\n"_s + text);
}

}  // namespace pulsco
