#include "ui/rollout/ReportExport.h"

#include "bridge/MetricsSnapshotJson.h"
#include "rollout/RolloutReport.h"
#include "rollout/RolloutSession.h"
#include "ui/Format.h"
#include "ui/HistogramChart.h"
#include "ui/KpiStatus.h"
#include "ui/MarkdownPdfWriter.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

struct ReportChart {
    QString name;  // file name, e.g. "rollout-3-rollback.png"
    QString caption;
    QImage image;
};

// Blue and green latency at each rollback, from the snapshot its audit row
// kept: the charts of the moments that mattered.
std::vector<ReportChart> rollbackCharts(RolloutSession& session) {
    std::vector<ReportChart> charts;
    for (const AuditEntry& e : session.rollbackRows(1000)) {
        const QJsonObject evidence = QJsonDocument::fromJson(e.evidence).object();
        if (!evidence.contains(u"snapshot"_s))
            continue;
        QString error;
        const auto snapshot = metricsSnapshotFromJson(
            QJsonDocument(evidence.value(u"snapshot"_s).toObject()).toJson(QJsonDocument::Compact),
            u"audit row %1"_s.arg(e.id), &error);
        if (!snapshot)
            continue;
        QWidget canvas;
        auto* layout = new QHBoxLayout(&canvas);  // owned by canvas
        for (const auto& [title, histogram] :
             {std::pair{u"Blue"_s, &snapshot->blue.recentApiLatencyMs},
              std::pair{u"Green"_s, &snapshot->green.recentApiLatencyMs}}) {
            HistogramChartSpec spec;
            spec.title = title + u" · API latency at the rollback"_s;
            spec.axisTitle = u"latency (ms)"_s;
            spec.valueTitle = u"% of requests"_s;
            spec.unit = u"ms"_s;
            spec.bar = kApiP95Bar.bound;
            spec.barName = u"bar < "_s + formatMs(kApiP95Bar.bound);
            auto* chart = new HistogramChart(spec, &canvas);
            chart->setHistogram(*histogram);
            layout->addWidget(chart);
        }
        canvas.resize(1000, 320);
        canvas.ensurePolished();
        layout->activate();
        charts.push_back({u"rollout-%1-rollback-%2.png"_s.arg(e.rollout).arg(e.id),
                          u"Rollout %1 at its rollback (source time %2 s): %3"_s.arg(e.rollout)
                              .arg(e.sourceTimeSeconds, 0, 'f', 0)
                              .arg(e.note),
                          canvas.grab().toImage()});
    }
    return charts;
}

QString chartSection(const std::vector<ReportChart>& charts, const QString& prefix) {
    if (charts.empty())
        return {};
    QString md = u"\n## Charts at the rollbacks\n\n"_s;
    for (const ReportChart& c : charts)
        md += u"%1\n\n![%1](%2%3)\n\n"_s.arg(c.caption, prefix, c.name);
    return md;
}

}  // namespace

bool exportRolloutMarkdown(RolloutSession& session, const QString& path, QString* error,
                           QString* written) {
    const auto fail = [error](const QString& why) {
        if (error)  // callers may not want the reason
            *error = why;
        return false;
    };
    // Charts go next to the report: <report>-charts/*.png.
    const QFileInfo info(path);
    const QString chartDir = info.completeBaseName() + u"-charts"_s;
    const auto charts = rollbackCharts(session);
    if (!charts.empty()) {
        QDir(info.absolutePath()).mkpath(chartDir);
        for (const ReportChart& c : charts)
            if (!c.image.save(info.absolutePath() + u'/' + chartDir + u'/' + c.name))
                return fail(info.absolutePath() + u'/' + chartDir + u'/' + c.name +
                            u": cannot be written"_s);
    }
    QSaveFile file(path);  // all or nothing
    if (!file.open(QIODevice::WriteOnly))
        return fail(path + u": "_s + file.errorString());
    file.write((rolloutReportMarkdown(session) + chartSection(charts, chartDir + u'/')).toUtf8());
    if (!file.commit())
        return fail(path + u": "_s + file.errorString());
    if (written) {
        const QFileInfo report(info.absoluteFilePath());
        *written = u"%1 (%2)"_s.arg(report.absoluteFilePath(), formatFileSize(report.size()));
        const QString dir = info.absolutePath() + u'/' + chartDir + u'/';
        if (charts.size() == 1)
            *written += u", 1 chart in %1"_s.arg(dir);
        else if (charts.size() > 1)
            *written += u", %1 charts in %2"_s.arg(QString::number(charts.size()), dir);
    }
    return true;
}

bool exportRolloutPdf(RolloutSession& session, const QString& path, QString* error,
                      QString* written) {
    const auto charts = rollbackCharts(session);
    MarkdownPdf pdf{
        rolloutReportMarkdown(session) + chartSection(charts, {}), u"Pulsco rollout report"_s, {}};
    for (const ReportChart& c : charts)
        pdf.images.push_back({c.name, c.image});
    WrittenPdf pdfWritten;
    if (!writeMarkdownPdf(pdf, path, error, &pdfWritten))
        return false;
    if (written)
        *written = describeWrittenPdf(pdfWritten);
    return true;
}

}  // namespace pulsco
