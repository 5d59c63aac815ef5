// The extra players of a player_surge on live servers. A server cannot make
// players, so on a staging stack the drill starts real ones: pulsco-sim
// --target, as a child process, against the stack's balancer (or its
// servers), and stops them when the surge ends. The simulator needs none of
// this: its surge multiplies arrivals in the engine (one fault model, two
// ways to play it).
//
// Bounded: the extra players are the stack's usual population x
// (multiplier - 1), at most `maxExtraPlayers`, so a x10 surge on a two-core
// machine loads the servers rather than the load generator itself. The
// surge says when the bound cut it.
//
// Copyright the Pulsco authors. SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>

namespace pulsco {

struct SurgeLoadConfig {
    QString simProgram;     // pulsco-sim
    QStringList targets;    // URLs; one URL with `balancer` is the stack's HAProxy
    bool balancer = false;  // pulsco-sim --balancer
    QString scenario = QStringLiteral("baseline-1000");  // how the extra players behave
    int usualPlayers = 1000;                             // the stack's population without a surge
    int maxExtraPlayers = 2000;
};

class SurgeLoad : public QObject {
    Q_OBJECT
public:
    explicit SurgeLoad(SurgeLoadConfig config, QObject* parent = nullptr);
    ~SurgeLoad() override;

    const SurgeLoadConfig& config() const { return m_config; }
    // The extra players a surge of `multiplier` starts (after the bound).
    int extraPlayersFor(double multiplier) const;
    // Starts the extra players; "" when the process started, else why not.
    // A surge already running is replaced.
    QString start(double multiplier);
    // Stops them (SIGTERM, then SIGKILL after 3 s); nothing when none runs.
    void stop();
    bool running() const { return m_process.state() != QProcess::NotRunning; }
    int extraPlayers() const { return m_extra; }
    // What start() did, for the drill's timeline, e.g. "2000 extra players
    // from pulsco-sim --scenario baseline-1000 against http://…; 4000
    // wanted, bounded to 2000 on this machine".
    QString description() const { return m_description; }

signals:
    // The extra players stopped without stop() (pulsco-sim exited or
    // crashed): the surge is over, and why.
    void endedByItself(const QString& why);

private:
    SurgeLoadConfig m_config;
    QProcess m_process;
    QTimer m_killTimer;
    int m_extra = 0;
    bool m_stopping = false;
    QString m_description;
    QByteArray m_lastOutput;  // the tail of pulsco-sim's output, for the error
};

}  // namespace pulsco
