#include "ui/rollout/ReportExport.h"

#include "rollout/RolloutReport.h"

#include <QFile>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>

using namespace Qt::StringLiterals;

namespace pulsco {

bool exportRolloutMarkdown(RolloutSession& session, const QString& path, QString* error) {
    QSaveFile file(path);  // all or nothing
    if (!file.open(QIODevice::WriteOnly)) {
        *error = path + u": "_s + file.errorString();
        return false;
    }
    file.write(rolloutReportMarkdown(session).toUtf8());
    if (!file.commit()) {
        *error = path + u": "_s + file.errorString();
        return false;
    }
    return true;
}

bool exportRolloutPdf(RolloutSession& session, const QString& path, QString* error) {
    QTextDocument document;
    document.setMarkdown(rolloutReportMarkdown(session));
    QPdfWriter writer(path);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setResolution(120);
    writer.setTitle(u"Pulsco rollout report"_s);
    writer.setCreator(u"Pulsco Ops Console"_s);
    document.setPageSize(QSizeF(writer.width(), writer.height()));
    document.print(&writer);
    if (QFile(path).size() == 0) {
        *error = path + u": the PDF could not be written"_s;
        return false;
    }
    return true;
}

}  // namespace pulsco
