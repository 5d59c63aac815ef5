#include "ui/SourceBar.h"

#include "ui/ElidingLabel.h"
#include "ui/Format.h"
#include "ui/StatusChip.h"

#include <QHBoxLayout>
#include <QLabel>

#include <algorithm>

namespace pulsco {

using namespace Qt::StringLiterals;

SourceBar::SourceBar(QWidget* parent)
    : QFrame(parent) {
    setObjectName(u"sourceBar"_s);
    setAutoFillBackground(true);
    setAccessibleName(tr("Source status"));
    m_chip = new StatusChip(this);
    QFont bold = font();
    bold.setBold(true);
    m_chip->setMinimumWidth(m_chip->fontMetrics().horizontalAdvance(u"● STARTING00"_s));
    m_name = new QLabel(this);
    QFont nameFont = bold;
    nameFont.setPointSizeF(nameFont.pointSizeF() * 1.1);
    m_name->setFont(nameFont);
    m_clock = new QLabel(this);
    QFont mono = font();
    mono.setFamily(u"monospace"_s);
    mono.setStyleHint(QFont::TypeWriter);
    mono.setBold(true);
    m_clock->setFont(mono);
    m_speed = new QLabel(this);
    m_faults = new ElidingLabel(this);
    // Many faults at once must not widen the window past the screen: the
    // label shrinks and its tooltip keeps the whole list.
    m_faults->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_faults->setMinimumWidth(120);
    m_conservation = new QLabel(this);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->setSpacing(14);
    layout->addWidget(m_chip);
    layout->addWidget(m_name);
    layout->addWidget(m_clock);
    layout->addWidget(m_speed);
    layout->addWidget(m_faults, 1);
    layout->addWidget(m_conservation);
    clearSnapshot();
    setState(Source::State::Starting, false, false);
}

QString SourceBar::stateWord(Source::State state, bool paused, bool stale) {
    if (stale && (state == Source::State::Running || state == Source::State::Paused ||
                  state == Source::State::Stale))
        return tr("STALE");
    switch (state) {
    case Source::State::Starting:
        return tr("STARTING");
    case Source::State::Running:
        return paused ? tr("PAUSED") : tr("RUNNING");
    case Source::State::Paused:
        return tr("PAUSED");
    case Source::State::Stale:
        return tr("STALE");
    case Source::State::Stopped:
        return tr("STOPPED");
    case Source::State::Failed:
        return tr("FAILED");
    }
    return {};
}

void SourceBar::setSourceName(const QString& name) {
    m_name->setText(name);
}

void SourceBar::setState(Source::State state, bool paused, bool stale) {
    const QString word = stateWord(state, paused, stale);
    KpiLevel level = KpiLevel::Unknown;
    if (word == tr("RUNNING"))
        level = KpiLevel::Ok;
    else if (word == tr("PAUSED") || word == tr("STARTING"))
        level = KpiLevel::Warning;
    else if (word == tr("STALE") || word == tr("FAILED"))
        level = KpiLevel::Breach;
    if (word == m_stateWord && level == m_chip->level())
        return;
    m_stateWord = word;
    m_chip->setText(u"● "_s + word);
    m_chip->setLevel(level);
    m_chip->setAccessibleName(tr("Source state: %1").arg(word));
}

void SourceBar::showSnapshot(const MetricsSnapshot& snapshot) {
    const QString clock = tr("Clock %1").arg(formatClock(snapshot.timeSeconds));
    if (m_clock->text() != clock)
        m_clock->setText(clock);
    const QString speed = tr("Speed %1").arg(formatSpeed(snapshot.speed));
    if (m_speed->text() != speed)
        m_speed->setText(speed);
    m_lastFaults.clear();
    for (const std::string& fault : snapshot.activeFaults)
        m_lastFaults << QString::fromStdString(fault);
    showFaults();
    // The integrity audit (a real cross-check that can fail) speaks when
    // there is one; the counters' conservation only before the first audit.
    QString conservation;
    QString detail;
    if (const auto& audit = snapshot.integrity) {
        conservation = audit->ok && snapshot.conservationOk
                           ? tr("Integrity ✔ ok")
                           : tr("Integrity ✖ DATA INCONSISTENT (%n violation(s))", nullptr,
                                int(std::min<std::uint64_t>(audit->violations, 1000000)));
        detail = tr("Last integrity audit at %1 (source time), %2 ms; store check: %3")
                     .arg(formatClock(audit->atSeconds))
                     .arg(audit->durationMs, 0, 'f', 0)
                     .arg(QString::fromStdString(audit->storeCheck));
        for (const std::string& v : audit->firstViolations)
            detail += u"\n• "_s + QString::fromStdString(v);
        if (!snapshot.conservationOk)
            detail += u"\n"_s + tr("The ticket counters do not add up either.");
    } else {
        conservation = snapshot.conservationOk ? tr("Conservation ✔ ok")
                                               : tr("Conservation ✖ DATA INCONSISTENT");
        detail = tr("No integrity audit yet: the ticket counters add up.");
    }
    if (m_conservation->text() != conservation)
        m_conservation->setText(conservation);
    if (m_conservation->toolTip() != detail)
        m_conservation->setToolTip(detail);
}

void SourceBar::clearSnapshot() {
    m_clock->setText(tr("Clock --:--:--"));
    m_speed->setText(tr("Speed –"));
    m_lastFaults.clear();
    m_faults->setText({});  // showFaults() then always writes
    showFaults();
    m_conservation->clear();
}

QString SourceBar::stateText() const {
    return m_stateWord;
}
QString SourceBar::clockText() const {
    return m_clock->text();
}
QString SourceBar::speedText() const {
    return m_speed->text();
}
void SourceBar::setFaultsHidden(bool hidden, const QString& where) {
    m_faultsHidden = hidden;
    m_hiddenWhere = where;
    showFaults();
}

void SourceBar::showFaults() {
    QString text;
    if (m_faultsHidden)
        text = m_hiddenWhere.isEmpty()
                   ? tr("Faults: hidden during the drill")
                   : tr("Faults: hidden during the drill (%1)").arg(m_hiddenWhere);
    else
        text = m_lastFaults.isEmpty() ? tr("No active faults")
                                      : tr("⚠ Faults: %1").arg(m_lastFaults.join(u", "_s));
    if (m_faults->text() == text)
        return;
    m_faults->setText(text);
    m_faults->setToolTip(text);
    QFont f = m_faults->font();
    f.setBold(!m_faultsHidden && !m_lastFaults.isEmpty());
    m_faults->setFont(f);
}

QString SourceBar::faultsText() const {
    return m_faults->text();
}

}  // namespace pulsco
