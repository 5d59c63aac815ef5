// The status bar's per-server line while the console watches live servers:
// each server's colour, how its data arrives, and, when it misbehaves, the
// problem naming the server and why (a reply too large, garbage, a dropped
// or too-slow connection, an untrusted certificate). Hidden for the
// simulator. Lives in app/ because ui/ never sees the live client.
//
// It also writes one stderr line per change in a server's link, so a console
// run without anyone watching the window (--quit-after, scripts, the live
// tests) says what happened (docs/console.md):
//   pulsco-console: live: green http://127.0.0.1:8081: receiving data (t=12.0 s)
//   pulsco-console: live: http://127.0.0.1:8081/v1/events: connection closed (…)
//   pulsco-console: live: https://…/v1/info: TLS certificate not accepted: …
//   pulsco-console: live: green http://127.0.0.1:8081: no current data
#pragma once

#include <QHash>
#include <QLabel>
#include <QPointer>

namespace pulsco {

class LiveSource;
class MainWindow;
class PrometheusSource;
class Source;

class LiveServersStatus : public QLabel {
    Q_OBJECT
public:
    // Adds itself to `window`'s status bar and follows its source.
    explicit LiveServersStatus(MainWindow& window);

    // "blue http://127.0.0.1:8080: push · ⚠ http://…/v1/stats: reply larger…"
    static QString describe(const LiveSource& source);
    // "Prometheus http://…:9090 · blue 127.0.0.1:8081: up · green …: down"
    static QString describe(const PrometheusSource& source);

private:
    void follow(Source* source);
    void refresh();
    void logChanges();

    struct Logged {
        bool receiving = false;
        QString problem;
    };
    void refreshPrometheus();
    QPointer<LiveSource> m_source;
    QPointer<PrometheusSource> m_prometheus;
    QString m_loggedPrometheus;       // the last line written to stderr
    QHash<QString, Logged> m_logged;  // by server URL
};

}  // namespace pulsco
