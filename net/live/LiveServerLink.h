// One watched pulsco-matchd: learns its identity from /v1/info, listens to
// /v1/events (WebSocket push) or polls /v1/stats when the WebSocket is
// refused, reconnects with backoff, and says how old its data is. A server
// that went away is picked up again without anyone asking.
#pragma once

#include "bridge/Source.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QString>
#include <QTimer>

class QNetworkAccessManager;
class QNetworkReply;
class QWebSocket;

namespace pulsco {

class LiveServerLink : public QObject {
    Q_OBJECT
public:
    enum class Mode { Connecting, Push, Polling };
    Q_ENUM(Mode)

    // Data older than this is stale (the bar: marked within 3 s).
    static constexpr qint64 kStaleAfterMs = 3000;
    // No HTTP reply or WebSocket message may be larger: a broken or hostile
    // server must not make the console buffer without bound.
    static constexpr qint64 kMaxMessageBytes = 8 * 1024 * 1024;
    // A reply that trickles in (each byte resets Qt's transfer timeout) is
    // cut off after this long in total.
    static constexpr int kReplyDeadlineMs = 5000;

    LiveServerLink(QString baseUrl, QNetworkAccessManager* network, QObject* parent = nullptr);
    ~LiveServerLink() override;

    void start();
    void stop();

    const QString& baseUrl() const { return m_baseUrl; }
    QString color() const { return m_color; }  // "" until /v1/info answered
    // "staging" or "production" from /v1/info ("" until it answered; a
    // server from before --environment says nothing and is staging).
    QString environment() const { return m_environment; }
    // "pulsco-matchd 0.1.0, started 2026-12-03T14:00:00Z" from /v1/info.
    QString identity() const { return m_identity; }
    Mode mode() const { return m_mode; }
    bool adminEnabled() const { return m_adminEnabled; }
    bool stale() const { return m_stale; }
    // Milliseconds since the last data arrived; -1 before any.
    qint64 dataAgeMs() const { return m_everData ? m_lastData.elapsed() : -1; }
    SnapshotPtr latest() const { return m_latest; }
    // Why the link is not live right now (last network error), "" when it is.
    const QString& problem() const { return m_problem; }
    // Readiness probes (GET /readyz) every this many ms; an answer slower
    // than the period is not ready. Tests compress it.
    static constexpr int kProbeIntervalMs = 2000;
    void setProbeIntervalMs(int ms);
    // Test and diagnostics knob: skip the WebSocket and poll.
    void setPushAllowed(bool allowed) { m_pushAllowed = allowed; }
    // Extra trusted certificate authorities for https:// and wss:// (a
    // staging server's self-signed certificate); the system's stay trusted.
    void setCaCertificates(const QList<QSslCertificate>& certificates);

signals:
    void snapshotReceived(pulsco::SnapshotPtr snapshot);
    void eventsReceived(pulsco::LogEventBatch events);
    void statusChanged();
    // One readiness probe's answer, taken at `atUnixMs`: ready is a 200
    // from /readyz; a refusal, a 503, no answer in time are not ready
    // (`reason` says which, naming the URL).
    void readinessProbed(qint64 atUnixMs, bool ready, const QString& reason);

private:
    QNetworkReply* get(const QString& path);
    QString replyProblem(QNetworkReply* reply, const QString& path) const;
    void setProblem(const QString& problem);
    void requestInfo();
    void onInfo(QNetworkReply* reply);
    void openPush();
    void onPushMessage(const QString& text);
    void poll();
    void probeReadiness();
    void onPoll(QNetworkReply* reply);
    void lost(const QString& why);
    void scheduleReconnect();
    void acceptSnapshot(SnapshotPtr snapshot);
    void checkStaleness();
    void setStale(bool stale);

    QString m_baseUrl;
    QNetworkAccessManager* m_network;
    QWebSocket* m_socket = nullptr;
    QTimer m_reconnect;
    QTimer m_pollTimer;
    QTimer m_staleCheck;
    QTimer m_probeTimer;
    QPointer<QNetworkReply> m_probe;
    QElapsedTimer m_lastData;
    QPointer<QNetworkReply> m_pending;
    QString m_pendingProblem;  // why we aborted m_pending ourselves
    QString m_sslProblem;      // certificate errors of the last TLS handshake
    QString m_closeReason;     // why we closed the WebSocket ourselves
    QList<QSslCertificate> m_caCertificates;
    QString m_color;
    QString m_environment;
    QString m_identity;
    QString m_problem;
    SnapshotPtr m_latest;
    Mode m_mode = Mode::Connecting;
    int m_backoffMs = 0;
    quint64 m_lastSeq = 0;
    bool m_running = false;
    bool m_everData = false;
    bool m_stale = false;
    bool m_adminEnabled = false;
    bool m_pushAllowed = true;
};

}  // namespace pulsco
