// The status bar's per-server line while the console watches live servers:
// each server's colour, how its data arrives, and, when it misbehaves, the
// problem naming the server and why (a reply too large, garbage, a dropped
// or too-slow connection, an untrusted certificate). Hidden for the
// simulator. Lives in app/ because ui/ never sees the live client.
#pragma once

#include <QLabel>
#include <QPointer>

namespace pulsco {

class LiveSource;
class MainWindow;
class Source;

class LiveServersStatus : public QLabel {
    Q_OBJECT
public:
    // Adds itself to `window`'s status bar and follows its source.
    explicit LiveServersStatus(MainWindow& window);

    // "blue http://127.0.0.1:8080: push · ⚠ http://…/v1/stats: reply larger…"
    static QString describe(const LiveSource& source);

private:
    void follow(Source* source);
    void refresh();

    QPointer<LiveSource> m_source;
};

}  // namespace pulsco
