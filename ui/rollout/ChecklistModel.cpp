#include "ui/rollout/ChecklistModel.h"

#include "rollout/GateTracker.h"
#include "ui/Format.h"
#include "ui/Theme.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QFont>
#include <QGuiApplication>
#include <QPalette>
#include <QRegularExpression>

#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// internalId layout: phase in bits 0..7, section+1 in bits 8..19 (0 = phase
// node itself), and for items the parent is the section node.
quintptr pack(int phase, int section) {
    return quintptr(phase) | (quintptr(section + 1) << 8);
}

QString formatValue(double v) {
    if (std::abs(v) < 1 && v != 0)
        return QString::number(v, 'g', 3);
    return QString::number(v, 'f', v == std::floor(v) ? 0 : 1);
}

}  // namespace

ChecklistModel::ChecklistModel(RolloutSession& session, QObject* parent)
    : QAbstractItemModel(parent)
    , m_session(session) {
    reload();
}

void ChecklistModel::reload() {
    beginResetModel();
    m_sections.clear();
    for (const PlanPhase& phase : m_session.plan().phases)
        m_sections.push_back(phase.allSections());
    parseGateParts();
    endResetModel();
}

void ChecklistModel::parseGateParts() {
    m_gateParts.clear();
    static const QRegularExpression andWord(u"\\s+and\\s+"_s,
                                            QRegularExpression::CaseInsensitiveOption);
    for (const PlanItem* item : m_session.plan().items()) {
        if (!item->gated() || splitComparison(item->gate->text))
            continue;  // a single comparison: GateTracker keeps its figure
        std::vector<GatePart> parts;
        for (const QString& text : item->gate->text.split(andWord)) {
            const auto split = splitComparison(text.trimmed());
            if (!split) {
                parts.clear();  // "or", "not", parentheses: no figures to show
                break;
            }
            ExpressionError error;
            parts.push_back(
                {MetricExpression::parse(split->valueText.toStdString(), &error), split->barText});
        }
        if (!parts.empty())
            m_gateParts.insert(item->id, std::move(parts));
    }
}

QString ChecklistModel::gateValueText(const PlanItem& item) const {
    const GateStatus* gate = item.gated() ? m_session.gateStatus(item.id) : nullptr;
    if (!gate)
        return {};
    const auto figure = [](double v, const QString& bar) {
        // A bar in percent reads best against a figure in percent.
        return bar.endsWith(u'%') ? formatValue(v * 100) + u" %"_s : formatValue(v);
    };
    const auto parts = m_gateParts.constFind(item.id);
    if (parts != m_gateParts.cend()) {
        const SnapshotPtr snapshot = m_session.latestSnapshot();
        QStringList shown;
        for (const GatePart& part : *parts) {
            const ExpressionValue v =
                snapshot && part.value ? part.value->evaluate(*snapshot) : ExpressionValue{};
            shown << (v.hasValue ? figure(v.value, part.bar) : u"no data"_s) + u"  "_s + part.bar;
        }
        return shown.join(u" · "_s);
    }
    if (gate->barText == u"holds"_s)  // a condition with no single figure
        return !gate->value ? u"no data"_s : gate->holdsNow ? u"met"_s : u"not met"_s;
    return (gate->value ? figure(*gate->value, gate->barText) : u"no data"_s) + u"  "_s +
           gate->barText;
}

void ChecklistModel::refresh() {
    for (int p = 0; p < int(m_sections.size()); ++p) {
        const QModelIndex phase = index(p, 0);
        emit dataChanged(phase, index(p, ColumnCount - 1));
        const int sections = rowCount(phase);
        for (int s = 0; s < sections; ++s) {
            const QModelIndex sectionIndex = index(s, 0, phase);
            emit dataChanged(sectionIndex, index(s, ColumnCount - 1, phase));
            const int items = rowCount(sectionIndex);
            if (items > 0)
                emit dataChanged(index(0, 0, sectionIndex),
                                 index(items - 1, ColumnCount - 1, sectionIndex));
        }
    }
}

