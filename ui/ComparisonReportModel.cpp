#include "ui/ComparisonReportModel.h"

#include "ui/Theme.h"

#include <QApplication>
#include <QFont>
#include <QPalette>

using namespace Qt::StringLiterals;

namespace pulsco {

ComparisonReportModel::ComparisonReportModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void ComparisonReportModel::setReport(const ReplayComparisonReport& report) {
    beginResetModel();
    m_report = report;
    m_rows.clear();
    for (const GroupComparison& g : m_report.comparison.groups)
        for (const MetricChange& m : g.metrics)
            m_rows.push_back({comparisonGroupName(g), &m});
    endResetModel();
}

int ComparisonReportModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ComparisonReportModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ComparisonReportModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(m_rows.size()))
        return {};
    const Row& row = m_rows[std::size_t(index.row())];
    const MetricChange& m = *row.metric;
    const bool both = m.a && m.b;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Group:
            return row.group;
        case Figure:
            return QString::fromStdString(m.metric);
        case A:
            return comparisonFigureText(m.a);
        case B:
            return comparisonFigureText(m.b);
        case Change:
            return both ? comparisonChangeText(m.change) : u"–"_s;
        case Interval:
            return both ? QString(u"["_s + comparisonChangeText(m.low) + u", "_s +
                                  comparisonChangeText(m.high) + u']')
                        : u"–"_s;
        case Bar:
            return m.bar.empty() ? u"–"_s : QString::fromStdString(m.bar);
        case Verdict:
            return QString((m.regressed ? u"Regressed: "_s : QString()) +
                           QString::fromStdString(m.verdict));
        }
        break;
    case Qt::ToolTipRole:
        return u"%1, %2\nA: %3 (%4 samples)\nB: %5 (%6 samples)\n%7"_s.arg(
            row.group, QString::fromStdString(m.metric), comparisonFigureText(m.a),
            QString::number(m.samplesA), comparisonFigureText(m.b), QString::number(m.samplesB),
            QString::fromStdString(m.verdict));
    case Qt::TextAlignmentRole:
        if (index.column() >= A && index.column() <= Change)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    // A regression marks its change and verdict, not the whole row: a table
    // of red rows reads as one block and hides which figure moved.
    case Qt::BackgroundRole:
        if (m.regressed && (index.column() == Change || index.column() == Verdict))
            return levelColor(KpiLevel::Breach, QApplication::palette());
        break;
    case Qt::ForegroundRole:
        if (m.regressed && (index.column() == Change || index.column() == Verdict))
            return textOnLevel(KpiLevel::Breach, QApplication::palette());
        if (!m.judged)
            return QApplication::palette().color(QPalette::Disabled, QPalette::Text);
        break;
    case Qt::FontRole:
        if (m.regressed) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        break;
    case RegressedRole:
        return m.regressed;
    case JudgedRole:
        return m.judged;
    case GroupRole:
        return row.group;
    }
    return {};
}

QVariant ComparisonReportModel::headerData(int section, Qt::Orientation orientation,
                                           int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Group:
        return tr("Group");
    case Figure:
        return tr("Figure");
    case A:
        return tr("A");
    case B:
        return tr("B");
    case Change:
        return tr("B − A");
    case Interval:
        return tr("%1 % interval").arg(m_report.confidence * 100, 0, 'g', 4);
    case Bar:
        return tr("Bar");
    case Verdict:
        return tr("Verdict");
    }
    return {};
}

void ComparisonReportFilter::setGroup(const QString& group) {
    m_group = group;
    invalidateFilter();
}

void ComparisonReportFilter::setRegressionsOnly(bool on) {
    m_regressionsOnly = on;
    invalidateFilter();
}

void ComparisonReportFilter::setJudgedOnly(bool on) {
    m_judgedOnly = on;
    invalidateFilter();
}

bool ComparisonReportFilter::filterAcceptsRow(int sourceRow, const QModelIndex& parent) const {
    const QModelIndex index = sourceModel()->index(sourceRow, 0, parent);
    if (!m_group.isEmpty() && index.data(ComparisonReportModel::GroupRole).toString() != m_group)
        return false;
    if (m_regressionsOnly && !index.data(ComparisonReportModel::RegressedRole).toBool())
        return false;
    if (m_judgedOnly && !index.data(ComparisonReportModel::JudgedRole).toBool())
        return false;
    return true;
}

}  // namespace pulsco
