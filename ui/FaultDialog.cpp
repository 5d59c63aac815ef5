#include "ui/FaultDialog.h"

#include "ui/KpiStatus.h"
#include "ui/MainWindow.h"
#include "ui/Theme.h"

#include <cmath>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace pulsco {

using namespace Qt::StringLiterals;

namespace {

bool usesLatency(FaultKind kind) {
    return kind == FaultKind::Latency || kind == FaultKind::StoreLatency;
}
bool usesShare(FaultKind kind) {
    return kind == FaultKind::Latency || kind == FaultKind::LatencyFactor ||
           kind == FaultKind::ErrorRate;
}
bool usesMultiplier(FaultKind kind) {
    return kind == FaultKind::PlayerSurge || kind == FaultKind::BadRelease ||
           kind == FaultKind::LatencyFactor;
}
bool usesRegion(FaultKind kind) {
    return kind == FaultKind::RegionOutage;
}

QString colourName(FaultTarget target) {
    return target == FaultTarget::Blue ? FaultDialog::tr("Blue") : FaultDialog::tr("Green");
}

}  // namespace

QString FaultDialog::kindTitle(FaultKind kind) {
    switch (kind) {
    case FaultKind::Latency:
        return tr("Latency spike");
    case FaultKind::LatencyFactor:
        return tr("Slower release");
    case FaultKind::ErrorRate:
        return tr("Error surge");
    case FaultKind::MatcherStall:
        return tr("Matcher stall");
    case FaultKind::RegionOutage:
        return tr("Region outage");
    case FaultKind::PlayerSurge:
        return tr("Player surge");
    case FaultKind::BadRelease:
        return tr("Bad release");
    case FaultKind::StoreLatency:
        return tr("Slow store");
    case FaultKind::Inconsistency:
        return tr("Data inconsistency");
    }
    return tr("Fault");
}

QString FaultDialog::kindDescription(FaultKind kind) {
    switch (kind) {
    case FaultKind::Latency:
        return tr("Adds latency to a share of API requests.");
    case FaultKind::LatencyFactor:
        return tr("The server takes longer to answer a share of API requests: its time is "
                  "multiplied (a release 20 % slower is × 1.2).");
    case FaultKind::ErrorRate:
        return tr("A share of API requests fail with 503.");
    case FaultKind::MatcherStall:
        return tr("The matchmaker stops forming matches; queues grow.");
    case FaultKind::RegionOutage:
        return tr("Players of one region cannot reach the service.");
    case FaultKind::PlayerSurge:
        return tr("Player arrivals are multiplied.");
    case FaultKind::BadRelease:
        return tr("The target runs a defective queue config (skill window widened).");
    case FaultKind::StoreLatency:
        return tr("The server's store answers slower (pulsco-matchd).");
    case FaultKind::Inconsistency:
        return tr("Corrupts stored records once, for the integrity audit to find (staging "
                  "only).");
    }
    return {};
}

FaultSpec FaultDialog::defaults(FaultKind kind, const QStringList& regions) {
    FaultSpec spec;
    spec.kind = kind;
    spec.durationSeconds = 120;
    spec.target = FaultTarget::Green;
    switch (kind) {
    case FaultKind::Latency:
        spec.latencyMs = 300;
        spec.share = 1.0;
        break;
    case FaultKind::LatencyFactor:
        spec.multiplier = 1.2;  // the canary judge's calibration case
        spec.share = 1.0;
        break;
    case FaultKind::ErrorRate:
        spec.share = 0.06;  // the plan's rollback trigger is 5 %
        break;
    case FaultKind::MatcherStall:
        spec.durationSeconds = 60;
        spec.target = FaultTarget::Both;
        break;
    case FaultKind::RegionOutage:
        spec.durationSeconds = 300;
        spec.target = FaultTarget::Both;
        spec.region = regions.isEmpty() ? std::string("eu-west") : regions.first().toStdString();
        break;
    case FaultKind::PlayerSurge:
        spec.multiplier = 5;
        spec.durationSeconds = 300;
        spec.target = FaultTarget::Both;
        break;
    case FaultKind::BadRelease:
        spec.multiplier = 3;
        spec.durationSeconds = 0;
        break;
    case FaultKind::StoreLatency:
        spec.latencyMs = 200;
        break;
    case FaultKind::Inconsistency:
        spec.durationSeconds = 0;  // the damage stays; clearing only ends the drill's fault
        break;
    }
    return spec;
}

