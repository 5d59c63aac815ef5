#include "ui/drills/DrillPdfExport.h"

#include "drills/DrillReport.h"
#include "ui/MarkdownPdfWriter.h"

#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace pulsco {

bool exportDrillPdf(const DrillRecord& record, const QString& path, QString* error) {
    return writeMarkdownPdf({drillReportMarkdown(record), record.drillTitle, {}}, path, error);
}

bool exportDrillMarkdown(const DrillRecord& record, const QString& path, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(drillReportMarkdown(record).toUtf8()) < 0 ||
        !file.commit()) {
        if (error)
            *error = u"%1: cannot write the report: %2"_s.arg(path, file.errorString());
        return false;
    }
    return true;
}

}  // namespace pulsco
