#include "ui/ConnectDialog.h"

#include "bridge/HttpUrl.h"

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
#include <QSpinBox>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

constexpr int kRecentMax = 10;
const auto kRecentKey = u"live/recentServers"_s;
const auto kCaFileKey = u"live/caCertificateFile"_s;
const auto kPrometheusUrlKey = u"live/prometheusUrl"_s;
const auto kPrometheusSelectorKey = u"live/prometheusSelector"_s;

QString normalised(QString url) {
    url = url.trimmed();
    while (url.endsWith(u'/'))
        url.chop(1);
    return url;
}

// Settings saved per server set: `prefix` + the set, its URLs normalised.
QString setKey(const QString& prefix, const QStringList& urls) {
    QStringList set;
    for (const QString& url : urls)
        set << normalised(url);
    return prefix + QString::fromLatin1(QUrl::toPercentEncoding(set.join(u',')));
}
const auto kTrafficPrefix = u"live/trafficControllers/"_s;
const auto kSurgePrefix = u"live/drillSurge/"_s;

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

TrafficControllerConfig ConnectDialog::savedTrafficController(const QStringList& urls,
                                                              QString* error) {
    const QVariant saved = QSettings().value(setKey(kTrafficPrefix, urls));
    if (!saved.isValid())
        return {};
    QString why;
    TrafficControllerConfig config = TrafficControllerConfig::fromVariant(saved.toMap(), &why);
    if (error)
        *error = why;
    return config;
}

void ConnectDialog::saveTrafficController(const QStringList& urls,
                                          const TrafficControllerConfig& config) {
    QSettings().setValue(setKey(kTrafficPrefix, urls), config.toVariant());
}

DrillSurgeTarget ConnectDialog::savedDrillSurgeTarget(const QStringList& urls) {
    const QVariantMap saved = QSettings().value(setKey(kSurgePrefix, urls)).toMap();
    DrillSurgeTarget target;
    target.url = saved.value(u"url"_s).toString();
    target.usualPlayers =
        std::clamp(saved.value(u"players"_s, target.usualPlayers).toInt(), 1, 1000000);
    return target;
}

void ConnectDialog::saveDrillSurgeTarget(const QStringList& urls, const DrillSurgeTarget& target) {
    const QString key = setKey(kSurgePrefix, urls);
    if (target.url.isEmpty())
        QSettings().remove(key);
    else
        QSettings().setValue(
            key, QVariantMap{{u"url"_s, target.url}, {u"players"_s, target.usualPlayers}});
}

DrillSurgeTarget ConnectDialog::drillSurgeTarget() const {
    return {normalised(m_surgeUrl->text()), m_surgePlayers->value()};
}

void ConnectDialog::setDrillSurgeTarget(const DrillSurgeTarget& target) {
    m_surgeUrl->setText(target.url);
    m_surgePlayers->setValue(target.usualPlayers);
}

TrafficControllerConfig ConnectDialog::trafficController() const {
    TrafficControllerConfig c;
    c.kind = TrafficControllerConfig::Kind(m_trafficKind->currentIndex());
    c.haproxyAddress = m_haproxyAddress->text().trimmed();
    c.haproxyBackend = m_haproxyBackend->text().trimmed();
    const QStringList names = m_haproxyServers->text().split(u',');
    c.haproxyBlueServer = names.value(0).trimmed();
    c.haproxyGreenServer = names.size() == 2 ? names[1].trimmed() : QString();
    c.haproxySpareServer = m_haproxySpare->text().trimmed();
    c.webhookUrl = QUrl(m_webhookUrl->text().trimmed());
    c.webhookToken = m_webhookToken->text().trimmed();
    return c;
}

void ConnectDialog::setTrafficController(const TrafficControllerConfig& c) {
    m_trafficKind->setCurrentIndex(int(c.kind));
    m_haproxyAddress->setText(c.haproxyAddress);
    m_haproxyBackend->setText(c.haproxyBackend);
    m_haproxyServers->setText(c.haproxyBlueServer + u',' + c.haproxyGreenServer);
    m_haproxySpare->setText(c.haproxySpareServer);
    m_webhookUrl->setText(c.webhookUrl.toString());
    m_webhookToken->setText(c.webhookToken);
    updateTrafficFields();
}

