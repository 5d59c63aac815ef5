// The figures of a replay comparison report (pulsco-sim --replay --compare)
// as table rows: one per group and figure, regressions marked, figures not
// judged greyed. Filtered by group and by "regressions only" / "judged only"
// without rebuilding the rows.
#pragma once

#include "bridge/ReplayComparisonJson.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

namespace pulsco {

class ComparisonReportModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Group, Figure, A, B, Change, Interval, Bar, Verdict, ColumnCount };
    enum Role { RegressedRole = Qt::UserRole + 1, JudgedRole, GroupRole };

    explicit ComparisonReportModel(QObject* parent = nullptr);
    void setReport(const ReplayComparisonReport& report);
    const ReplayComparisonReport& report() const { return m_report; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    struct Row {
        QString group;
        const MetricChange* metric;
    };
    ReplayComparisonReport m_report;
    std::vector<Row> m_rows;
};

class ComparisonReportFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setGroup(const QString& group);  // "" = every group
    void setRegressionsOnly(bool on);
    void setJudgedOnly(bool on);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_group;
    bool m_regressionsOnly = false;
    bool m_judgedOnly = false;
};

}  // namespace pulsco
