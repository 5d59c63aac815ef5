// Per-region breakdown of the latest snapshot: reachability, players, matches
// and ticket wait p95.
#pragma once

#include "core/MetricsSnapshot.h"

#include <QAbstractTableModel>

#include <vector>

namespace pulsco {

class RegionTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Region, Status, Online, InQueue, Matches, WaitP95, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;

    void setSnapshot(const MetricsSnapshot& snapshot);
    void clear();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row {
        QString name;
        RegionMetrics metrics;
        double waitP95 = 0;
    };
    std::vector<Row> m_rows;
};

}  // namespace pulsco
