#include "ui/EnvironmentComparisonModel.h"

#include "ui/Format.h"

#include <QBrush>
#include <QFont>
#include <QLocale>

namespace pulsco {

using namespace Qt::StringLiterals;

namespace {

double errorRate(const EnvironmentMetrics& env) {
    return env.recentRequests
               ? static_cast<double>(env.recentErrors) / static_cast<double>(env.recentRequests)
               : 0.0;
}

}  // namespace

QString EnvironmentComparisonModel::cell(const MetricsSnapshot& snapshot,
                                         const EnvironmentMetrics& env, int row) const {
    const Histogram& latency = env.recentApiLatencyMs;
    switch (row) {
    case WeightSet:
        return env.requestedWeightPercent ? u"%1 %"_s.arg(*env.requestedWeightPercent) : u"–"_s;
    case TrafficWeight: {
        const std::optional<double> share = measuredWeightPercent(snapshot, env);
        return share ? u"%1 %"_s.arg(QLocale().toString(*share, 'f', 1)) : u"–"_s;
    }
    case Requests:
        return formatCount(env.recentRequests);
    case ErrorRate:
        return env.recentRequests ? formatPercent(errorRate(env)) : u"–"_s;
    case LatencyP50:
        return latency.count() ? formatMs(latency.quantile(0.50)) : u"–"_s;
    case LatencyP95:
        return latency.count() ? formatMs(latency.quantile(0.95)) : u"–"_s;
    case LatencyP99:
        return latency.count() ? formatMs(latency.quantile(0.99)) : u"–"_s;
    case WaitP95:
        return env.recentTicketWaitSeconds.count()
                   ? formatSeconds(env.recentTicketWaitSeconds.quantile(0.95))
                   : u"–"_s;
    case MatchesPerMinute:
        return QLocale().toString(env.matchesPerMinute, 'f', 1);
    case MatchesSinceStart:
        return formatCount(env.matchesTotal);
    case QualityP50:
        return env.matchQuality.count() ? QLocale().toString(env.matchQuality.quantile(0.5), 'f', 2)
                                        : u"–"_s;
    }
    return {};
}

void EnvironmentComparisonModel::setSnapshot(const MetricsSnapshot& snapshot) {
    bool changed = false;
    for (int row = 0; row < RowCount; ++row) {
        const std::array<QString, 2> cells{cell(snapshot, snapshot.blue, row),
                                           cell(snapshot, snapshot.green, row)};
        if (cells != m_cells[static_cast<std::size_t>(row)]) {
            m_cells[static_cast<std::size_t>(row)] = cells;
            changed = true;
        }
    }
    // Highlight green where it does clearly worse than blue: the question an
    // operator asks during analysis.
    const auto p95 = [](const EnvironmentMetrics& env) {
        return env.recentApiLatencyMs.count() ? env.recentApiLatencyMs.quantile(0.95) : 0.0;
    };
    std::array<bool, RowCount> worse{};
    worse[ErrorRate] = snapshot.green.recentRequests > 0 &&
                       errorRate(snapshot.green) > errorRate(snapshot.blue) * 2 + 0.0005;
    worse[LatencyP95] = snapshot.green.recentApiLatencyMs.count() > 0 &&
                        p95(snapshot.green) > p95(snapshot.blue) * 1.5;
    changed = changed || worse != m_greenWorse;
    m_greenWorse = worse;
    // Unchanged cells are not repainted: the table stays idle between changes.
    if (changed)
        emit dataChanged(index(0, Blue), index(RowCount - 1, Green));
}

int EnvironmentComparisonModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : RowCount;
}

int EnvironmentComparisonModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EnvironmentComparisonModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid())
        return {};
    const auto row = static_cast<std::size_t>(index.row());
    if (role == Qt::TextAlignmentRole && index.column() != Metric)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::FontRole && index.column() == Green && m_greenWorse[row]) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    if (role == Qt::ToolTipRole && index.column() == Metric) {
        if (row == WeightSet)
            return tr("The weight the traffic controller set and read back (– when nothing "
                      "controls the traffic).");
        if (row == TrafficWeight)
            return tr("Measured: the share of new tickets each colour took over the last 60 s, "
                      "from the servers' own counters (a ticket's polls stay on its server).");
        if (row == MatchesSinceStart || row == QualityP50)
            return tr("Since the source started: the snapshot keeps match quality only since "
                      "start, so matches are counted over the same span.");
        return tr("Over the last 60 s of source time.");
    }
    if (role != Qt::DisplayRole && role != Qt::AccessibleTextRole)
        return {};
    if (index.column() == Metric) {
        // The window is in the header ("last 60 s") and on the rows that
        // differ: the labels stay short enough for the rollout panel's
        // narrow table.
        static const std::array<const char*, RowCount> kNames{
            QT_TR_NOOP("Weight set"),
            QT_TR_NOOP("Traffic share"),
            QT_TR_NOOP("Requests"),
            QT_TR_NOOP("Error rate"),
            QT_TR_NOOP("API p50"),
            QT_TR_NOOP("API p95"),
            QT_TR_NOOP("API p99"),
            QT_TR_NOOP("Ticket wait p95"),
            QT_TR_NOOP("Matches / min"),
            QT_TR_NOOP("Matches (since start)"),
            QT_TR_NOOP("Quality p50 (since start)")};
        return tr(kNames[row]);
    }
    const QString& text = m_cells[row][static_cast<std::size_t>(index.column() - Blue)];
    if (index.column() == Green && m_greenWorse[row])
        return QString(text + u"  ▲ worse"_s);
    return text;
}

QVariant EnvironmentComparisonModel::headerData(int section, Qt::Orientation orientation,
                                                int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Metric:
        return tr("Last 60 s");
    case Blue:
        return tr("Blue");
    case Green:
        return tr("Green");
    }
    return {};
}

}  // namespace pulsco
