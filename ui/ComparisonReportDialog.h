// Shows a replay comparison report (File › Open comparison report…,
// pulsco-console --comparison FILE): the verdict in words and colour, what
// was compared, and every figure of every group in one sortable table,
// filtered by group, regressions only or judged only. Copy and save the
// Markdown the CLI prints.
#pragma once

#include "bridge/ReplayComparisonJson.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QTableView;

namespace pulsco {

class ComparisonReportFilter;
class ComparisonReportModel;

class ComparisonReportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ComparisonReportDialog(const ReplayComparisonReport& report,
                                    QWidget* parent = nullptr);

    QTableView* table() const { return m_table; }
    QComboBox* groupFilter() const { return m_group; }
    QCheckBox* regressionsOnly() const { return m_regressionsOnly; }
    QCheckBox* judgedOnly() const { return m_judgedOnly; }
    QLabel* verdictLabel() const { return m_verdict; }

private:
    void saveMarkdown();

    ReplayComparisonReport m_report;
    ComparisonReportModel* m_model;
    ComparisonReportFilter* m_filter;
    QLabel* m_verdict;
    QComboBox* m_group;
    QCheckBox* m_regressionsOnly;
    QCheckBox* m_judgedOnly;
    QTableView* m_table;
};

}  // namespace pulsco
