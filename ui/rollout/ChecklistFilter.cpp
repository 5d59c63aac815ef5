#include "ui/rollout/ChecklistFilter.h"

#include "ui/rollout/ChecklistModel.h"

using namespace Qt::StringLiterals;

namespace pulsco {

ChecklistFilter::ChecklistFilter(QObject* parent)
    : QSortFilterProxyModel(parent) {
    setRecursiveFilteringEnabled(true);  // keep the ancestors of a match
}

void ChecklistFilter::setMode(Mode mode) {
    m_mode = mode;
    invalidateFilter();
}

void ChecklistFilter::setSearch(const QString& text) {
    m_search = text.trimmed();
    invalidateFilter();
}

bool ChecklistFilter::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (index.data(ChecklistModel::KindRole).toString() != u"item")
        return m_mode == Mode::All && m_search.isEmpty();
    if (!m_search.isEmpty() && !index.data().toString().contains(m_search, Qt::CaseInsensitive))
        return false;
    const bool done = index.data(ChecklistModel::DoneRole).toBool();
    switch (m_mode) {
    case Mode::All:
        return true;
    case Mode::Open:
        return !done;
    case Mode::Done:
        return done;
    case Mode::Gated:
        return index.data(ChecklistModel::GatedRole).toBool();
    case Mode::Failing:
        return index.data(ChecklistModel::FailingRole).toBool();
    }
    return true;
}

}  // namespace pulsco
