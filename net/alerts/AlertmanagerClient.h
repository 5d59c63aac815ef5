// Delivers alerts to Alertmanager's API (POST /api/v2/alerts): firing ones
// with their start, resolved ones with their end. Asynchronous, never
// blocking its caller: an alert changed while Alertmanager is unreachable
// waits in an outbox (one entry per alert, the latest state wins, so it is
// bounded by the number of alerts) and is retried with backoff (1 s
// doubling to 30 s); the status says what happened last. Firing alerts are
// sent again every resend interval (30 s), as Alertmanager expects of its
// clients: one it no longer hears about resolves by itself after its
// resolve_timeout.
#pragma once

#include <QDateTime>
#include <QElapsedTimer>
#include <QMap>
#include <QNetworkAccessManager>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <optional>

namespace pulsco {

struct AlertmanagerAlert {
    QMap<QString, QString> labels;  // alertname, severity, ... (identity)
    QMap<QString, QString> annotations;
    QDateTime startsAt;
    std::optional<QDateTime> endsAt;  // set: resolved at that time
    QString generatorUrl;
    bool resolved() const { return endsAt.has_value(); }
};

// The JSON body of POST /api/v2/alerts for `alerts`.
QByteArray alertmanagerPayload(const QList<AlertmanagerAlert>& alerts);

class AlertmanagerClient : public QObject {
    Q_OBJECT
public:
    // "http://host:9093" (a path prefix is kept: "http://h/am"). nullopt and
    // *error ("--alertmanager: ... (got '...')") otherwise.
    static std::optional<QUrl> parseUrl(const QString& text, QString* error);

    explicit AlertmanagerClient(QUrl baseUrl, QObject* parent = nullptr);

    // Queues the alert's current state for delivery (now, or when the last
    // request is done). Identity is the label set.
    void send(const AlertmanagerAlert& alert);

    struct Status {
        qint64 deliveredAtMs = 0;  // wall clock of the last accepted POST; 0: none yet
        int delivered = 0;         // alert states accepted so far
        QString lastError;         // "" when the last attempt was accepted
        int waiting = 0;           // alert states not delivered yet
        qint64 nextAttemptMs = 0;  // wall clock of the next retry while failing
    };
    Status status() const { return m_status; }
    // "Alertmanager: 3 delivered, last 12:04:05" / "Alertmanager: failing
    // (Connection refused), 2 waiting, retry in 4 s".
    QString statusText() const;
    const QUrl& url() const { return m_url; }

    void setResendIntervalMs(int ms) { m_resend.setInterval(ms); }
    void setMaxBackoffMs(int ms) { m_maxBackoffMs = ms; }

signals:
    void statusChanged();

private:
    static QString keyOf(const AlertmanagerAlert& alert);
    void flush();
    void finished(class QNetworkReply* reply, int count);

    QUrl m_url;
    QNetworkAccessManager m_network;
    QMap<QString, AlertmanagerAlert> m_outbox;  // by identity, the latest state
    QMap<QString, AlertmanagerAlert> m_firing;  // re-sent every interval
    bool m_inFlight = false;
    QTimer m_retry;
    QTimer m_resend;
    int m_backoffMs = 0;
    int m_maxBackoffMs = 30000;
    Status m_status;
};

}  // namespace pulsco
