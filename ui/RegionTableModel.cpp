#include "ui/RegionTableModel.h"

#include "ui/Format.h"

namespace pulsco {

using namespace Qt::StringLiterals;

void RegionTableModel::setSnapshot(const MetricsSnapshot& snapshot) {
    std::vector<Row> rows;
    rows.reserve(snapshot.regions.size());
    for (const auto& [name, metrics] : snapshot.regions) {
        Row row{QString::fromStdString(name), metrics, 0};
        row.waitP95 = metrics.ticketWaitSeconds.quantile(0.95);
        rows.push_back(std::move(row));
    }
    const bool sameRows = rows.size() == m_rows.size() &&
                          std::equal(rows.begin(), rows.end(), m_rows.begin(),
                                     [](const Row& a, const Row& b) { return a.name == b.name; });
    if (sameRows) {
        const bool changed =
            !std::equal(rows.begin(), rows.end(), m_rows.begin(), [](const Row& a, const Row& b) {
                return a.metrics == b.metrics && a.waitP95 == b.waitP95;
            });
        m_rows = std::move(rows);
        if (changed && !m_rows.empty())
            emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

void RegionTableModel::clear() {
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

int RegionTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int RegionTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RegionTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    if (role == Qt::TextAlignmentRole && index.column() >= Online)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == Status) {
        if (row.metrics.shed)
            return row.metrics.reachable
                       ? tr("Shed by an operator: no match is placed here, its players play in "
                            "their nearest other region")
                       : tr("Shed by an operator while out: its players play in their nearest "
                            "other region; the outage is not mended");
        return row.metrics.reachable ? QVariant()
                                     : tr("Its players cannot reach the service; shedding the "
                                          "region sends them to their nearest other region");
    }
    if (role != Qt::DisplayRole && role != Qt::AccessibleTextRole)
        return {};
    switch (index.column()) {
    case Region:
        return row.name;
    case Status:
        if (row.metrics.shed)  // short: the column is narrow; the tooltip says more
            return tr("⊘ shed");
        return row.metrics.reachable ? tr("✔ reachable") : tr("✖ OUTAGE");
    case Online:
        return formatCount(row.metrics.playersOnline);
    case InQueue:
        return formatCount(row.metrics.playersInQueue);
    case Matches:
        return formatCount(row.metrics.matchesTotal);
    case WaitP95:
        return row.metrics.ticketWaitSeconds.count() ? formatSeconds(row.waitP95) : u"–"_s;
    }
    return {};
}

QVariant RegionTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Region:
        return tr("Region");
    case Status:
        return tr("Status");
    case Online:
        return tr("Online");
    case InQueue:
        return tr("In queue");
    case Matches:
        return tr("Matches");
    case WaitP95:
        return tr("Wait p95");
    }
    return {};
}

}  // namespace pulsco
