// "Connect to live servers": the base URLs to watch (blue and/or green) with
// an optional admin token per server; recent server sets are remembered.
// An optional CA certificate file lets https:// servers with a self-signed
// certificate be trusted. The traffic controller (what moves blue-green
// traffic: manual confirmation, HAProxy's runtime API, a webhook) is saved
// with the server set. Tokens are stored in the user's console settings (QSettings), never shown
// in clear and never logged; the factory reads them by URL (adminTokenFor).
#pragma once

#include "bridge/SourceFactory.h"

#include <QDialog>
#include <QStringList>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace pulsco {

// A live drill's player surge: extra players from pulsco-sim sent to `url`
// (the staging balancer), (multiplier - 1) x `usualPlayers` of them
// (drills/SurgeLoad.h). An empty URL: none; a surge drill is then refused.
struct DrillSurgeTarget {
    QString url;
    int usualPlayers = 1000;
    bool operator==(const DrillSurgeTarget&) const = default;
};

class ConnectDialog : public QDialog {
    Q_OBJECT
public:
    explicit ConnectDialog(QWidget* parent = nullptr);

    // The request for the servers listed (kind Live), or for the Prometheus
    // that scrapes them (kind Prometheus); tokens already saved.
    SourceRequest request() const;
    void setServers(const QStringList& urls);
    // Read through a Prometheus instead of from the servers themselves;
    // setPrometheus switches to it (an empty argument keeps the saved one).
    bool viaPrometheus() const;
    void setPrometheus(const QString& url, const QString& selector);
    // What the traffic controller is saved under: the server set, or the
    // Prometheus URL.
    QStringList connectionKey() const;
    QStringList servers() const;
    // Shows why the last attempt failed (e.g. the factory's URL check).
    void showError(const QString& message);

    static QString adminTokenKey(const QString& baseUrl);
    static QString adminTokenFor(const QString& baseUrl);
    // Extra CA certificate trusted for https:// servers ("" = none); saved
    // in the settings on accept, read by the console at start.
    QString caCertificateFile() const;
    void setCaCertificateFile(const QString& path);
    static QString savedCaCertificateFile();
    static QStringList recentServerSets();  // "url1,url2", most recent first
    static void remember(const QStringList& urls);
    // The traffic controller saved with a server set (Manual when none or
    // when the saved entry is broken: *error says why).
    static TrafficControllerConfig savedTrafficController(const QStringList& urls,
                                                          QString* error = nullptr);
    static void saveTrafficController(const QStringList& urls,
                                      const TrafficControllerConfig& config);
    TrafficControllerConfig trafficController() const;
    void setTrafficController(const TrafficControllerConfig& config);

    // Saved with the server set, like the traffic controller.
    DrillSurgeTarget drillSurgeTarget() const;
    void setDrillSurgeTarget(const DrillSurgeTarget& target);
    static DrillSurgeTarget savedDrillSurgeTarget(const QStringList& urls);
    static void saveDrillSurgeTarget(const QStringList& urls, const DrillSurgeTarget& target);

    void accept() override;

private:
    void addRow(const QString& url = {}, const QString& token = {});
    void updateTrafficFields();
    void updateReadFrom();
    QComboBox* m_readFrom = nullptr;
    QLineEdit* m_prometheusUrl = nullptr;
    QLineEdit* m_prometheusSelector = nullptr;
    QPushButton* m_addServer = nullptr;
    QComboBox* m_recent;
    QComboBox* m_trafficKind = nullptr;
    QLineEdit* m_haproxyAddress = nullptr;
    QLineEdit* m_haproxyBackend = nullptr;
    QLineEdit* m_haproxyServers = nullptr;
    QLineEdit* m_haproxySpare = nullptr;
    QLineEdit* m_surgeUrl = nullptr;
    QSpinBox* m_surgePlayers = nullptr;
    QLineEdit* m_webhookUrl = nullptr;
    QLineEdit* m_webhookToken = nullptr;
    QLineEdit* m_caFile;
    QTableWidget* m_table;
    QLabel* m_error;
};

}  // namespace pulsco
