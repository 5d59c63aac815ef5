// Which event log rows are shown: a set of kinds and a search text matched
// against kind, color and text, case-insensitively.
#pragma once

#include "core/LogEvent.h"

#include <QSet>
#include <QSortFilterProxyModel>

namespace pulsco {

inline size_t qHash(LogEventKind kind, size_t seed = 0) noexcept {
    return ::qHash(static_cast<int>(kind), seed);
}

class EventLogFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    // Empty = every kind.
    void setKinds(const QSet<LogEventKind>& kinds);
    const QSet<LogEventKind>& kinds() const { return m_kinds; }
    void setSearchText(const QString& text);
    const QString& searchText() const { return m_search; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QSet<LogEventKind> m_kinds;
    QString m_search;
};

}  // namespace pulsco
