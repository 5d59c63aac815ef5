// Builds the traffic controller a live server set asks for (HAProxy's
// runtime API, a webhook, or none: manual confirmation) and hands it to the
// rollout session and the drill runner whenever the source changes (a drill's
// rollback and drain move the same traffic). The controller lives as long
// as the source it was made for; the simulator needs none (it moves its own
// players).
#pragma once

#include "bridge/TrafficController.h"
#include "bridge/TrafficControllerConfig.h"

#include <QObject>
#include <QPointer>

namespace pulsco {

class DrillRunner;
class MainWindow;
class RolloutSession;

class ConsoleTrafficControllers : public QObject {
    Q_OBJECT
public:
    ConsoleTrafficControllers(MainWindow& window, RolloutSession& session, DrillRunner* drills);

    TrafficController* current() const { return m_controller; }
    // The controller `config` describes, not yet started; nullptr for Manual,
    // or when the config is wrong (*error names the field).
    static TrafficController* create(const TrafficControllerConfig& config, QObject* parent,
                                     QString* error);

private:
    void onSourceChanged();

    MainWindow& m_window;
    RolloutSession& m_session;
    QPointer<DrillRunner> m_drills;
    QPointer<TrafficController> m_controller;
};

}  // namespace pulsco