ChecklistModel::Node ChecklistModel::node(const QModelIndex& index) const {
    Node n;
    if (!index.isValid())
        return n;
    const quintptr id = index.internalId();
    if (id == quintptr(-1)) {  // a phase
        n.phase = index.row();
        return n;
    }
    const int phase = int(id & 0xff);
    const int sectionPlusOne = int(id >> 8);
    n.phase = phase;
    if (sectionPlusOne == 0) {
        n.section = index.row();
    } else {
        n.section = sectionPlusOne - 1;
        n.item = index.row();
    }
    return n;
}

const PlanSection* ChecklistModel::section(int phase, int section) const {
    if (phase < 0 || phase >= int(m_sections.size()) || section < 0 ||
        section >= int(m_sections[std::size_t(phase)].size()))
        return nullptr;
    return m_sections[std::size_t(phase)][std::size_t(section)];
}

QModelIndex ChecklistModel::index(int row, int column, const QModelIndex& parent) const {
    if (row < 0 || column < 0 || column >= ColumnCount || row >= rowCount(parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, quintptr(-1));
    const Node p = node(parent);
    if (p.section < 0)  // parent is a phase: children are sections
        return createIndex(row, column, pack(p.phase, -1));
    return createIndex(row, column, pack(p.phase, p.section));
}

QModelIndex ChecklistModel::parent(const QModelIndex& child) const {
    const Node n = node(child);
    if (n.phase < 0 || n.section < 0)
        return {};
    if (n.item < 0)
        return createIndex(n.phase, 0, quintptr(-1));
    return createIndex(n.section, 0, pack(n.phase, -1));
}

int ChecklistModel::rowCount(const QModelIndex& parent) const {
    if (parent.column() > 0)
        return 0;
    if (!parent.isValid())
        return int(m_sections.size());
    const Node n = node(parent);
    if (n.section < 0)
        return int(m_sections[std::size_t(n.phase)].size());
    if (n.item < 0) {
        const PlanSection* s = section(n.phase, n.section);
        return s ? int(s->items.size()) : 0;
    }
    return 0;
}

int ChecklistModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

QModelIndex ChecklistModel::indexOfItem(const QString& itemId) const {
    for (int p = 0; p < int(m_sections.size()); ++p)
        for (int s = 0; s < int(m_sections[std::size_t(p)].size()); ++s) {
            const auto& items = m_sections[std::size_t(p)][std::size_t(s)]->items;
            for (int i = 0; i < int(items.size()); ++i)
                if (items[std::size_t(i)].id == itemId)
                    return index(i, 0, index(s, 0, index(p, 0)));
        }
    return {};
}

QVariant ChecklistModel::itemData(const PlanItem& item, int column, int role) const {
    const ItemState state = m_session.itemState(item.id);
    const GateStatus* gate = item.gated() ? m_session.gateStatus(item.id) : nullptr;
    const bool failing = gate && !gate->holdsNow;
    switch (role) {
    case KindRole:
        return u"item"_s;
    case ItemIdRole:
        return item.id;
    case DoneRole:
        return state.done;
    case GatedRole:
        return item.gated();
    case FailingRole:
        return failing;
    default:
        break;
    }
    if (role == Qt::CheckStateRole && column == Item)
        return state.done ? Qt::Checked : Qt::Unchecked;
    if (role == Qt::ForegroundRole && column == Status && gate) {
        // The dark theme gets the light shades of the same hues: the deep
        // ones were unreadable on its dark rows.
        const bool dark = isDarkPalette(QGuiApplication::palette());
        if (gate->state == GateStatus::State::Passed)
            return QBrush(dark ? QColor(0x81, 0xc7, 0x84) : QColor(0x2e, 0x7d, 0x32));
        if (gate->state == GateStatus::State::Failing)
            return QBrush(dark ? QColor(0xef, 0x9a, 0x9a) : QColor(0xc6, 0x28, 0x28));
        if (!gate->counts && gate->environment)  // evidence that cannot tick the item
            return QBrush(dark ? QColor(0xce, 0x93, 0xd8) : QColor(0x6a, 0x1b, 0x9a));
    }
    if (role == Qt::ToolTipRole && column == Status)
        return itemData(item, column, Qt::DisplayRole);  // whole, when the column is narrow
    if (role == Qt::ToolTipRole && column == By && !state.kind.isEmpty())
        return u"%1 by %2 at %3"_s.arg(
            state.kind, state.actor,
            QDateTime::fromMSecsSinceEpoch(state.atMs).toString(u"yyyy-MM-dd HH:mm:ss"_s));
    if (role == Qt::ToolTipRole)
        return item.gated() ? u"Gate: %1 (hold %2; counts in %3)"_s.arg(
                                  item.gate->text, formatSeconds(item.gate->holdSeconds),
                                  item.gate->environmentsText())
                            : u"Manual item: check it with your name and an optional note"_s;
    if (role != Qt::DisplayRole && role != Qt::AccessibleTextRole)
        return {};
    switch (column) {
    case Item:
        return item.text;
    case Status:
        if (gate) {
            QString text = gateStateName(gate->state);
            // Why there is no data matters most when figures are showing.
            if (gate->state == GateStatus::State::NoData &&
                gate->noDataReason.startsWith(u"sample too small"_s))
                text = u"no data: sample too small"_s;
            if (gate->state == GateStatus::State::MetElsewhere && gate->environment)
                text = u"met in "_s + QString::fromLatin1(toString(*gate->environment));
            if (gate->state == GateStatus::State::Holding)
                text += u" %1 / %2"_s.arg(formatSeconds(gate->heldSeconds),
                                          formatSeconds(gate->holdSeconds));
            if (gate->state == GateStatus::State::Passed && !gate->holdsNow)
                text += u" (failing now)"_s;
            // Rehearsal figures are shown, labelled: they never tick the item.
            if (gate->state != GateStatus::State::Passed && !gate->counts && gate->environment &&
                gate->state != GateStatus::State::MetElsewhere)
                text += u" · "_s + QString::fromLatin1(toString(*gate->environment));
            return text;
        }
        return state.done ? u"done"_s : u"open"_s;
    case Value:
        if (gate)
            return gateValueText(item);
        return {};
    case By:
        if (state.kind.isEmpty())
            return {};
        return u"%1 · %2"_s.arg(
            state.actor,
            QDateTime::fromMSecsSinceEpoch(state.atMs).toString(u"yyyy-MM-dd HH:mm"_s));
    }
    return {};
}

QVariant ChecklistModel::data(const QModelIndex& index, int role) const {
    const Node n = node(index);
    if (n.phase < 0)
        return {};
    const PlanPhase& phase = m_session.plan().phases[std::size_t(n.phase)];
    if (n.section < 0 || n.item < 0) {
        RolloutSession::Progress progress;
        QString title;
        if (n.section < 0) {
            progress = m_session.phaseProgress(phase);
            title = u"Phase %1: %2 (%3)"_s.arg(phase.number).arg(phase.title, phase.span);
        } else {
            const PlanSection* s = section(n.phase, n.section);
            for (const PlanItem& i : s->items) {
                ++progress.total;
                progress.done += m_session.itemState(i.id).done ? 1 : 0;
            }
            title = s->period.isEmpty() ? s->title
                                        : s->period.section(u':', 0, 0) + u" · "_s + s->title;
        }
        switch (role) {
        case KindRole:
            return n.section < 0 ? u"phase"_s : u"section"_s;
        case DoneRole:
            return progress.done == progress.total;
        case Qt::DisplayRole:
        case Qt::AccessibleTextRole:
            if (index.column() == Item)
                return title;
            if (index.column() == Status)
                return u"%1 / %2 done"_s.arg(progress.done).arg(progress.total);
            return {};
        case Qt::FontRole:
            if (n.section < 0) {
                QFont f;
                f.setBold(true);
                return f;
            }
            return {};
        default:
            return {};
        }
    }
    const PlanSection* s = section(n.phase, n.section);
    if (!s || n.item >= int(s->items.size()))
        return {};
    return itemData(s->items[std::size_t(n.item)], index.column(), role);
}

QVariant ChecklistModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Item:
        return tr("Item");
    case Status:
        return tr("Status");
    case Value:
        return tr("Live value / bar");
    case By:
        return tr("By · when");
    }
    return {};
}

}  // namespace pulsco
