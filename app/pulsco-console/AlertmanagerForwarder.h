// Sends the console's alerts to Alertmanager (--alertmanager URL): each
// firing as it fires, each resolve as it resolves, at the wall clock of the
// transition, labelled with the rule (alertname), its severity, service
// "pulsco" and the console's source. Alerts of a drill go out only when the
// trainer asked for them (--alertmanager-drills), labelled drill="true", so
// an on-call rotation never gets paged by an exercise by accident. The
// delivery status (delivered, or failing and retrying) sits in the status
// bar; nothing here ever blocks the console.
#pragma once

#include "drills/AlertEngine.h"
#include "net/alerts/AlertmanagerClient.h"

#include <QHash>
#include <QLabel>
#include <QPointer>
#include <QTimer>

namespace pulsco {

class DrillRunner;
class MainWindow;

class AlertmanagerForwarder : public QLabel {
    Q_OBJECT
public:
    AlertmanagerForwarder(MainWindow& window, AlertEngine* engine, DrillRunner* runner,
                          const QUrl& url, bool drillAlerts);
    AlertmanagerClient& client() { return m_client; }

private:
    void forward(const AlertTransition& transition);
    void showStatus();

    MainWindow& m_window;
    AlertEngine* m_engine;
    QPointer<DrillRunner> m_runner;
    bool m_drillAlerts;
    AlertmanagerClient m_client;
    QHash<QString, AlertmanagerAlert> m_firing;  // by rule: what was sent as firing
    QTimer m_tick;                               // the retry countdown
};

}  // namespace pulsco
