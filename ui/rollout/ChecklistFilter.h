// Filter of the checklist tree: open / done / gated / failing / all, plus a
// search over item texts; a phase or section stays while a child matches.
#pragma once

#include <QSortFilterProxyModel>

namespace pulsco {

class ChecklistFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    enum class Mode { All, Open, Done, Gated, Failing };

    explicit ChecklistFilter(QObject* parent = nullptr);
    void setMode(Mode mode);
    Mode mode() const { return m_mode; }
    void setSearch(const QString& text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    Mode m_mode = Mode::All;
    QString m_search;
};

}  // namespace pulsco
