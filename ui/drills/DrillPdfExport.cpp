#include "ui/drills/DrillPdfExport.h"

#include "drills/DrillReport.h"

#include <QFile>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>

using namespace Qt::StringLiterals;

namespace pulsco {

bool exportMarkdownAsPdf(const QString& markdown, const QString& title, const QString& path,
                         QString* error) {
    QPdfWriter writer(path);
    writer.setTitle(title);
    writer.setCreator(u"Pulsco Ops Console"_s);
    writer.setResolution(300);
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter));
    QTextDocument doc;
    doc.setDefaultStyleSheet(u"table { border-collapse: collapse; } td, th { padding: 3px; }"_s);
    doc.setMarkdown(markdown);
    doc.print(&writer);
    if (!QFile::exists(path) || QFile(path).size() == 0) {
        if (error)
            *error =
                u"%1: cannot write the PDF (check the folder exists and is writable)"_s.arg(path);
        return false;
    }
    return true;
}

bool exportDrillPdf(const DrillRecord& record, const QString& path, QString* error) {
    return exportMarkdownAsPdf(drillReportMarkdown(record), record.drillTitle, path, error);
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
