// The event log as a bounded table, newest first. Batches from the Source
// are inserted in one go; the oldest rows fall off past the capacity.
#pragma once

#include "core/LogEvent.h"

#include <QAbstractTableModel>

#include <deque>
#include <vector>

namespace pulsco {

class EventLogModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { SourceTime, WallTime, Kind, Color, Text, ColumnCount };
    enum Role { KindRole = Qt::UserRole + 1 };
    static constexpr int kDefaultCapacity = 5000;

    explicit EventLogModel(int capacity = kDefaultCapacity, QObject* parent = nullptr);

    void append(const std::vector<LogEvent>& events);
    void clear();
    int capacity() const { return m_capacity; }
    const LogEvent& eventAt(int row) const { return m_events.at(static_cast<std::size_t>(row)); }
    // Everything appended since construction or clear(), including rows
    // that fell off.
    std::uint64_t totalAppended() const { return m_totalAppended; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    static QString kindLabel(LogEventKind kind);

private:
    std::deque<LogEvent> m_events;  // front = newest
    int m_capacity;
    std::uint64_t m_totalAppended = 0;
};

}  // namespace pulsco
