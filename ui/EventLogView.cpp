#include "ui/EventLogView.h"

#include "ui/EventLogFilter.h"
#include "ui/EventLogModel.h"
#include "ui/Format.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

namespace pulsco {

using namespace Qt::StringLiterals;

namespace {

QSet<LogEventKind> kindsFor(EventLogView::KindFilter filter) {
    using K = LogEventKind;
    switch (filter) {
    case EventLogView::KindFilter::All:
        return {};
    case EventLogView::KindFilter::Notable:
        return {K::FaultStart, K::FaultEnd, K::Breach, K::Traffic, K::Info, K::Error, K::Expiry};
    case EventLogView::KindFilter::Matches:
        return {K::Match};
    case EventLogView::KindFilter::Expiries:
        return {K::Expiry, K::Cancel};
    case EventLogView::KindFilter::Faults:
        return {K::FaultStart, K::FaultEnd};
    case EventLogView::KindFilter::Breaches:
        return {K::Breach};
    case EventLogView::KindFilter::Traffic:
        return {K::Traffic};
    case EventLogView::KindFilter::Errors:
        return {K::Error};
    }
    return {};
}

}  // namespace

EventLogView::EventLogView(QWidget* parent)
    : QWidget(parent) {
    m_model = new EventLogModel(EventLogModel::kDefaultCapacity, this);
    m_filter = new EventLogFilter(this);
    m_filter->setSourceModel(m_model);

    auto* kindLabel = new QLabel(tr("Sho&w"), this);
    m_kind = new QComboBox(this);
    m_kind->addItem(tr("All events"), static_cast<int>(KindFilter::All));
    m_kind->addItem(tr("All but matches"), static_cast<int>(KindFilter::Notable));
    m_kind->addItem(tr("Matches"), static_cast<int>(KindFilter::Matches));
    m_kind->addItem(tr("Expiries and cancels"), static_cast<int>(KindFilter::Expiries));
    m_kind->addItem(tr("Faults"), static_cast<int>(KindFilter::Faults));
    m_kind->addItem(tr("Threshold breaches"), static_cast<int>(KindFilter::Breaches));
    m_kind->addItem(tr("Traffic changes"), static_cast<int>(KindFilter::Traffic));
    m_kind->addItem(tr("Errors"), static_cast<int>(KindFilter::Errors));
    m_kind->setAccessibleName(tr("Event kind filter"));
    m_kind->setToolTip(tr("Show only events of these kinds"));
    kindLabel->setBuddy(m_kind);

    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search events (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search events"));

    m_count = new QLabel(this);
    m_count->setMinimumWidth(m_count->fontMetrics().horizontalAdvance(u"00000 of 00000"_s));
    m_count->setAlignment(Qt::AlignRight | Qt::AlignVCenter);

    m_table = new QTableView(this);
    m_table->setModel(m_filter);
    m_table->setAccessibleName(tr("Event log"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setSortingEnabled(false);
    m_table->verticalHeader()->hide();
    const int rowHeight = m_table->fontMetrics().height() + 4;
    m_table->verticalHeader()->setDefaultSectionSize(rowHeight);
    m_table->verticalHeader()->setMinimumSectionSize(rowHeight);
    QHeaderView* header = m_table->horizontalHeader();
    header->setHighlightSections(false);
    const QFontMetrics fm = m_table->fontMetrics();
    const int pad = fm.horizontalAdvance(u"00"_s);
    header->resizeSection(EventLogModel::SourceTime, fm.horizontalAdvance(u"00:00:00"_s) + pad);
    header->resizeSection(EventLogModel::WallTime, fm.horizontalAdvance(u"00:00:00.000"_s) + pad);
    header->resizeSection(EventLogModel::Kind, fm.horizontalAdvance(u"Fault start"_s) + pad);
    header->resizeSection(EventLogModel::Color, fm.horizontalAdvance(u"green"_s) + pad);
    header->setStretchLastSection(true);

    auto* controls = new QHBoxLayout;
    controls->setContentsMargins(0, 0, 0, 0);
    controls->addWidget(kindLabel);
    controls->addWidget(m_kind);
    controls->addWidget(m_search, 1);
    controls->addWidget(m_count);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(controls);
    layout->addWidget(m_table, 1);
    setTabOrder(m_kind, m_search);
    setTabOrder(m_search, m_table);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &EventLogView::applyKindFilter);
    connect(m_search, &QLineEdit::textChanged, m_filter, &EventLogFilter::setSearchText);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &EventLogView::updateCount);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &EventLogView::updateCount);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &EventLogView::updateCount);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &EventLogView::updateCount);
    updateCount();
}

void EventLogView::append(const std::vector<LogEvent>& events) {
    if (!m_holdFaults) {
        m_model->append(events);
        return;
    }
    std::vector<LogEvent> shown;
    shown.reserve(events.size());
    for (const LogEvent& e : events) {
        if (e.kind == LogEventKind::FaultStart || e.kind == LogEventKind::FaultEnd)
            m_held.push_back(e);
        else
            shown.push_back(e);
    }
    if (!shown.empty())
        m_model->append(shown);
}

void EventLogView::setFaultEventsHeld(bool held) {
    if (held == m_holdFaults)
        return;
    m_holdFaults = held;
    if (held || m_held.empty())
        return;
    LogEvent note;
    note.kind = LogEventKind::Info;
    note.timeSeconds = m_held.back().timeSeconds;
    note.wallTimeUnixMs = m_held.back().wallTimeUnixMs;
    note.text = tr("the drill ended: %n fault line(s) held back from the trainee follow, with "
                   "their own times",
                   nullptr, int(m_held.size()))
                    .toStdString();
    std::vector<LogEvent> out;
    out.reserve(m_held.size() + 1);
    out.push_back(std::move(note));
    out.insert(out.end(), m_held.begin(), m_held.end());
    m_held.clear();
    m_model->append(out);
}

void EventLogView::clear() {
    m_model->clear();
    m_held.clear();
}

void EventLogView::setKindFilter(KindFilter filter) {
    const int index = m_kind->findData(static_cast<int>(filter));
    if (index >= 0)
        m_kind->setCurrentIndex(index);
}

void EventLogView::setSearchText(const QString& text) {
    m_search->setText(text);
}

void EventLogView::focusSearch() {
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void EventLogView::applyKindFilter() {
    m_filter->setKinds(kindsFor(static_cast<KindFilter>(m_kind->currentData().toInt())));
    updateCount();
}

void EventLogView::updateCount() {
    const QString text = tr("%1 of %2")
                             .arg(formatCount(static_cast<std::uint64_t>(m_filter->rowCount())),
                                  formatCount(static_cast<std::uint64_t>(m_model->rowCount())));
    m_count->setText(text);
    m_count->setAccessibleName(tr("%1 events shown").arg(text));
}

}  // namespace pulsco
