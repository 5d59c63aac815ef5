// HAProxy's runtime API (the `stats socket`), asynchronous: one command per
// connection in HAProxy's non-interactive mode (write "command\n", read
// until HAProxy closes), over TCP or a Unix socket. Commands run one at a
// time in the order sent, each with its own deadline (default 3 s), so a
// slow or dead HAProxy never blocks the thread that owns the client (the
// GUI thread in the console).
//
// HAProxy answers its own errors in plain text ("No such server.",
// "Unknown command, ...", "Permission denied" at a level below admin);
// these come back as errors naming the command, never as answers.
#pragma once

#include "net/balancer/HaproxyAddress.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>

class QIODevice;

namespace pulsco {

class HaproxyRuntimeClient : public QObject {
    Q_OBJECT
public:
    // What a command should answer when it worked.
    enum class Expect {
        Nothing,  // `set ...`, `shutdown ...`: an empty answer; any text is HAProxy's error
        Text,     // `get ...`, `show ...`: text, unless it is one of HAProxy's error phrases
    };
    struct Answer {
        quint64 id = 0;
        QString command;
        bool ok = false;
        QString text;   // ok: HAProxy's answer, trailing blank lines removed
        QString error;  // !ok: "haproxy 127.0.0.1:9999: 'get weight x/y': No such backend."
    };
    using Callback = std::function<void(const Answer&)>;

    explicit HaproxyRuntimeClient(HaproxyAddress address, QObject* parent = nullptr);
    ~HaproxyRuntimeClient() override;

    const HaproxyAddress& address() const { return m_address; }
    // Deadline for one command, from its connection attempt to HAProxy's
    // close; at least 1 ms.
    void setTimeoutMs(int ms) { m_timeoutMs = std::max(1, ms); }
    int timeoutMs() const { return m_timeoutMs; }

    // Queues `command` (one line, no ';': the CLI would run the part after
    // it as a second command). The callback (if any) runs once, on this
    // object's thread, after answered/failed. Returns the command's id.
    quint64 send(const QString& command, Expect expect, Callback callback = {});
    // Commands queued or running.
    int pending() const { return int(m_queue.size()) + (m_current ? 1 : 0); }

    // Is `text` one of the error answers HAProxy 2.6 gives in plain text?
    static bool looksLikeHaproxyError(const QString& text);

signals:
    void answered(quint64 id, const QString& command, const QString& text);
    void failed(quint64 id, const QString& command, const QString& error);

private:
    struct Job {
        quint64 id = 0;
        QString command;
        Expect expect = Expect::Text;
        Callback callback;
    };
    void startNext();
    void onConnected();
    void onReadyRead();
    void onClosed();
    void onSocketError(const QString& why);
    void finish(bool ok, const QString& textOrWhy);
    QString errorFor(const QString& command, const QString& why) const;

    HaproxyAddress m_address;
    int m_timeoutMs = 3000;
    quint64 m_nextId = 1;
    std::deque<Job> m_queue;
    std::unique_ptr<Job> m_current;
    QPointer<QIODevice> m_socket;
    QByteArray m_buffer;
    QTimer m_deadline;
};

}  // namespace pulsco
