// "Connect to live servers": the base URLs to watch (blue and/or green) with
// an optional admin token per server; recent server sets are remembered.
// An optional CA certificate file lets https:// servers with a self-signed
// certificate be trusted. Tokens are stored in the user's console settings (QSettings), never shown
// in clear and never logged; the factory reads them by URL (adminTokenFor).
#pragma once

#include "bridge/SourceFactory.h"

#include <QDialog>
#include <QStringList>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace pulsco {

class ConnectDialog : public QDialog {
    Q_OBJECT
public:
    explicit ConnectDialog(QWidget* parent = nullptr);

    // The request for the servers listed (kind Live); tokens already saved.
    SourceRequest request() const;
    void setServers(const QStringList& urls);
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

    void accept() override;

private:
    void addRow(const QString& url = {}, const QString& token = {});
    QComboBox* m_recent;
    QLineEdit* m_caFile;
    QTableWidget* m_table;
    QLabel* m_error;
};

}  // namespace pulsco
