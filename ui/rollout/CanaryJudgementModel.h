// The canary judge's latest look as a table on the Blue-green tab (issue
// 21, item 5): per metric, blue's level and observations, green's
// observations, the change and its interval, the verdict (failed ones in
// the breach colour) and the reason the judge gives.
#pragma once

#include "core/CanaryJudge.h"

#include <QAbstractTableModel>

#include <optional>

namespace pulsco {

class CanaryJudgementModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Metric, Blue, Green, Change, Interval, Verdict, Why, ColumnCount };

    explicit CanaryJudgementModel(QObject* parent = nullptr);
    void setJudgement(const std::optional<CanaryStepJudgement>& judgement);
    const std::optional<CanaryStepJudgement>& judgement() const { return m_judgement; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::optional<CanaryStepJudgement> m_judgement;
};

}  // namespace pulsco
