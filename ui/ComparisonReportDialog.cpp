#include "ui/ComparisonReportDialog.h"

#include "ui/ComparisonReportModel.h"
#include "ui/Theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pulsco {

ComparisonReportDialog::ComparisonReportDialog(const ReplayComparisonReport& report,
                                               QWidget* parent)
    : QDialog(parent)
    , m_report(report)
    , m_model(new ComparisonReportModel(this))
    , m_filter(new ComparisonReportFilter(this))
    , m_verdict(new QLabel(this))
    , m_group(new QComboBox(this))
    , m_regressionsOnly(new QCheckBox(tr("&Regressions only"), this))
    , m_judgedOnly(new QCheckBox(tr("&Judged figures only"), this))
    , m_table(new QTableView(this)) {
    setWindowTitle(tr("Replay comparison — %1").arg(QFileInfo(report.recording).fileName()));
    m_model->setReport(m_report);
    m_filter->setSourceModel(m_model);

    // The verdict first, in words and in the state colours of the console.
    const bool regressed = m_report.comparison.regressed();
    m_verdict->setText(regressed ? tr("B regresses on %n figure(s)", nullptr,
                                      int(m_report.comparison.regressions.size()))
                                 : tr("B passes: no figure breaks its bar beyond chance"));
    QFont big = m_verdict->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_verdict->setFont(big);
    m_verdict->setAutoFillBackground(true);
    const KpiLevel level = regressed ? KpiLevel::Breach : KpiLevel::Ok;
    QPalette verdictPalette = m_verdict->palette();
    verdictPalette.setColor(QPalette::Window, levelColor(level, palette()));
    verdictPalette.setColor(QPalette::WindowText, textOnLevel(level, palette()));
    m_verdict->setPalette(verdictPalette);
    m_verdict->setContentsMargins(10, 6, 10, 6);

    auto* what = new QLabel(this);
    what->setTextFormat(Qt::PlainText);
    what->setWordWrap(true);
    what->setTextInteractionFlags(Qt::TextSelectableByMouse);
    what->setText(
        tr("Recording %1: %2 arrivals (amplify %3, seed %4)\nA: %5 (trace %6)\nB: %7 (trace %8)\n"
           "Paired bootstrap, %9 resamples; groups under %10 arrivals are shown, not judged.")
            .arg(m_report.recording)
            .arg(m_report.arrivals)
            .arg(m_report.amplify)
            .arg(m_report.seed)
            .arg(m_report.rulesA, m_report.traceHashA, m_report.rulesB, m_report.traceHashB)
            .arg(m_report.resamples)
            .arg(m_report.minArrivals));

    m_group->addItem(tr("Every group"), QString());
    for (const GroupComparison& g : m_report.comparison.groups) {
        const QString name = comparisonGroupName(g);
        m_group->addItem(tr("%1 (%2 arrivals)").arg(name).arg(g.arrivals), name);
    }
    auto* groupLabel = new QLabel(tr("&Group:"), this);
    groupLabel->setBuddy(m_group);
    connect(m_group, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setGroup(m_group->currentData().toString()); });
    connect(m_regressionsOnly, &QCheckBox::toggled, m_filter,
            &ComparisonReportFilter::setRegressionsOnly);
    connect(m_judgedOnly, &QCheckBox::toggled, m_filter, &ComparisonReportFilter::setJudgedOnly);
    // Regressions first when there are any: that is what the reader came for.
    m_regressionsOnly->setChecked(regressed);

    auto* filters = new QHBoxLayout;
    filters->addWidget(groupLabel);
    filters->addWidget(m_group, 1);
    filters->addWidget(m_regressionsOnly);
    filters->addWidget(m_judgedOnly);

    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);  // the report's order until a header is clicked
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    QHeaderView* header = m_table->horizontalHeader();
    for (int c = 0; c < ComparisonReportModel::ColumnCount; ++c)
        header->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ComparisonReportModel::Verdict, QHeaderView::Stretch);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton* copy = buttons->addButton(tr("&Copy as Markdown"), QDialogButtonBox::ActionRole);
    QPushButton* save = buttons->addButton(tr("&Save Markdown…"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(replayComparisonMarkdown(m_report)); });
    connect(save, &QPushButton::clicked, this, &ComparisonReportDialog::saveMarkdown);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_verdict);
    layout->addWidget(what);
    layout->addLayout(filters);
    layout->addWidget(m_table, 1);
    layout->addWidget(buttons);
    resize(1100, 640);
}

void ComparisonReportDialog::saveMarkdown() {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save the comparison as Markdown"),
                                     u"comparison.md"_s, tr("Markdown (*.md);;All files (*)"));
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    const QByteArray bytes = replayComparisonMarkdown(m_report).toUtf8();
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        QMessageBox::warning(this, tr("Cannot save the comparison"),
                             tr("%1: %2").arg(path, file.errorString()));
}

}  // namespace pulsco
