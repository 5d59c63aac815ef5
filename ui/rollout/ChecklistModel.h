// The plan as a tree for the Rollout page: phases -> sections -> items, with
// progress per phase, each item's state (done by whom and when, or a gate's
// live value against its bar) and roles the filter reads.
#pragma once

#include "core/MetricExpression.h"
#include "rollout/RolloutSession.h"

#include <QAbstractItemModel>
#include <QHash>

#include <optional>
#include <vector>

namespace pulsco {

class ChecklistModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { Item, Status, Value, By, ColumnCount };
    enum Role {
        KindRole = Qt::UserRole + 1,  // "phase", "section", "item"
        ItemIdRole,
        DoneRole,
        GatedRole,
        FailingRole,  // gated and its condition does not hold now
    };

    explicit ChecklistModel(RolloutSession& session, QObject* parent = nullptr);

    // Everything changed (a new plan); rebuilds the tree.
    void reload();
    // Values and states changed; the tree did not.
    void refresh();
    QModelIndex indexOfItem(const QString& itemId) const;
    // A gate's live value as the Value column and the detail pane show it:
    // the measured figure against the bar ("82.4  < 150", "0.02 %  < 0.1%"),
    // for a gate of several conditions each part's figure, or "no data".
    QString gateValueText(const PlanItem& item) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    // internalId: 0 = phase, else (section index + 1) packed with the phase.
    struct Node {
        int phase = -1, section = -1, item = -1;
    };
    Node node(const QModelIndex& index) const;
    const PlanSection* section(int phase, int section) const;
    QVariant itemData(const PlanItem& item, int column, int role) const;

    void parseGateParts();

    RolloutSession& m_session;
    std::vector<std::vector<const PlanSection*>> m_sections;  // per phase
    // Gates of several conditions ("a < 1 and b < 2"): each part's left side
    // and bar, so the page shows figures rather than the 0/1 of the whole.
    struct GatePart {
        std::optional<MetricExpression> value;
        QString bar;
    };
    QHash<QString, std::vector<GatePart>> m_gateParts;
};

}  // namespace pulsco
