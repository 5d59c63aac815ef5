#include "ui/drills/DrillPdfExport.h"

#include "drills/DrillReport.h"
#include "ui/Format.h"
#include "ui/MarkdownPdfWriter.h"
#include "ui/drills/DrillTimelineChart.h"

#include <QFileInfo>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace pulsco {

bool exportDrillPdf(const DrillRecord& record, const QString& path, QString* error,
                    QString* written) {
    WrittenPdf pdf;
    // The one chart of faults, alerts, actions and recovery, above the table.
    const MarkdownPdf document{drillReportMarkdownWithChart(record),
                               record.drillTitle,
                               {{kDrillTimelineImage, drillTimelineImage(drillTimeline(record))}}};
    if (!writeMarkdownPdf(document, path, error, &pdf))
        return false;
    if (written)
        *written = describeWrittenPdf(pdf);
    return true;
}

bool exportDrillMarkdown(const DrillRecord& record, const QString& path, QString* error,
                         QString* written) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(drillReportMarkdown(record).toUtf8()) < 0 ||
        !file.commit()) {
        if (error)
            *error = u"%1: cannot write the report: %2"_s.arg(path, file.errorString());
        return false;
    }
    if (written) {
        const QFileInfo info(path);
        *written = u"%1 (%2)"_s.arg(info.absoluteFilePath(), formatFileSize(info.size()));
    }
    return true;
}

}  // namespace pulsco
