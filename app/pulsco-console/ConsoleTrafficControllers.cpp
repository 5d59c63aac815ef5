#include "app/pulsco-console/ConsoleTrafficControllers.h"

#include "drills/DrillRunner.h"
#include "net/balancer/HaproxyTrafficController.h"
#include "rollout/RolloutSession.h"
#include "rollout/WebhookTrafficController.h"
#include "ui/MainWindow.h"

#include <QStatusBar>

using namespace Qt::StringLiterals;

namespace pulsco {

ConsoleTrafficControllers::ConsoleTrafficControllers(MainWindow& window, RolloutSession& session,
                                                     DrillRunner* drills)
    : QObject(&window)
    , m_window(window)
    , m_session(session)
    , m_drills(drills) {
    connect(&window, &MainWindow::sourceChanged, this, &ConsoleTrafficControllers::onSourceChanged);
    onSourceChanged();
}

TrafficController* ConsoleTrafficControllers::create(const TrafficControllerConfig& config,
                                                     QObject* parent, QString* error) {
    if (const QString why = config.validate(); !why.isEmpty()) {
        *error = why;
        return nullptr;
    }
    switch (config.kind) {
    case TrafficControllerConfig::Kind::Manual:
        return nullptr;
    case TrafficControllerConfig::Kind::Haproxy: {
        std::unique_ptr<HaproxyTrafficController> haproxy = HaproxyTrafficController::create(
            config.haproxyAddress, config.haproxyBackend, config.haproxyBlueServer,
            config.haproxyGreenServer, error);
        if (!haproxy)
            return nullptr;
        haproxy->setSpareServer(config.haproxySpareServer);
        haproxy->setParent(parent);
        haproxy->startPolling();  // per-server counters: the share at the balancer
        return haproxy.release();
    }
    case TrafficControllerConfig::Kind::Webhook: {
        WebhookSettings settings;
        settings.url = config.webhookUrl;
        settings.bearerToken = config.webhookToken;
        return new WebhookTrafficController(settings, parent);
    }
    }
    return nullptr;
}

void ConsoleTrafficControllers::onSourceChanged() {
    m_session.setTrafficController(nullptr);
    if (m_drills)
        m_drills->setTrafficController(nullptr);
    delete m_controller;
    Source* source = m_window.source();
    if (!source || source->kind() != Source::Kind::Live)
        return;
    QString error;
    m_controller = create(m_window.sourceRequest().traffic, this, &error);
    if (!error.isEmpty())
        m_window.statusBar()->showMessage(
            tr("Traffic controller: %1; switches are confirmed by hand").arg(error), 30000);
    m_session.setTrafficController(m_controller);
    if (m_drills)
        m_drills->setTrafficController(m_controller);
}

}  // namespace pulsco
