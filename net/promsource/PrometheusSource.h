// The console's Source over a Prometheus server that scrapes pulsco-matchd
// (pulsco-console --prometheus URL [--selector '{job="pulsco"}']): every
// refresh runs the dashboard's PromQL queries (PromSnapshotBuilder.h) over
// /api/v1/query at one evaluation time, builds a snapshot per scraped
// server, tells blue from green by pulsco_info's `color` label and merges
// them as for servers watched directly (net/live/SnapshotMerge.h). On
// connect, /api/v1/query_range fills the charts' history.
//
// Read-only: faults, drain and weights go to the servers or the traffic
// controller, never through Prometheus. A target Prometheus cannot scrape
// (up == 0), a failed query or no target at all make the source Stale, with
// the reason (Prometheus' own errorType and error for a query it refused).
#pragma once

#include "bridge/Source.h"
#include "net/live/MergedPeaks.h"
#include "net/live/SnapshotMerge.h"
#include "net/promsource/PromSnapshotBuilder.h"

#include <QElapsedTimer>
#include <QList>
#include <QPointer>
#include <QSslCertificate>
#include <QTimer>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace pulsco {

struct PrometheusSourceConfig {
    QString url;  // Prometheus' base URL, e.g. http://127.0.0.1:9090
    QString selector = QStringLiteral("{job=\"pulsco\"}");
    QList<QSslCertificate> caCertificates;  // for https:// with a private CA
};

class PrometheusSource : public Source {
    Q_OBJECT
public:
    // What the status bar shows per scraped target.
    struct TargetStatus {
        QString instance;
        QString color;  // "" until pulsco_info was seen
        bool up = false;
        bool known = false;  // Prometheus lists the target (in `up`)
    };

    static constexpr int kRefreshMs = 1000;
    static constexpr int kHistorySeconds = 600;  // filled on connect
    static constexpr int kHistoryStepSeconds = 5;
    static constexpr qint64 kMaxAnswerBytes = 32 * 1024 * 1024;
    static constexpr int kQueryTimeoutMs = 5000;

    explicit PrometheusSource(PrometheusSourceConfig config, QObject* parent = nullptr);
    ~PrometheusSource() override;

    // "" when `url` is an http(s) URL with a host and no query, else why not.
    static QString checkUrl(const QString& url);

    Kind kind() const override { return Kind::Live; }
    QString displayName() const override;
    QString serverIdentities() const override;
    State state() const override { return m_state; }
    Capabilities capabilities() const override;
    SnapshotPtr latestSnapshot() const override { return m_merged; }

    void start() override;
    void stop() override;
    void injectFault(const FaultSpec& fault) override;
    void clearFaults() override;
    void setTrafficWeight(int greenPercent) override;
    void noteAppliedWeight(int greenPercent) override { m_appliedWeight = greenPercent; }

    const QString& prometheusUrl() const { return m_config.url; }
    const QString& selector() const { return m_config.selector; }
    QList<TargetStatus> targets() const;  // blue, green, then the others
    // Why the source is not current ("" when it is): the failed query with
    // Prometheus' error, or the targets that are down.
    const QString& problem() const { return m_problem; }
    // Test and benchmark knobs.
    void setRefreshIntervalMs(int ms);
    void setHistorySeconds(int seconds) { m_historySeconds = seconds; }
    // One refresh's queries, answers and build, in wall milliseconds (the
    // last completed refresh), and how many have completed.
    double lastRefreshMs() const { return m_lastRefreshMs; }
    int refreshesDone() const { return m_refreshesDone; }

public slots:
    // Runs one refresh now unless one is in flight.
    void refresh();

signals:
    void targetsChanged();
    void refreshed();  // a live refresh completed (with or without data; not the history)

private:
    struct Batch {
        PromAnswers answers;
        int pending = 0;
        QString error;  // the first failed query's message
        double atUnixSeconds = 0;
        double rangeFrom = 0;  // range batches: [rangeFrom, atUnixSeconds]
        bool range = false;
        QElapsedTimer clock;
    };
    void runBatch(const std::shared_ptr<Batch>& batch);
    void finishQuery(const std::shared_ptr<Batch>& batch, int index, QNetworkReply* reply,
                     const QString& what);
    void onBatchDone(const std::shared_ptr<Batch>& batch);
    void publish(const PromBuild& build, bool live);
    void setProblem(const QString& problem);
    void updateState();
    void setState(State state);

    PrometheusSourceConfig m_config;
    QNetworkAccessManager* m_network;
    std::vector<PromQuerySpec> m_queries;
    QTimer m_timer;
    QMap<QString, PromTarget> m_known;
    // The last figures of each target, by instance (kept while it is down).
    QMap<QString, ColoredSnapshot> m_lastParts;
    SnapshotPtr m_merged;
    std::uint64_t m_sequence = 0;
    MergedPeaks m_peaks;
    std::shared_ptr<Batch> m_inFlight;
    QList<QPointer<QNetworkReply>> m_replies;
    QString m_problem;
    QString m_reportedProblem;
    double m_originUnixSeconds = 0;
    double m_lastPublishedAt = 0;
    double m_lastRefreshMs = 0;
    int m_refreshesDone = 0;
    int m_historySeconds = kHistorySeconds;
    bool m_anyDown = false;
    bool m_environmentConflict = false;
    State m_state = State::Stopped;
    bool m_running = false;
    std::optional<int> m_appliedWeight;
};

}  // namespace pulsco
