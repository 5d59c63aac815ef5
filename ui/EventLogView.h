// The event log panel: kind filter, search box, row count and the table.
#pragma once

#include "core/LogEvent.h"

#include <QWidget>

#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace pulsco {

class EventLogModel;
class EventLogFilter;

class EventLogView : public QWidget {
    Q_OBJECT
public:
    // Entries of the kind filter, in the order shown.
    enum class KindFilter { All, Notable, Matches, Expiries, Faults, Breaches, Traffic, Errors };

    explicit EventLogView(QWidget* parent = nullptr);

    void append(const std::vector<LogEvent>& events);
    void clear();
    // While a drill runs, fault start and end lines would name the cause the
    // trainee must find: they are held back (none is lost) and shown when
    // the hold ends, after one line saying how many were held.
    void setFaultEventsHeld(bool held);
    std::size_t heldFaultEvents() const { return m_held.size(); }
    void setKindFilter(KindFilter filter);
    void setSearchText(const QString& text);
    void focusSearch();

    EventLogModel* model() const { return m_model; }
    EventLogFilter* filter() const { return m_filter; }
    QTableView* table() const { return m_table; }
    QComboBox* kindCombo() const { return m_kind; }
    QLineEdit* searchBox() const { return m_search; }

private:
    void applyKindFilter();
    void updateCount();

    EventLogModel* m_model = nullptr;
    EventLogFilter* m_filter = nullptr;
    QComboBox* m_kind = nullptr;
    QLineEdit* m_search = nullptr;
    QLabel* m_count = nullptr;
    QTableView* m_table = nullptr;
    bool m_holdFaults = false;
    std::vector<LogEvent> m_held;
};

}  // namespace pulsco
