// Turns SIGTERM/SIGINT into a Qt signal through a self-pipe, so the handler
// does nothing but write one byte (async-signal-safe) and the real work runs
// on the event loop.
#pragma once

#include <QObject>

class QSocketNotifier;

namespace pulsco {

class UnixSignalWatcher : public QObject {
    Q_OBJECT
public:
    // Installs handlers for `signals` (e.g. SIGTERM, SIGINT). One instance per process.
    explicit UnixSignalWatcher(std::initializer_list<int> signalNumbers, QObject* parent = nullptr);
    ~UnixSignalWatcher() override;

signals:
    void received(int signalNumber);

private:
    void onReadable();
    QSocketNotifier* m_notifier = nullptr;
};

}  // namespace pulsco
