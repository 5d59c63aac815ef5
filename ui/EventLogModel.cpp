#include "ui/EventLogModel.h"

#include "ui/Format.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

#include <algorithm>

namespace pulsco {

using namespace Qt::StringLiterals;

EventLogModel::EventLogModel(int capacity, QObject* parent)
    : QAbstractTableModel(parent)
    , m_capacity(std::max(1, capacity)) {}

void EventLogModel::append(const std::vector<LogEvent>& events) {
    if (events.empty())
        return;
    m_totalAppended += events.size();
    // Only the newest `capacity` of a huge batch can ever be shown.
    const std::size_t keep = std::min(events.size(), static_cast<std::size_t>(m_capacity));
    const auto first = events.end() - static_cast<std::ptrdiff_t>(keep);
    beginInsertRows({}, 0, static_cast<int>(keep) - 1);
    for (auto it = first; it != events.end(); ++it)
        m_events.push_front(*it);
    endInsertRows();
    if (m_events.size() > static_cast<std::size_t>(m_capacity)) {
        beginRemoveRows({}, m_capacity, static_cast<int>(m_events.size()) - 1);
        m_events.resize(static_cast<std::size_t>(m_capacity));
        endRemoveRows();
    }
}

void EventLogModel::clear() {
    beginResetModel();
    m_events.clear();
    m_totalAppended = 0;
    endResetModel();
}

int EventLogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_events.size());
}

int EventLogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString EventLogModel::kindLabel(LogEventKind kind) {
    switch (kind) {
    case LogEventKind::Match:
        return tr("Match");
    case LogEventKind::Expiry:
        return tr("Expiry");
    case LogEventKind::Cancel:
        return tr("Cancel");
    case LogEventKind::FaultStart:
        return tr("Fault start");
    case LogEventKind::FaultEnd:
        return tr("Fault end");
    case LogEventKind::Breach:
        return tr("Breach");
    case LogEventKind::Traffic:
        return tr("Traffic");
    case LogEventKind::Info:
        return tr("Info");
    case LogEventKind::Error:
        return tr("Error");
    }
    return tr("Unknown");
}

QVariant EventLogModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const LogEvent& event = m_events[static_cast<std::size_t>(index.row())];
    if (role == KindRole)
        return static_cast<int>(event.kind);
    if (role == Qt::ForegroundRole && index.column() == Kind) {
        switch (event.kind) {
        case LogEventKind::Breach:
        case LogEventKind::Error:
        case LogEventKind::FaultStart:
            return QBrush(QColor(0xe5, 0x48, 0x4d));
        case LogEventKind::FaultEnd:
            return QBrush(QColor(0x2d, 0xa4, 0x4e));
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case SourceTime:
        return formatClock(event.timeSeconds);
    case WallTime:
        if (event.wallTimeUnixMs <= 0)
            return u"–"_s;
        return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(event.wallTimeUnixMs))
            .toLocalTime()
            .toString(u"HH:mm:ss.zzz"_s);
    case Kind:
        return kindLabel(event.kind);
    case Color:
        return QString::fromStdString(event.color);
    case Text:
        return QString::fromStdString(event.text);
    }
    return {};
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    // Short headers keep the columns narrow; the tooltip says the whole.
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case SourceTime:
            return tr("Source time: simulated time, or server uptime for live servers");
        case WallTime:
            return tr("Wall-clock time when it happened (local time)");
        case Kind:
            return tr("Kind of event");
        case Color:
            return tr("Environment: blue or green");
        case Text:
            return tr("What happened");
        }
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SourceTime:
        return tr("Time");
    case WallTime:
        return tr("Wall clock");
    case Kind:
        return tr("Kind");
    case Color:
        return tr("Env");
    case Text:
        return tr("Event");
    }
    return {};
}

}  // namespace pulsco