FaultSpec FaultDialog::defaults(FaultKind kind, const QStringList& regions,
                                const TrafficShares& traffic) {
    FaultSpec spec = defaults(kind, regions);
    // A release fault aims at green, the colour a rollout puts on trial; with
    // green at 0 % it would be injected where no request goes.
    if (spec.target == FaultTarget::Green && traffic.green <= 0 && traffic.blue > 0)
        spec.target = FaultTarget::Blue;
    else if (spec.target == FaultTarget::Blue && traffic.blue <= 0 && traffic.green > 0)
        spec.target = FaultTarget::Green;
    return spec;
}

QString FaultDialog::trafficWarning(FaultTarget target, const TrafficShares& traffic) {
    if (target == FaultTarget::Both)
        return {};
    const int share = target == FaultTarget::Green ? traffic.green : traffic.blue;
    if (share > 0)
        return {};
    const QString colour = colourName(target);
    return tr("%1 has 0 % of the traffic now: this fault will change nothing until traffic "
              "moves to %2.")
        .arg(colour, colour.toLower());
}

FaultDialog::FaultDialog(FaultKind kind, const QStringList& regions, QWidget* parent)
    : QDialog(parent)
    , m_kind(kind)
    , m_regions(regions) {
    setWindowTitle(tr("Inject fault: %1").arg(kindTitle(kind)));
    setAccessibleName(windowTitle());

    auto* description = new QLabel(kindDescription(kind), this);
    description->setWordWrap(true);

    m_target = new QComboBox(this);
    m_target->addItem(tr("Green"), static_cast<int>(FaultTarget::Green));
    m_target->addItem(tr("Blue"), static_cast<int>(FaultTarget::Blue));
    m_target->addItem(tr("Both"), static_cast<int>(FaultTarget::Both));
    m_target->setAccessibleName(tr("Target environment"));
    // activated: the operator's own choice, never a programmatic one.
    connect(m_target, &QComboBox::activated, this, [this] { m_targetPicked = true; });

    m_trafficNote = new QLabel(this);
    m_trafficNote->setWordWrap(true);
    m_trafficNote->setAccessibleName(tr("Traffic note"));
    m_trafficNote->hide();

    m_delay = new QDoubleSpinBox(this);
    m_delay->setRange(0, 86400);
    m_delay->setDecimals(0);
    m_delay->setSingleStep(10);
    m_delay->setSuffix(tr(" s"));
    m_delay->setSpecialValueText(tr("now"));
    m_delay->setAccessibleName(tr("Start delay in seconds of source time, 0 for now"));

    m_duration = new QDoubleSpinBox(this);
    m_duration->setRange(0, 86400);
    m_duration->setDecimals(0);
    m_duration->setSingleStep(30);
    m_duration->setSuffix(tr(" s"));
    m_duration->setSpecialValueText(tr("until cleared"));
    m_duration->setAccessibleName(tr("Duration in seconds, 0 until cleared"));

    m_latency = new QSpinBox(this);
    m_latency->setRange(0, 60000);
    m_latency->setSingleStep(50);
    m_latency->setSuffix(tr(" ms"));
    m_latency->setAccessibleName(tr("Added latency in milliseconds"));

    m_share = new QDoubleSpinBox(this);
    m_share->setRange(0, 100);
    m_share->setDecimals(1);
    m_share->setSuffix(tr(" %"));
    m_share->setAccessibleName(tr("Share of requests hit, percent"));

    m_multiplier = new QDoubleSpinBox(this);
    m_multiplier->setRange(0, 100);
    m_multiplier->setDecimals(2);
    m_multiplier->setPrefix(tr("× "));
    m_multiplier->setAccessibleName(tr("Multiplier"));

    m_region = new QComboBox(this);
    m_region->setEditable(true);
    m_region->addItems(regions);
    m_region->setAccessibleName(tr("Region"));

    auto* form = new QFormLayout;
    form->addRow(tr("&Target:"), m_target);
    form->addRow(QString(), m_trafficNote);
    form->addRow(tr("&Starts in:"), m_delay);
    form->addRow(tr("&Duration:"), m_duration);
    if (usesLatency(kind))
        form->addRow(tr("&Latency:"), m_latency);
    if (usesShare(kind))
        form->addRow(tr("S&hare of requests:"), m_share);
    if (usesMultiplier(kind))
        form->addRow(tr("&Multiplier:"), m_multiplier);
    if (usesRegion(kind))
        form->addRow(tr("&Region:"), m_region);
    m_latency->setVisible(usesLatency(kind));
    m_share->setVisible(usesShare(kind));
    m_multiplier->setVisible(usesMultiplier(kind));
    m_region->setVisible(usesRegion(kind));

    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(u"color: #cf222e"_s);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Inject"));
    m_buttons->button(QDialogButtonBox::Ok)->setAccessibleName(tr("Inject fault"));
    m_buttons->button(QDialogButtonBox::Cancel)->setAccessibleName(tr("Cancel"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(description);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);

    setFault(defaults(kind, regions));
    connect(m_target, &QComboBox::currentIndexChanged, this, &FaultDialog::revalidate);
    connect(m_target, &QComboBox::currentIndexChanged, this, &FaultDialog::showTrafficNote);
    connect(m_duration, &QDoubleSpinBox::valueChanged, this, &FaultDialog::revalidate);
    connect(m_delay, &QDoubleSpinBox::valueChanged, this, &FaultDialog::revalidate);
    connect(m_latency, &QSpinBox::valueChanged, this, &FaultDialog::revalidate);
    connect(m_share, &QDoubleSpinBox::valueChanged, this, &FaultDialog::revalidate);
    connect(m_multiplier, &QDoubleSpinBox::valueChanged, this, &FaultDialog::revalidate);
    connect(m_region, &QComboBox::currentTextChanged, this, &FaultDialog::revalidate);
    revalidate();
    // The console window's current source, when opened from it; the window
    // reads snapshots but does not hand them to the dialogs it opens.
    if (auto* window = qobject_cast<MainWindow*>(parent))
        bindSource(window->source());
}

void FaultDialog::bindSource(Source* source) {
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_source = source;
    if (!source)
        return;
    const auto read = [this](const SnapshotPtr& s) {
        if (!s)
            return;
        // Where traffic really goes (measured); the weight set when nothing
        // was served yet.
        const std::optional<double> green = measuredWeightPercent(*s, s->green);
        const int share =
            green ? int(std::lround(*green))
                  : s->green.requestedWeightPercent.value_or(m_traffic ? m_traffic->green : 0);
        setTraffic({100 - share, share});
    };
    connect(source, &Source::snapshotReady, this, read);
    read(source->latestSnapshot());
}

void FaultDialog::setTraffic(const TrafficShares& traffic) {
    m_traffic = traffic;
    if (!m_targetPicked) {
        const FaultTarget target = defaults(m_kind, m_regions, traffic).target;
        m_target->setCurrentIndex(m_target->findData(static_cast<int>(target)));
    }
    showTrafficNote();
}

QString FaultDialog::trafficNote() const {
    return m_trafficNote->isHidden() ? QString() : m_trafficNote->text();
}

void FaultDialog::showTrafficNote() {
    const QString note =
        m_traffic
            ? trafficWarning(static_cast<FaultTarget>(m_target->currentData().toInt()), *m_traffic)
            : QString();
    const QString shown = note.isEmpty() ? QString() : u"⚠ "_s + note;
    if (shown == trafficNote())
        return;
    m_trafficNote->setText(shown);
    // Amber, not red: the fault is valid, only pointless for now.
    m_trafficNote->setStyleSheet(
        u"color: %1"_s.arg(levelColor(KpiLevel::Warning, palette()).name()));
    m_trafficNote->setVisible(!note.isEmpty());
    adjustSize();
}

FaultSpec FaultDialog::fault() const {
    FaultSpec spec;
    spec.kind = m_kind;
    spec.atSeconds = m_delay->value();
    spec.durationSeconds = m_duration->value();
    spec.target = static_cast<FaultTarget>(m_target->currentData().toInt());
    if (usesLatency(m_kind))
        spec.latencyMs = m_latency->value();
    if (usesShare(m_kind))
        spec.share = m_share->value() / 100.0;
    if (usesMultiplier(m_kind))
        spec.multiplier = m_multiplier->value();
    if (usesRegion(m_kind))
        spec.region = m_region->currentText().trimmed().toStdString();
    return spec;
}

void FaultDialog::setFault(const FaultSpec& fault) {
    m_target->setCurrentIndex(m_target->findData(static_cast<int>(fault.target)));
    m_delay->setValue(fault.atSeconds);
    m_duration->setValue(fault.durationSeconds);
    m_latency->setValue(static_cast<int>(fault.latencyMs));
    m_share->setValue(fault.share * 100.0);
    m_multiplier->setValue(fault.multiplier);
    m_region->setCurrentText(QString::fromStdString(fault.region));
}

QString FaultDialog::validationError() const {
    return QString::fromStdString(validate(fault()));
}

void FaultDialog::revalidate() {
    const QString error = validationError();
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(error.isEmpty());
}

}  // namespace pulsco
