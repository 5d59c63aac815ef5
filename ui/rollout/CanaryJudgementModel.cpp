#include "ui/rollout/CanaryJudgementModel.h"

#include "ui/Theme.h"

#include <QApplication>
#include <QFont>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

QString figure(double v) {
    return QString::number(v, 'g', 3);
}

QString signedFigure(double v) {
    return (v > 0 ? u"+"_s : QString()) + figure(v);
}

}  // namespace

CanaryJudgementModel::CanaryJudgementModel(QObject* parent)
    : QAbstractTableModel(parent) {}

void CanaryJudgementModel::setJudgement(const std::optional<CanaryStepJudgement>& judgement) {
    beginResetModel();
    m_judgement = judgement;
    endResetModel();
}

int CanaryJudgementModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || !m_judgement ? 0 : int(m_judgement->metrics.size());
}

int CanaryJudgementModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CanaryJudgementModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !m_judgement || index.row() >= rowCount())
        return {};
    const CanaryMetricJudgement& j = m_judgement->metrics[std::size_t(index.row())];
    const bool data = j.verdict != CanaryVerdict::NoData;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Metric:
            return QString(QString::fromStdString(j.metric) +
                           (j.critical ? tr(" (critical)") : QString()));
        case Blue:
            return data ? tr("%1 (n %2)").arg(figure(j.blueLevel)).arg(j.blueSamples)
                        : tr("n %1").arg(j.blueSamples);
        case Green:
            return tr("n %1").arg(j.greenSamples);
        case Change:
            return data ? (j.blueLevel != 0
                               ? tr("%1 (%2 %)")
                                     .arg(signedFigure(j.change), signedFigure(j.changePct))
                               : signedFigure(j.change))
                        : u"–"_s;
        case Interval:
            return data ? QString(u"["_s + signedFigure(j.low) + u", "_s + signedFigure(j.high) +
                                  u']')
                        : u"–"_s;
        case Verdict:
            return QString(QString::fromLatin1(toString(j.verdict)) +
                           (j.failed ? tr(", fails") : QString()));
        case Why:
            return QString::fromStdString(j.why);
        }
    } else if (role == Qt::ToolTipRole) {
        return QString::fromStdString(j.metric + ": " + j.why);
    } else if (role == Qt::BackgroundRole && j.failed &&
               (index.column() == Verdict || index.column() == Change)) {
        return levelColor(KpiLevel::Breach, QApplication::palette());
    } else if (role == Qt::ForegroundRole && j.failed &&
               (index.column() == Verdict || index.column() == Change)) {
        return textOnLevel(KpiLevel::Breach, QApplication::palette());
    } else if (role == Qt::FontRole && j.failed) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    return {};
}

QVariant CanaryJudgementModel::headerData(int section, Qt::Orientation orientation,
                                          int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Metric:
        return tr("Metric");
    case Blue:
        return tr("Blue");
    case Green:
        return tr("Green");
    case Change:
        return tr("Green − blue");
    case Interval:
        return tr("Interval");
    case Verdict:
        return tr("Verdict");
    case Why:
        return tr("Why");
    }
    return {};
}

}  // namespace pulsco
