#include "ui/MarkdownPdfWriter.h"

#include <QFile>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>
#include <QUrl>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

constexpr int kDpi = 300;
constexpr double kMarginMm = 15;
// QTextDocument::print() adds its own 2 cm frame margins inside the page
// margins (and numbers the pages); images wider than what is left would be
// cut at the right edge. Layout units are 96 dpi pixels.
constexpr double kPrintFrameMarginMm = 20;
constexpr double kTextWidthMm = 210 - 2 * kMarginMm - 2 * kPrintFrameMarginMm;
constexpr int kMaxImageWidth = static_cast<int>(kTextWidthMm / 25.4 * 96);

bool fail(QString* error, const QString& path, const QString& why) {
    if (error)
        *error = u"%1: cannot write the PDF: %2"_s.arg(path, why);
    return false;
}

}  // namespace

bool writeMarkdownPdf(const MarkdownPdf& pdf, const QString& path, QString* error) {
    QSaveFile file(path);  // all or nothing: a failed export leaves no half file
    if (!file.open(QIODevice::WriteOnly))
        return fail(error, path, file.errorString());
    {
        QPdfWriter writer(&file);
        writer.setTitle(pdf.title);
        writer.setCreator(u"Pulsco Ops Console"_s);
        writer.setResolution(kDpi);
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                         QMarginsF(kMarginMm, kMarginMm, kMarginMm, kMarginMm),
                                         QPageLayout::Millimeter));
        QTextDocument document;
        document.setDefaultStyleSheet(
            u"table { border-collapse: collapse; } td, th { padding: 3px; }"_s);
        for (const MarkdownImage& i : pdf.images)
            document.addResource(
                QTextDocument::ImageResource, QUrl(i.name),
                i.image.width() > kMaxImageWidth
                    ? i.image.scaledToWidth(kMaxImageWidth, Qt::SmoothTransformation)
                    : i.image);
        document.setMarkdown(pdf.markdown);
        document.print(&writer);
    }  // the writer finishes the PDF here
    if (!file.commit())
        return fail(error, path, file.errorString());
    QFile written(path);
    if (!written.open(QIODevice::ReadOnly) || written.size() == 0 || written.read(4) != "%PDF")
        return fail(error, path, u"the file is missing or not a PDF"_s);
    return true;
}

}  // namespace pulsco