void ConnectDialog::updateTrafficFields() {
    const auto kind = TrafficControllerConfig::Kind(m_trafficKind->currentIndex());
    for (QLineEdit* e : {m_haproxyAddress, m_haproxyBackend, m_haproxyServers, m_haproxySpare})
        e->setEnabled(kind == TrafficControllerConfig::Kind::Haproxy);
    for (QLineEdit* e : {m_webhookUrl, m_webhookToken})
        e->setEnabled(kind == TrafficControllerConfig::Kind::Webhook);
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
    // Where the figures come from: the servers' own API, or a Prometheus
    // that scrapes them (read-only: no faults or drain through it).
    m_readFrom = new QComboBox(this);
    m_readFrom->addItems({tr("The servers themselves (their /v1 API)"),
                          tr("A Prometheus that scrapes them (read-only)")});
    m_readFrom->setAccessibleName(tr("Read figures from"));
    form->addRow(tr("Read &from:"), m_readFrom);
    m_prometheusUrl = new QLineEdit(QSettings().value(kPrometheusUrlKey).toString(), this);
    m_prometheusUrl->setPlaceholderText(u"http://127.0.0.1:9090"_s);
    m_prometheusUrl->setAccessibleName(tr("Prometheus URL"));
    form->addRow(tr("&Prometheus URL:"), m_prometheusUrl);
    m_prometheusSelector = new QLineEdit(
        QSettings().value(kPrometheusSelectorKey, u"{job=\"pulsco\"}"_s).toString(), this);
    m_prometheusSelector->setAccessibleName(tr("Prometheus selector of the pulsco-matchd targets"));
    m_prometheusSelector->setToolTip(
        tr("Label matchers of the pulsco-matchd targets in Prometheus; blue and green are told "
           "apart by pulsco_info's color label"));
    form->addRow(tr("&Selector:"), m_prometheusSelector);
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
    m_addServer = add;
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
    // What moves blue-green traffic for the Rollout page, saved with the set.
    auto* traffic = new QFormLayout;
    m_trafficKind = new QComboBox(this);
    // In TrafficControllerConfig::Kind order.
    m_trafficKind->addItems({tr("Manual: I switch and confirm each step"),
                             tr("HAProxy runtime API"), tr("Webhook with read-back")});
    m_trafficKind->setAccessibleName(tr("Traffic controller"));
    traffic->addRow(tr("&Traffic controller:"), m_trafficKind);
    m_haproxyAddress = new QLineEdit(this);
    m_haproxyAddress->setPlaceholderText(u"127.0.0.1:9999 or unix:/run/haproxy/admin.sock"_s);
    m_haproxyAddress->setAccessibleName(tr("HAProxy runtime API address"));
    traffic->addRow(tr("HAProxy &admin socket:"), m_haproxyAddress);
    m_haproxyBackend = new QLineEdit(u"pulsco"_s, this);
    m_haproxyBackend->setAccessibleName(tr("HAProxy backend"));
    m_haproxyServers = new QLineEdit(u"blue,green"_s, this);
    m_haproxyServers->setAccessibleName(tr("HAProxy server names, blue then green"));
    auto* names = new QHBoxLayout;
    names->addWidget(m_haproxyBackend);
    auto* serversLabel = new QLabel(tr("ser&vers (blue,green):"), this);
    serversLabel->setBuddy(m_haproxyServers);
    names->addWidget(serversLabel);
    names->addWidget(m_haproxyServers);
    auto* backendLabel = new QLabel(tr("HAProxy bac&kend:"), this);
    backendLabel->setBuddy(m_haproxyBackend);
    traffic->addRow(backendLabel, names);
    // The server a drill's scale out puts in blue's pool.
    m_haproxySpare = new QLineEdit(u"spare"_s, this);
    m_haproxySpare->setAccessibleName(tr("HAProxy spare server for scale out"));
    m_haproxySpare->setToolTip(
        tr("Held disabled by HAProxy until a drill's scale out puts it in blue's pool"));
    traffic->addRow(tr("HAProxy spare for sca&le out:"), m_haproxySpare);
    m_webhookUrl = new QLineEdit(this);
    m_webhookUrl->setPlaceholderText(u"https://switch.example/pulsco"_s);
    m_webhookUrl->setAccessibleName(tr("Traffic switch webhook URL"));
    traffic->addRow(tr("&Webhook URL:"), m_webhookUrl);
    m_webhookToken = new QLineEdit(this);
    m_webhookToken->setEchoMode(QLineEdit::Password);
    m_webhookToken->setPlaceholderText(tr("none"));
    m_webhookToken->setAccessibleName(tr("Webhook bearer token"));
    traffic->addRow(tr("Webhook t&oken:"), m_webhookToken);
    // Drills' player surges on live servers are extra players, started by
    // the console as pulsco-sim against the balancer.
    m_surgeUrl = new QLineEdit(this);
    m_surgeUrl->setPlaceholderText(tr("none (e.g. http://127.0.0.1:8000)"));
    m_surgeUrl->setToolTip(tr("The staging balancer a live drill's player surge sends extra "
                              "pulsco-sim players to; without it a surge drill is refused"));
    m_surgeUrl->setAccessibleName(tr("Drill surge load target URL"));
    m_surgePlayers = new QSpinBox(this);
    m_surgePlayers->setRange(1, 1000000);
    m_surgePlayers->setValue(1000);
    m_surgePlayers->setAccessibleName(tr("The stack's usual players"));
    m_surgePlayers->setToolTip(tr("A xK surge adds (K-1) x this many players, at most 2000"));
    auto* surgeRow = new QHBoxLayout;
    surgeRow->addWidget(m_surgeUrl, 1);
    auto* playersLabel = new QLabel(tr("usual pla&yers:"), this);
    playersLabel->setBuddy(m_surgePlayers);
    surgeRow->addWidget(playersLabel);
    surgeRow->addWidget(m_surgePlayers);
    auto* surgeLabel = new QLabel(tr("Drill s&urge load:"), this);
    surgeLabel->setBuddy(m_surgeUrl);
    traffic->addRow(surgeLabel, surgeRow);
    layout->addLayout(traffic);
    connect(m_trafficKind, &QComboBox::currentIndexChanged, this,
            &ConnectDialog::updateTrafficFields);
    auto* hint = new QLabel(
        tr("Blue and green are told apart by each server's /v1/info. Without an admin token, "
           "faults and drain are disabled for that server. Tokens are kept in your console "
           "settings. For https:// servers with a self-signed certificate, give the CA "
           "certificate (PEM) that signed it. Through Prometheus, blue and green come from "
           "pulsco_info's color label, and faults and drain are off (docs/prometheus.md)."),
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
    connect(m_readFrom, &QComboBox::currentIndexChanged, this, &ConnectDialog::updateReadFrom);
    updateReadFrom();
    connect(m_recent, &QComboBox::activated, this, [this](int index) {
        if (index > 0)
            setServers(m_recent->itemText(index).split(u',', Qt::SkipEmptyParts));
    });
    const QStringList recent = recentServerSets();
    setServers(recent.isEmpty() ? QStringList{u"http://127.0.0.1:8080"_s}
                                : recent.constFirst().split(u',', Qt::SkipEmptyParts));
    resize(640, 600);
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
    if (m_trafficKind) {
        QString error;
        setTrafficController(savedTrafficController(urls, &error));
        showError(error);
    }
    if (m_surgeUrl)
        setDrillSurgeTarget(savedDrillSurgeTarget(urls));
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

bool ConnectDialog::viaPrometheus() const {
    return m_readFrom->currentIndex() == 1;
}

void ConnectDialog::setPrometheus(const QString& url, const QString& selector) {
    m_readFrom->setCurrentIndex(1);
    if (!url.isEmpty())
        m_prometheusUrl->setText(url);
    if (!selector.isEmpty())
        m_prometheusSelector->setText(selector);
}

QStringList ConnectDialog::connectionKey() const {
    if (viaPrometheus())
        return {u"prometheus:"_s + normalised(m_prometheusUrl->text())};
    return servers();
}

void ConnectDialog::updateReadFrom() {
    const bool prometheus = viaPrometheus();
    m_prometheusUrl->setEnabled(prometheus);
    m_prometheusSelector->setEnabled(prometheus);
    m_table->setEnabled(!prometheus);
    m_recent->setEnabled(!prometheus);
    if (m_addServer)
        m_addServer->setEnabled(!prometheus);
    showError(QString());  // an error about the other mode no longer applies
}

SourceRequest ConnectDialog::request() const {
    SourceRequest r;
    r.kind = viaPrometheus() ? SourceRequest::Kind::Prometheus : SourceRequest::Kind::Live;
    if (viaPrometheus()) {
        r.prometheusUrl = normalised(m_prometheusUrl->text());
        r.prometheusSelector = m_prometheusSelector->text().trimmed();
    } else {
        r.urls = servers();
    }
    r.traffic = trafficController();
    return r;
}

void ConnectDialog::showError(const QString& message) {
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void ConnectDialog::accept() {
    if (viaPrometheus() && normalised(m_prometheusUrl->text()).isEmpty()) {
        showError(tr("Give Prometheus' base URL, e.g. http://127.0.0.1:9090."));
        return;
    }
    if (!viaPrometheus() && servers().isEmpty()) {
        showError(tr("Give at least one server's base URL."));
        return;
    }
    const TrafficControllerConfig traffic = trafficController();
    if (const QString why = traffic.validate(); !why.isEmpty()) {
        showError(tr("Traffic controller: %1").arg(why));
        return;
    }
    const DrillSurgeTarget surge = drillSurgeTarget();
    const QUrl surgeUrl(surge.url);
    if (!surge.url.isEmpty() && !isHttpUrlWithHost(surgeUrl)) {
        showError(tr("Drill surge load: '%1' is not an http:// or https:// URL (the "
                     "staging balancer's, e.g. http://127.0.0.1:8000)")
                      .arg(surge.url));
        return;
    }
    saveTrafficController(connectionKey(), traffic);
    saveDrillSurgeTarget(connectionKey(), surge);
    QSettings settings;
    if (viaPrometheus()) {
        settings.setValue(kPrometheusUrlKey, normalised(m_prometheusUrl->text()));
        settings.setValue(kPrometheusSelectorKey, m_prometheusSelector->text().trimmed());
    }
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
