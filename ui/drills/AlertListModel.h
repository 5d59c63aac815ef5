// The alerts an operator needs to see, as a table over an AlertEngine:
// firing first (most severe first), then pending, then resolved ones.
// Normal rules are not listed. Refreshed after every evaluation.
#pragma once

#include "drills/AlertEngine.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace pulsco {

class AlertListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Severity, Alert, State, Since, Value, Acknowledged, ColumnCount };
    static constexpr int kRuleNameRole = Qt::UserRole + 1;

    explicit AlertListModel(AlertEngine* engine, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    QString ruleAt(int row) const;
    int rowOf(const QString& rule) const;
    void refresh();

private:
    QPointer<AlertEngine> m_engine;
    QStringList m_rows;  // rule names in display order
};

}  // namespace pulsco
