// Blue and green side by side: traffic share, error rate, latency and wait
// percentiles, matches — what an operator compares during a traffic step.
#pragma once

#include "core/MetricsSnapshot.h"

#include <QAbstractTableModel>

#include <array>

namespace pulsco {

class EnvironmentComparisonModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Metric, Blue, Green, ColumnCount };
    enum Row {
        TrafficWeight,
        Requests,
        ErrorRate,
        LatencyP50,
        LatencyP95,
        LatencyP99,
        WaitP95,
        MatchesPerMinute,
        QualityP50,
        RowCount
    };

    using QAbstractTableModel::QAbstractTableModel;

    void setSnapshot(const MetricsSnapshot& snapshot);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QString cell(const EnvironmentMetrics& env, int row) const;
    std::array<std::array<QString, 2>, RowCount> m_cells;
    std::array<bool, RowCount> m_greenWorse{};
};

}  // namespace pulsco
