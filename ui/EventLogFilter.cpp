#include "ui/EventLogFilter.h"

#include "ui/EventLogModel.h"

namespace pulsco {

void EventLogFilter::setKinds(const QSet<LogEventKind>& kinds) {
    if (kinds == m_kinds)
        return;
    m_kinds = kinds;
    invalidateRowsFilter();
}

void EventLogFilter::setSearchText(const QString& text) {
    const QString trimmed = text.trimmed();
    if (trimmed == m_search)
        return;
    m_search = trimmed;
    invalidateRowsFilter();
}

bool EventLogFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const QAbstractItemModel* model = sourceModel();
    if (!m_kinds.isEmpty()) {
        const auto kind = static_cast<LogEventKind>(
            model->index(sourceRow, 0, sourceParent).data(EventLogModel::KindRole).toInt());
        if (!m_kinds.contains(kind))
            return false;
    }
    if (m_search.isEmpty())
        return true;
    for (const int column : {EventLogModel::Text, EventLogModel::Kind, EventLogModel::Color}) {
        if (model->index(sourceRow, column, sourceParent)
                .data()
                .toString()
                .contains(m_search, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

}  // namespace pulsco
