// Blue and green side by side: traffic share, error rate, latency and wait
// percentiles, matches — what an operator compares during a traffic step.
// Every figure says its window: the header reads "Last 60 s" and the rows
// that are not say "(since start)". The snapshot keeps requests, latency,
// waits and the match rate over the last 60 s but match quality only since
// start, so a colour that matched earlier and has no traffic now reads
// 0.0 matches / min beside its matches and quality since start, not a rate
// that contradicts a quality.
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
        WeightSet,      // requested_weight: what the traffic controller set and read back
        TrafficWeight,  // traffic_weight: the share of requests each colour really served
        Requests,
        ErrorRate,
        LatencyP50,
        LatencyP95,
        LatencyP99,
        WaitP95,
        MatchesPerMinute,
        MatchesSinceStart,
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
    QString cell(const MetricsSnapshot& snapshot, const EnvironmentMetrics& env, int row) const;
    std::array<std::array<QString, 2>, RowCount> m_cells;
    std::array<bool, RowCount> m_greenWorse{};
};

}  // namespace pulsco
