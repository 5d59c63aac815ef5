#include "ui/drills/AlertListModel.h"

#include "ui/Format.h"

#include <QBrush>
#include <QColor>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

AlertListModel::AlertListModel(AlertEngine* engine, QObject* parent)
    : QAbstractTableModel(parent)
    , m_engine(engine) {
    if (m_engine) {
        connect(m_engine, &AlertEngine::evaluated, this, &AlertListModel::refresh);
        connect(m_engine, &AlertEngine::acknowledged, this, &AlertListModel::refresh);
        connect(m_engine, &AlertEngine::transitioned, this, &AlertListModel::refresh);
    }
    refresh();
}

int AlertListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int AlertListModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString AlertListModel::ruleAt(int row) const {
    return row >= 0 && row < m_rows.size() ? m_rows[row] : QString();
}

int AlertListModel::rowOf(const QString& rule) const {
    return static_cast<int>(m_rows.indexOf(rule));
}

void AlertListModel::refresh() {
    QStringList rows;
    if (m_engine) {
        auto rank = [](AlertState s) {
            return s == AlertState::Firing ? 0 : s == AlertState::Pending ? 1 : 2;
        };
        std::vector<const AlertRule*> listed;
        for (const AlertRule& r : m_engine->rules())
            if (m_engine->state(r.name) != AlertState::Normal)
                listed.push_back(&r);
        std::stable_sort(listed.begin(), listed.end(), [&](const AlertRule* a, const AlertRule* b) {
            const int ra = rank(m_engine->state(a->name)), rb = rank(m_engine->state(b->name));
            return ra != rb ? ra < rb : a->severity > b->severity;
        });
        for (const AlertRule* r : listed)
            rows.append(r->name);
    }
    if (rows != m_rows) {
        beginResetModel();
        m_rows = rows;
        endResetModel();
    } else if (!m_rows.isEmpty()) {
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    }
}

QVariant AlertListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !m_engine || index.row() >= m_rows.size())
        return {};
    const QString name = m_rows[index.row()];
    const AlertRule* rule = m_engine->rule(name);
    const AlertStatus* s = m_engine->status(name);
    if (!rule || !s)
        return {};
    if (role == kRuleNameRole)
        return name;
    if (role == Qt::ForegroundRole && index.column() == Severity) {
        switch (rule->severity) {
        case AlertSeverity::Critical:
            return QBrush(QColor(0xc6, 0x28, 0x28));
        case AlertSeverity::Warning:
            return QBrush(QColor(0xb2, 0x6a, 0x00));
        case AlertSeverity::Info:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        // Everything in the row, for a narrow panel that hides some columns.
        QString tip = rule->summary + u"\n"_s + rule->conditionText();
        for (const int column : {State, Since, Value, Acknowledged}) {
            const QString text = data(index.siblingAtColumn(column), Qt::DisplayRole).toString();
            if (!text.isEmpty())
                tip += u"\n"_s + headerData(column, Qt::Horizontal).toString() + u": "_s + text;
        }
        if (s->state == AlertState::Firing && !std::isnan(s->clearingSince))
            tip += u"\n"_s + tr("Clear since %1: resolves at %2 if it stays clear (holds %3 s)")
                                 .arg(formatClock(s->clearingSince),
                                      formatClock(s->clearingSince + rule->keepFiringForSeconds))
                                 .arg(rule->keepFiringForSeconds);
        return tip;
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Severity:
        return toString(rule->severity).toUpper();
    case Alert:
        return rule->summary;
    case State:
        // Firing but clear again: the hold runs, the operator sees it is
        // on its way out rather than a flap about to happen.
        if (s->state == AlertState::Firing && !std::isnan(s->clearingSince))
            return tr("firing, clearing");
        return toString(s->state);
    case Since: {
        const double t = s->state == AlertState::Firing    ? s->firedAt
                         : s->state == AlertState::Pending ? s->pendingSince
                                                           : s->resolvedAt;
        return std::isnan(t) ? QString() : formatClock(t);
    }
    case Value:
        return s->detail;
    case Acknowledged:
        if (s->state == AlertState::Resolved && !s->resolvedBy.isEmpty())
            return tr("resolved by %1: %2").arg(s->resolvedBy, s->resolveNote);
        return s->acknowledged
                   ? tr("%1 at %2").arg(s->acknowledgedBy, formatClock(s->acknowledgedAt))
                   : QString();
    default:
        return {};
    }
}

QVariant AlertListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Severity:
        return tr("Severity");
    case Alert:
        return tr("Alert");
    case State:
        return tr("State");
    case Since:
        return tr("Since");
    case Value:
        return tr("Value");
    case Acknowledged:
        return tr("Acknowledged");
    default:
        return {};
    }
}

}  // namespace pulsco
