#include "ui/ConnectDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

constexpr int kRecentMax = 10;
const auto kRecentKey = u"live/recentServers"_s;
const auto kCaFileKey = u"live/caCertificateFile"_s;

QString normalised(QString url) {
    url = url.trimmed();
    while (url.endsWith(u'/'))
        url.chop(1);
    return url;
}

}  // namespace

QString ConnectDialog::adminTokenKey(const QString& baseUrl) {
    // Percent-encoded so the URL's slashes do not become settings groups.
    return u"live/adminTokens/"_s + QString::fromLatin1(QUrl::toPercentEncoding(baseUrl));
}

QString ConnectDialog::adminTokenFor(const QString& baseUrl) {
    return QSettings().value(adminTokenKey(normalised(baseUrl))).toString().trimmed();
}

QString ConnectDialog::savedCaCertificateFile() {
    return QSettings().value(kCaFileKey).toString().trimmed();
}

QString ConnectDialog::caCertificateFile() const {
    return m_caFile->text().trimmed();
}

void ConnectDialog::setCaCertificateFile(const QString& path) {
    m_caFile->setText(path);
}

QStringList ConnectDialog::recentServerSets() {
    return QSettings().value(kRecentKey).toStringList();
}

void ConnectDialog::remember(const QStringList& urls) {
    QStringList recent = recentServerSets();
    const QString set = urls.join(u',');
    recent.removeAll(set);
    recent.prepend(set);
    while (recent.size() > kRecentMax)
        recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
}

ConnectDialog::ConnectDialog(QWidget* parent)
    : QDialog(parent)
    , m_recent(new QComboBox(this))
    , m_caFile(new QLineEdit(this))
    , m_table(new QTableWidget(0, 2, this))
    , m_error(new QLabel(this)) {
    setWindowTitle(tr("Connect to live servers"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_recent->addItem(tr("(choose recent servers)"));
    m_recent->addItems(recentServerSets());
    m_recent->setAccessibleName(tr("Recent servers"));
    form->addRow(tr("&Recent:"), m_recent);
    layout->addLayout(form);
    m_table->setHorizontalHeaderLabels({tr("Base URL"), tr("Admin token (optional)")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setAccessibleName(tr("Servers"));
    layout->addWidget(m_table);
    auto* add = new QPushButton(tr("&Add server"), this);
    layout->addWidget(add, 0, Qt::AlignLeft);
    auto* caRow = new QHBoxLayout;
    m_caFile->setPlaceholderText(tr("none: only certificates the system trusts"));
    m_caFile->setAccessibleName(tr("CA certificate file"));
    m_caFile->setText(savedCaCertificateFile());
    caRow->addWidget(m_caFile, 1);
    auto* browse = new QPushButton(tr("&Browse…"), this);
    caRow->addWidget(browse);
    auto* caForm = new QFormLayout;
    // The field sits in a row layout: the label needs its buddy set by hand
    // for the mnemonic to work (and not show a literal '&').
    auto* caLabel = new QLabel(tr("CA &certificate (https):"), this);
    caLabel->setBuddy(m_caFile);
    caForm->addRow(caLabel, caRow);
    layout->addLayout(caForm);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("CA certificate of the servers"), m_caFile->text(),
            tr("Certificates (*.pem *.crt *.cer *.der);;All files (*)"));
        if (!path.isEmpty())
            m_caFile->setText(path);
    });
    auto* hint = new QLabel(
        tr("Blue and green are told apart by each server's /v1/info. Without an admin token, "
           "faults and drain are disabled for that server. Tokens are kept in your console "
           "settings. For https:// servers with a self-signed certificate, give the CA "
           "certificate (PEM) that signed it."),
        this);
    hint->setWordWrap(true);
    layout->addWidget(hint);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(u"color: #b00020"_s);
    m_error->hide();
    layout->addWidget(m_error);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Connect"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ConnectDialog::reject);
    connect(add, &QPushButton::clicked, this, [this] { addRow(); });
    connect(m_recent, &QComboBox::activated, this, [this](int index) {
        if (index > 0)
            setServers(m_recent->itemText(index).split(u',', Qt::SkipEmptyParts));
    });
    const QStringList recent = recentServerSets();
    setServers(recent.isEmpty() ? QStringList{u"http://127.0.0.1:8080"_s}
                                : recent.constFirst().split(u',', Qt::SkipEmptyParts));
    resize(600, 360);
}

void ConnectDialog::addRow(const QString& url, const QString& token) {
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    auto* urlEdit = new QLineEdit(url, m_table);
    urlEdit->setPlaceholderText(u"http://127.0.0.1:8080 or https://…"_s);
    auto* tokenEdit = new QLineEdit(token, m_table);
    tokenEdit->setEchoMode(QLineEdit::Password);
    tokenEdit->setPlaceholderText(tr("none"));
    m_table->setCellWidget(row, 0, urlEdit);
    m_table->setCellWidget(row, 1, tokenEdit);
}

void ConnectDialog::setServers(const QStringList& urls) {
    m_table->setRowCount(0);
    for (const QString& url : urls)
        addRow(normalised(url), adminTokenFor(url));
    if (urls.isEmpty())
        addRow();
}

QStringList ConnectDialog::servers() const {
    QStringList out;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const auto* edit = qobject_cast<QLineEdit*>(m_table->cellWidget(row, 0));
        const QString url = edit ? normalised(edit->text()) : QString();
        if (!url.isEmpty())
            out << url;
    }
    return out;
}

SourceRequest ConnectDialog::request() const {
    SourceRequest r;
    r.kind = SourceRequest::Kind::Live;
    r.urls = servers();
    return r;
}

void ConnectDialog::showError(const QString& message) {
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void ConnectDialog::accept() {
    if (servers().isEmpty()) {
        showError(tr("Give at least one server's base URL."));
        return;
    }
    QSettings settings;
    if (caCertificateFile().isEmpty())
        settings.remove(kCaFileKey);
    else
        settings.setValue(kCaFileKey, caCertificateFile());
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const auto* urlEdit = qobject_cast<QLineEdit*>(m_table->cellWidget(row, 0));
        const auto* tokenEdit = qobject_cast<QLineEdit*>(m_table->cellWidget(row, 1));
        if (!urlEdit || !tokenEdit || normalised(urlEdit->text()).isEmpty())
            continue;
        const QString key = adminTokenKey(normalised(urlEdit->text()));
        if (tokenEdit->text().trimmed().isEmpty())
            settings.remove(key);
        else
            settings.setValue(key, tokenEdit->text().trimmed());
    }
    QDialog::accept();
}

}  // namespace pulsco
